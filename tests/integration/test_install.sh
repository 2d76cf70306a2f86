#!/usr/bin/env bash
# make install and make uninstall of the built tree (deploy/deploy.mk,
# docs/deploy.md), twice, into temporary folders:
#   1. with DESTDIR and the configured directories: the layout (programs in
#      libexec/ticketing, ticketingctl in sbin, data in share/ticketing,
#      units, examples), the generated files naming the configured paths
#      and never the build tree or DESTDIR; make uninstall leaves folders
#      only;
#   2. with prefix=TMP (the generated files follow make install's
#      directories), so the installed files can be used where they lie:
#      systemd-analyze verify on every unit instance (when systemd-analyze
#      exists; it works without systemd as PID 1), nginx -t on the site
#      with a throwaway certificate, every example configuration filled in
#      as docs/deploy.md says and accepted by its installed program's
#      --check-config, and one example per program of the NATS accounts
#      `ticketingctl accounts nats` derives from the backbone registry.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

: "${TK_BUILDDIR:?TK_BUILDDIR must name the build tree}"

# mkvar and mk: lib.sh.

# no_files DIR: DIR holds folders only.
no_files() { [ -z "$(find "$1" ! -type d -print -quit)" ]; }

# --- 1. DESTDIR ---------------------------------------------------------------

D=$TK_TMP/root
check "make install DESTDIR=... succeeds" mk install DESTDIR="$D"
pkglibexecdir=$(mkvar pkglibexecdir)
sbindir=$(mkvar sbindir)
pkgdatadir=$(mkvar pkgdatadir)
unitdir=$(mkvar systemdsystemunitdir)
confdir=$(mkvar TK_CONFDIR)
rundir=$(mkvar TK_RUNDIR)
read -r -a services <<<"$(mkvar TK_FCGI_SERVICES)"
read -r -a workers <<<"$(mkvar TK_WORKERS)"
read -r -a instances <<<"$(mkvar TK_WORKER_INSTANCES)"

check "there are services and workers to install" [ ${#services[@]} -gt 0 -a ${#instances[@]} -gt 0 ]
check "ticketingctl is in sbin" [ -x "$D$sbindir/ticketingctl" ]
for s in "${services[@]}"; do
	check "ticketing-$s is in libexec/ticketing" [ -x "$D$pkglibexecdir/ticketing-$s" ]
	check "... not in sbin" [ ! -e "$D$sbindir/ticketing-$s" ]
	check "... with its example configuration" [ -s "$D$confdir/$s.conf.example" ]
done
for w in "${workers[@]}"; do
	check "ticketing-$w is in libexec/ticketing" [ -x "$D$pkglibexecdir/ticketing-$w" ]
	check "... with its unit template" [ -s "$D$unitdir/ticketing-$w@.service" ]
done
for p in "${instances[@]}"; do
	check "workers/$p.conf.example is installed" [ -s "$D$confdir/workers/$p.conf.example" ]
done
check "the layout, the templates, CSS, migrations are in share/ticketing" \
	[ -s "$D$pkgdatadir/templates/layout.tpl" -a -s "$D$pkgdatadir/static/style.css" \
	-a -s "$D$pkgdatadir/sql/auth/001_users.sql" ]
check "the FastCGI unit template, the target, tmpfiles and sysusers are installed" \
	[ -s "$D$unitdir/ticketing-fcgi@.service" -a -s "$D$unitdir/ticketing.target" \
	-a -s "$D$(mkvar tmpfilesdir)/ticketing.conf" -a -s "$D$(mkvar sysusersdir)/ticketing.conf" ]
check "the nginx site, its TLS part and headers are installed" \
	[ -s "$D$confdir/nginx/ticketing.conf" -a -s "$D$confdir/nginx/site.conf" \
	-a -s "$D$confdir/nginx/upstreams.conf" \
	-a -s "$D$confdir/nginx/site-local/tls.conf" -a -s "$D$confdir/nginx/security-headers.conf" ]
check "the FastCGI unit runs the installed program with the installed configuration" \
	grep -qxF "ExecStart=$pkglibexecdir/ticketing-%i --config $confdir/%i.conf" \
	"$D$unitdir/ticketing-fcgi@.service"
check "the site hands /auth/ to the configured socket folder" \
	grep -qF "server unix:$rundir/auth.sock;" "$D$confdir/nginx/upstreams.conf"
check "the site serves the installed static files" \
	grep -qF "alias $pkgdatadir/static/;" "$D$confdir/nginx/site.conf"
check "no installed text names the build tree" \
	[ -z "$(grep -rlIF -e "$TK_BUILDDIR/" "$D")" ]
check "no installed file names DESTDIR" [ -z "$(grep -rlF -e "$D" "$D")" ]
check "make uninstall DESTDIR=... succeeds" mk uninstall DESTDIR="$D"
check "... and leaves folders only" no_files "$D"
if ! no_files "$D"; then find "$D" ! -type d | sed 's/^/   left: /'; fi

# --- 2. prefix=TMP --------------------------------------------------------

P=$TK_TMP/p
mkdir -p "$TK_TMP/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj /CN=localhost -keyout "$TK_TMP/tls/key.pem" -out "$TK_TMP/tls/cert.pem" 2>/dev/null
check "make install prefix=... succeeds" mk install prefix="$P" \
	TK_TLS_CERT="$TK_TMP/tls/cert.pem" TK_TLS_KEY="$TK_TMP/tls/key.pem"
find "$P" ! -type d | LC_ALL=C sort >"$TK_TMP/installed"
pconf=$P/etc/ticketing
punits=$P/lib/systemd/system

if command -v systemd-analyze >/dev/null; then
	units=("$punits/ticketing.target")
	for s in "${services[@]}"; do units+=("$punits/ticketing-fcgi@$s.service"); done
	for p in "${instances[@]}"; do units+=("$punits/ticketing-${p%%-*}@${p#*-}.service"); done
	# verified UNIT...: systemd-analyze verify succeeds and has nothing
	# to say (an unknown key is only a warning).
	verified() {
		local out
		out=$(systemd-analyze verify "$@" 2>&1) && [ -z "$out" ]
	}
	check "systemd-analyze verify accepts every unit instance (${#units[@]}), silently" \
		verified "${units[@]}"
	systemd-analyze verify "${units[@]}" 2>&1 | sort -u | sed 's/^/   /'
	# The sandbox, measured: docs/DECISIONS.md "systemd units".
	exposure=$(systemd-analyze security --offline=true "$punits/ticketing-fcgi@auth.service" \
		2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check "systemd-analyze security rates a service's exposure at most 1.5 (got $exposure)" \
		awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }'
else
	echo "# systemd-analyze is missing: the units are not verified"
fi

# The account and the folders, made by systemd-sysusers and
# systemd-tmpfiles from the installed files in a root folder of the test's
# own (its /etc/group holds this machine's groups, nginx's among them).
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
	r=$TK_TMP/sysroot
	mkdir -p "$r/etc"
	cp /etc/group "$r/etc/group"
	: >"$r/etc/passwd"
	user=$(mkvar TK_USER)
	web_group=$(mkvar TK_WEB_GROUP)
	check "systemd-sysusers makes the account from sysusers.d/ticketing.conf" \
		systemd-sysusers --root="$r" "$P/lib/sysusers.d/ticketing.conf"
	check "... named $user, without a shell" grep -q "^$user:.*:/usr/sbin/nologin\$" "$r/etc/passwd"
	uid=$(awk -F: -v u="$user" '$1 == u { print $3 }' "$r/etc/passwd")
	gid=$(awk -F: -v g="$web_group" '$1 == g { print $3 }' "$r/etc/group")
	check "systemd-tmpfiles makes the folders from tmpfiles.d/ticketing.conf" \
		systemd-tmpfiles --root="$r" --create "$P/lib/tmpfiles.d/ticketing.conf"
	check "the socket folder is $user's, group $web_group, set-group-ID, 2750" \
		[ "$(stat -c '%u %g %a' "$r$P/var/run/ticketing")" = "$uid $gid 2750" ]
	check "the keys folder is $user's alone" \
		[ "$(stat -c '%u %a' "$r$P/var/lib/ticketing/keys")" = "$uid 700" ]
else
	echo "# systemd-sysusers or systemd-tmpfiles is missing: not run"
fi

# nginx -t: the installed site in a main file of the test's own, as nginx's
# /etc/nginx/nginx.conf includes sites-enabled/. It opens the log files and
# makes the cache folder, whose parents make install made.
n=$TK_TMP/nginx
nginx_main "$n" "$pconf/nginx/ticketing.conf"
nginx_t() { nginx -t -q -p "$n" -c "$n/nginx.conf" -e "$n/error.log"; }
check "nginx -t accepts the installed site with its certificate" nginx_t
nginx_t 2>&1 | sed 's/^/   /'
check "... which listens for TLS with the configured certificate" \
	grep -qxF "ssl_certificate $TK_TMP/tls/cert.pem;" "$pconf/nginx/site-local/tls.conf"
check "... and sends plain http to https" grep -qF 'return 301 https://' "$pconf/nginx/ticketing.conf"
nginx_refuses() { ! nginx_t 2>/dev/null; }
mv "$TK_TMP/tls/cert.pem" "$TK_TMP/tls/gone.pem"
check "nginx -t refuses it without the certificate" nginx_refuses
mv "$TK_TMP/tls/gone.pem" "$TK_TMP/tls/cert.pem"

# The keys and passwords as ticketingctl setup makes them, then every
# example filled in as setup's config step does (fill_conf below; setup
# itself needs a MariaDB and a nats-server: test_setup.sh).
ctl=$P/sbin/ticketingctl
keys=$P/var/lib/ticketing/keys
mkdir -p "$keys"
"$ctl" keygen "$keys" >/dev/null
"$ctl" accounts sql "$keys" >/dev/null
"$ctl" accounts nats "$keys" >"$TK_TMP/nats-users"

# fill_conf: the passwords of the key folder into each example.
fill_conf() {
	local ex conf db nu
	for ex in "$pconf"/*.conf.example "$pconf"/workers/*.conf.example; do
		conf=${ex%.example}
		db=$(sed -n 's/^db_user = ticketing_//p' "$ex")
		nu=$(sed -n 's/^nats_user = //p' "$ex")
		sed -e "s|^db_password =\$|db_password = $(cat "$keys/db-$db.password")|" \
			-e "s|^nats_password =\$|nats_password = $(cat "$keys/nats-$nu.password" 2>/dev/null)|" \
			"$ex" >"$conf"
	done
}
fill_conf
# config_ok SERVICE: the installed program accepts its configuration file.
# (A sanitizer build's leak report at exit is not the question here.)
config_ok() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
		"$P/libexec/ticketing/ticketing-$1" --check-config --config "$pconf/$1.conf" >/dev/null
}
for s in "${services[@]}"; do
	check "ticketing-$s --check-config accepts its filled-in example" config_ok "$s"
done
check "no filled-in file has an empty password" \
	[ -z "$(grep -l '^[a-z_]*password = *$' "$pconf"/*.conf "$pconf"/workers/*.conf)" ]

# Every FastCGI program of the build is installed as a service.
for f in "$TK_BUILDDIR"/fcgi/*/ticketing-*; do
	[ -x "$f" ] || continue
	check "built ${f#"$TK_BUILDDIR"/} is one of the installed services" \
		[ -s "$pconf/${f##*/ticketing-}.conf.example" ]
done

# Every NATS user of the registry but the administrator runs an installed
# program with an example: a FastCGI service (when the build has one of
# that name; notify is a database and a worker only) or a worker instance.
users=$(sed -n 's/^ *{user: "\([^"]*\)".*/\1/p' "$TK_TMP/nats-users")
check "ticketingctl accounts nats names users" [ -n "$users" ]
for u in $users; do
	case $u in
	admin) check "the administrator has admin.conf.example" [ -s "$pconf/admin.conf.example" ] ;;
	*-*) check "NATS user $u has workers/$u.conf.example and ticketing-${u%%-*}" \
		[ -s "$pconf/workers/$u.conf.example" -a -x "$P/libexec/ticketing/ticketing-${u%%-*}" ] ;;
	*) [ -x "$TK_BUILDDIR/fcgi/$u/ticketing-$u" ] &&
		check "NATS user $u has $u.conf.example" [ -s "$pconf/$u.conf.example" ] ;;
	esac
done

check "make uninstall prefix=... succeeds" mk uninstall prefix="$P"
left=$(while IFS= read -r f; do [ -e "$f" ] && echo "$f"; done <"$TK_TMP/installed")
check "... and removes every file make install put" [ -z "$left" ]
[ -z "$left" ] || printf '   left: %s\n' $left

finish
