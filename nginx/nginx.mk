# nginx/: the site configuration template and the security headers it
# includes, used by scripts/dev and installed under $(pkgdatadir)/nginx for
# an installation to fill in (README, "Production").
nobase_dist_pkgdata_DATA += \
	nginx/site.conf.in \
	nginx/security-headers.conf
