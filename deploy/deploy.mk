# deploy/: what make install puts beside the programs and data for a server
# (docs/deploy.md): systemd units, the socket folder and the account,
# the nginx site, a commented example configuration per program. Each is
# made at install time from a template with deploy/subst (or deploy/conf),
# so the paths in them are the installation's, including those given to
# make install itself (make install prefix=...), never the build tree's.
#
# Where things go (configure's directories; configure.ac for the
# --with- options):
#   $(pkglibexecdir)          the FastCGI services and the workers
#   $(sbindir)                ticketingctl
#   $(pkgdatadir)             templates, static files, SQL, nginx/site.conf.in
#   $(systemdsystemunitdir)   ticketing-fcgi@.service, ticketing-WORKER@.service,
#                             ticketing.target
#   $(tmpfilesdir), $(sysusersdir)   ticketing.conf each
#   $(TK_CONFDIR)             SERVICE.conf.example, workers/*.conf.example,
#                             admin.conf.example, nginx/
#   $(TK_KEYDIR)              keys and passwords (made by ticketingctl)
#   $(TK_RUNDIR)              the FastCGI sockets (made by systemd-tmpfiles)
TK_CONFDIR = $(sysconfdir)/ticketing
TK_STATEDIR = $(localstatedir)/lib/ticketing
TK_KEYDIR = $(TK_STATEDIR)/keys
TK_RUNDIR = $(runstatedir)/ticketing
TK_NGINX_LOGDIR = $(localstatedir)/log/nginx
TK_NGINX_CACHEDIR = $(localstatedir)/cache/nginx/ticketing
# Where certbot's webroot challenges are served from (Debian's default site).
TK_ACME_ROOT = $(localstatedir)/www/html
# The settings the example configurations start from: Debian's MariaDB
# socket and a NATS server on the same machine.
TK_DB_SOCKET = /run/mysqld/mysqld.sock
TK_NATS_URL = nats://127.0.0.1:4222
TK_BASE_URL = https://$(TK_SERVER_NAME)
TK_MAIL_FROM = tickets@$(TK_SERVER_NAME)

# The programs (deploy/programs.mk, shared with scripts/dev) and the
# workers among them, each once.
include $(top_srcdir)/deploy/programs.mk
TK_WORKERS = $(sort $(foreach i,$(TK_WORKER_INSTANCES),$(firstword $(subst -, ,$(i)))))

TK_SUBST = $(SHELL) $(top_srcdir)/deploy/subst
TK_SUBST_VARS = \
	PKGLIBEXECDIR='$(pkglibexecdir)' PKGDATADIR='$(pkgdatadir)' DOCDIR='$(docdir)' \
	CONFDIR='$(TK_CONFDIR)' STATEDIR='$(TK_STATEDIR)' KEYDIR='$(TK_KEYDIR)' \
	RUNDIR='$(TK_RUNDIR)' USER='$(TK_USER)' WEB_GROUP='$(TK_WEB_GROUP)' \
	SERVER_NAME='$(TK_SERVER_NAME)' TLS_CERT='$(TK_TLS_CERT)' TLS_KEY='$(TK_TLS_KEY)' \
	ACME_ROOT='$(TK_ACME_ROOT)' LOG_DIR='$(TK_NGINX_LOGDIR)' \
	CONF_DIR='$(TK_CONFDIR)/nginx' LISTEN='443 ssl http2' SOCK_DIR='$(TK_RUNDIR)' \
	STATIC_DIR='$(pkgdatadir)/static' CACHE_DIR='$(TK_NGINX_CACHEDIR)'
TK_CONF = TK_PKGDATADIR='$(pkgdatadir)' TK_KEYDIR='$(TK_KEYDIR)' TK_RUNDIR='$(TK_RUNDIR)' TK_BASE_URL='$(TK_BASE_URL)' \
	TK_DB_SOCKET='$(TK_DB_SOCKET)' TK_NATS_URL='$(TK_NATS_URL)' \
	TK_MAIL_FROM='$(TK_MAIL_FROM)' $(SHELL) $(top_srcdir)/deploy/conf

dist_doc_DATA = docs/deploy.md
EXTRA_DIST += deploy/programs.mk deploy/subst deploy/upstreams deploy/conf deploy/systemd/common.conf \
	deploy/systemd/ticketing-fcgi@.service.in deploy/systemd/ticketing-worker@.service.in \
	deploy/systemd/ticketing.target deploy/systemd/tmpfiles.conf.in \
	deploy/systemd/sysusers.conf.in deploy/nginx/ticketing.conf.in deploy/nginx/tls.conf.in

# tk_unit TEMPLATE UNIT [NAME=VALUE]: a unit from its template, with the
# common end (the sandbox, [Install]) appended.
install-data-local:
	@set -e; \
	units='$(DESTDIR)$(systemdsystemunitdir)'; conf='$(DESTDIR)$(TK_CONFDIR)'; \
	$(MKDIR_P) "$$units" '$(DESTDIR)$(tmpfilesdir)' '$(DESTDIR)$(sysusersdir)' \
		"$$conf/workers" "$$conf/nginx/site-local"; \
	: 'nginx makes the cache folder, not its parent; nor the log folder.'; \
	$(MKDIR_P) "$$(dirname '$(DESTDIR)$(TK_NGINX_CACHEDIR)')" '$(DESTDIR)$(TK_NGINX_LOGDIR)'; \
	tk_unit() { \
		$(TK_SUBST) "$(srcdir)/deploy/systemd/$$1" "$$units/$$2" $(TK_SUBST_VARS) $$3; \
		cat '$(srcdir)/deploy/systemd/common.conf' >>"$$units/$$2"; \
		chmod 644 "$$units/$$2"; \
	}; \
	echo " GEN      $$units/ticketing-fcgi@.service"; \
	tk_unit ticketing-fcgi@.service.in ticketing-fcgi@.service; \
	for w in $(TK_WORKERS); do \
		echo " GEN      $$units/ticketing-$$w@.service"; \
		tk_unit ticketing-worker@.service.in "ticketing-$$w@.service" "WORKER=$$w"; \
	done; \
	$(INSTALL_DATA) '$(srcdir)/deploy/systemd/ticketing.target' "$$units/ticketing.target"; \
	$(TK_SUBST) '$(srcdir)/deploy/systemd/tmpfiles.conf.in' \
		'$(DESTDIR)$(tmpfilesdir)/ticketing.conf' $(TK_SUBST_VARS); \
	$(TK_SUBST) '$(srcdir)/deploy/systemd/sysusers.conf.in' \
		'$(DESTDIR)$(sysusersdir)/ticketing.conf' $(TK_SUBST_VARS); \
	echo " GEN      $$conf/nginx"; \
	$(TK_SUBST) '$(srcdir)/deploy/nginx/ticketing.conf.in' "$$conf/nginx/ticketing.conf" \
		$(TK_SUBST_VARS); \
	$(TK_SUBST) '$(srcdir)/nginx/site.conf.in' "$$conf/nginx/site.conf" $(TK_SUBST_VARS); \
	$(SHELL) '$(srcdir)/deploy/upstreams' '$(TK_RUNDIR)' 1 $(TK_FCGI_SERVICES) \
		>"$$conf/nginx/upstreams.conf"; \
	$(TK_SUBST) '$(srcdir)/deploy/nginx/tls.conf.in' "$$conf/nginx/site-local/tls.conf" \
		$(TK_SUBST_VARS); \
	$(INSTALL_DATA) '$(srcdir)/nginx/security-headers.conf' "$$conf/nginx/security-headers.conf"; \
	echo " GEN      $$conf/*.conf.example"; \
	for s in $(TK_FCGI_SERVICES); do $(TK_CONF) "$$s" >"$$conf/$$s.conf.example"; done; \
	for p in $(TK_WORKER_INSTANCES); do \
		$(TK_CONF) "$${p#*-}" "$${p%%-*}" >"$$conf/workers/$$p.conf.example"; \
	done; \
	$(TK_CONF) admin >"$$conf/admin.conf.example"; \
	chmod 644 "$$conf"/*.conf.example "$$conf"/workers/*.conf.example \
		'$(DESTDIR)$(tmpfilesdir)/ticketing.conf' '$(DESTDIR)$(sysusersdir)/ticketing.conf' \
		"$$conf"/nginx/*.conf "$$conf"/nginx/site-local/*.conf

# What install-data-local made, and nothing else: an administrator's own
# files there (SERVICE.conf, site-local additions) stay.
uninstall-local:
	@set -e; \
	units='$(DESTDIR)$(systemdsystemunitdir)'; conf='$(DESTDIR)$(TK_CONFDIR)'; \
	rm -f "$$units/ticketing-fcgi@.service" "$$units/ticketing.target" \
		'$(DESTDIR)$(tmpfilesdir)/ticketing.conf' '$(DESTDIR)$(sysusersdir)/ticketing.conf' \
		"$$conf/nginx/ticketing.conf" "$$conf/nginx/site.conf" "$$conf/nginx/upstreams.conf" \
		"$$conf/nginx/site-local/tls.conf" "$$conf/nginx/security-headers.conf" \
		"$$conf/admin.conf.example"; \
	for w in $(TK_WORKERS); do rm -f "$$units/ticketing-$$w@.service"; done; \
	for s in $(TK_FCGI_SERVICES); do rm -f "$$conf/$$s.conf.example"; done; \
	for p in $(TK_WORKER_INSTANCES); do rm -f "$$conf/workers/$$p.conf.example"; done
