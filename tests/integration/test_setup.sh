#!/usr/bin/env bash
# ticketingctl setup on an installation of its own (docs/deploy.md step 3):
# make install prefix=TMP, then a MariaDB (own datadir and socket, no TCP)
# and a nats-server (own ports, JetStream store) started by this test, so
# nothing is shared with the test stack. Then:
#   1. setup with MariaDB unreachable fails and names it;
#   2. setup --dry-run says what it would do and makes nothing: no
#      database, no key, no configuration file, no NATS users file;
#   3. setup makes everything: the databases, each service's account on
#      its own database only, the NATS users (a service user is refused a
#      subject outside its permissions; nats-server enforces them), the
#      stream and every consumer of the registry, keys 0600, configuration
#      files every installed FastCGI program accepts, the first admin;
#   4. setup again: exit 0, every step "already done", keys, passwords and
#      configuration files byte-identical, no new migration, one admin;
#   5. the installed programs, started directly (not through systemd) with
#      the files setup made, and nginx with a copy of the installed site
#      whose https listener is a plain http one on a port of the test's
#      (base_url, installed with it, says so): a sign-up, its verification,
#      a listing, another member's reservation and sandbox payment.
# Ports: the stack's PORT (TK_TEST_BASE_URL) + 10, + 11 and + 12, above the
# stack's own (PORT to PORT + 6).
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

: "${TK_BUILDDIR:?TK_BUILDDIR must name the build tree}"
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)

STACK_PORT=${BASE##*:}
NATS_PORT=$((STACK_PORT + 10))
NATS_MONITOR=$((STACK_PORT + 11))
WEB_PORT=$((STACK_PORT + 12))
WEB=http://127.0.0.1:$WEB_PORT

P=$TK_TMP/p
SOCK=$TK_TMP/my.sock
check "make install prefix=... with the test's MariaDB socket, NATS port and site" \
	mk install prefix="$P" TK_DB_SOCKET="$SOCK" TK_NATS_URL="nats://127.0.0.1:$NATS_PORT" \
	TK_BASE_URL="$WEB"
CTL=$P/sbin/ticketingctl
CONF=$P/etc/ticketing
KEYS=$P/var/lib/ticketing/keys
# The NATS users' passwords for lib.sh's nats_say.
export NATS_KEYS=$KEYS
read -r -a services <<<"$(mkvar TK_FCGI_SERVICES)"

# --- MariaDB and nats-server of the test's own ------------------------------

mkdir -p "$TK_TMP/db" "$TK_TMP/nats"
"$SRCDIR/scripts/mariadb-init" "$TK_TMP/db" >"$TK_TMP/mariadb-init.log" 2>&1 ||
	cat "$TK_TMP/mariadb-init.log"
mariadbd --no-defaults --user=root --datadir="$TK_TMP/db" --socket="$SOCK" \
	--pid-file="$TK_TMP/mariadbd.pid" --skip-networking --skip-name-resolve \
	--innodb-buffer-pool-size=64M --log-error="$TK_TMP/mariadbd.err" &
MARIADB_PID=$!
at_exit "kill $MARIADB_PID; wait $MARIADB_PID"
# root over the socket (unix_socket authentication), as setup connects.
msql() { mariadb --no-defaults -uroot --socket="$SOCK" -N -B -e "$1"; }
check "the test's MariaDB answers" wait_for 60 msql "SELECT 1"

# As docs/deploy.md step 4 has the operator write it: JetStream, and the
# include of the users file setup writes (relative to this file's folder),
# empty until then.
cat >"$TK_TMP/nats/nats.conf" <<EOF
host: 127.0.0.1
port: $NATS_PORT
http: "127.0.0.1:$NATS_MONITOR"
pid_file: "$TK_TMP/nats/nats.pid"
jetstream {
  store_dir: "$TK_TMP/nats/js"
}
include "../p/etc/ticketing/nats-users.conf"
EOF
: >"$CONF/nats-users.conf"
nats-server -c "$TK_TMP/nats/nats.conf" >"$TK_TMP/nats/nats.log" 2>&1 &
NATS_PID=$!
at_exit "kill $NATS_PID; wait $NATS_PID"
check "the test's nats-server answers" wait_for 30 curl -sf -o /dev/null \
	"http://127.0.0.1:$NATS_MONITOR/healthz"
RELOAD="kill -HUP $NATS_PID"

printf '%s\n' 'admin-password-of-the-test' >"$TK_TMP/admin-password"
# setup ARGS...: the installed ticketingctl setup on the installation; its
# output in $TK_TMP/setup.out.
setup() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
		"$CTL" setup --config-dir "$CONF" --key-dir "$KEYS" --nats-reload "$RELOAD" \
		--admin-email root@example.com --admin-name 'First Admin' \
		--admin-password-file "$TK_TMP/admin-password" "$@" >"$TK_TMP/setup.out" 2>&1
}
show() { sed 's/^/   | /' "$TK_TMP/setup.out"; }

# --- 1. unreachable ------------------------------------------------------------

rc=0
TICKETING_DB_SOCKET=$TK_TMP/none.sock setup || rc=$?
check "setup with MariaDB unreachable exits 1 (got $rc)" [ "$rc" = 1 ]
check "... naming MariaDB and the socket" grep -q "MariaDB at $TK_TMP/none.sock" "$TK_TMP/setup.out"
rc=0
TICKETING_NATS_URL=nats://127.0.0.1:$((STACK_PORT + 12)) setup || rc=$?
check "setup with nats-server unreachable exits 1 (got $rc)" [ "$rc" = 1 ]
check "... naming nats-server" grep -q "nats-server at nats://127.0.0.1:$((STACK_PORT + 12)) is not reachable" \
	"$TK_TMP/setup.out"

# --- 2. --dry-run --------------------------------------------------------------

databases() { msql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'ticketing\\_%'"; }
rc=0
setup --dry-run || rc=$?
check "setup --dry-run exits 0 (got $rc)" [ "$rc" = 0 ]
show
check "... says what it would do" grep -q '^databases: would create' "$TK_TMP/setup.out"
check "... and made no database" [ "$(databases)" = 0 ]
check "... no account" [ "$(msql "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'ticketing\\_%'")" = 0 ]
check "... no key or password" [ -z "$(ls -A "$KEYS" 2>/dev/null)" ]
check "... no configuration file" \
	[ -z "$(find "$CONF" -name '*.conf' ! -path '*/nginx/*' ! -name nats-users.conf)" ]
check "... no NATS user" [ ! -s "$CONF/nats-users.conf" ]
check "... no time zone" [ "$(msql "SELECT COUNT(*) FROM mysql.time_zone_name")" = 0 ]

# --- 3. setup ------------------------------------------------------------------

rc=0
setup || rc=$?
check "setup exits 0 (got $rc)" [ "$rc" = 0 ]
show

# shellcheck disable=SC2016 # the backquotes are SQL's
mapfile -t dbs < <(ASAN_OPTIONS=detect_leaks=0 "$CTL" accounts sql "$KEYS" |
	sed -n 's/^CREATE DATABASE IF NOT EXISTS `ticketing_\([a-z]*\)`.*/\1/p')
check "there are service databases (${#dbs[@]})" [ ${#dbs[@]} -gt 5 ]
check "... and MariaDB has each of them" [ "$(databases)" = ${#dbs[@]} ]
# as SERVICE SQL: run SQL as SERVICE's own account.
as() {
	mariadb --no-defaults -u"ticketing_$1" -p"$(cat "$KEYS/db-$1.password")" --socket="$SOCK" \
		-N -B -e "$2" >/dev/null 2>&1
}
refused() { ! as "$@"; }
for i in "${!dbs[@]}"; do
	s=${dbs[$i]}
	other=${dbs[$(((i + 1) % ${#dbs[@]}))]}
	check "ticketing_$s reads its own database" as "$s" "SELECT COUNT(*) FROM ticketing_$s.schema_migrations"
	check "... and is refused ticketing_$other" refused "$s" "SELECT COUNT(*) FROM ticketing_$other.schema_migrations"
	check "... and may not change its tables" refused "$s" "CREATE TABLE ticketing_$s.t (i INT)"
done
check "MariaDB has the time zones the events service needs" \
	[ "$(msql "SELECT COUNT(*) FROM mysql.time_zone_name WHERE Name = 'Europe/Paris'")" = 1 ]

check "nats-server refuses an anonymous connection" \
	[ "$(hello "" "")" = "-ERR 'Authorization Violation'" ]
check "the events service nudges its own relay" allowed events "PUB tk_nudge.outbox.ticketing_events 0" ""
check "... and is refused auth's relay" violation events "PUB tk_nudge.outbox.ticketing_auth 0" ""
check "relay-events may not publish session.revoked" violation relay-events "PUB ticketing.session.revoked 0" ""

ADMIN=$CONF/admin.conf
ASAN_OPTIONS=detect_leaks=0 "$CTL" --config "$ADMIN" stream-status >"$TK_TMP/status" 2>&1
consumers=$(grep -o 'CONSUMER\.INFO\.TICKETING\.[a-z_-]*' "$CONF/nats-users.conf" | sed 's/.*\.//' | sort -u)
check "the NATS users name the registry's consumers" [ -n "$consumers" ]
check "the stream exists" grep -q TICKETING "$TK_TMP/status"
for c in $consumers; do
	check "consumer $c exists" grep -qw -- "$c" "$TK_TMP/status"
done

for f in session.key csrf.key eticket.key notify.sk sandbox-api.key webhook.secret \
	db-migrate.password nats-admin.password; do
	check "$f is 0600" [ "$(stat -c %a "$KEYS/$f" 2>/dev/null)" = 600 ]
done
check "every password file is 0600" [ -z "$(find "$KEYS" -name '*.password' ! -perm 0600)" ]
check "admin.conf is 0600" [ "$(stat -c %a "$ADMIN")" = 600 ]
config_ok() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
		"$P/libexec/ticketing/ticketing-$1" --check-config --config "$CONF/$1.conf" >/dev/null
}
for s in "${services[@]}"; do
	check "$s.conf is 0640" [ "$(stat -c %a "$CONF/$s.conf" 2>/dev/null)" = 640 ]
	check "ticketing-$s --check-config accepts it" config_ok "$s"
done
for ex in "$CONF"/workers/*.conf.example; do
	check "workers/$(basename "${ex%.example}") exists" [ -s "${ex%.example}" ]
done
check "no configuration file has an empty password" \
	[ -z "$(grep -l '^[a-z_]*password = *$' "$CONF"/*.conf "$CONF"/workers/*.conf)" ]
admins() { msql "SELECT COUNT(*) FROM ticketing_auth.users WHERE role = 'admin'"; }
check "the admin account exists" \
	[ "$(msql "SELECT role FROM ticketing_auth.users WHERE email = 'root@example.com'")" = admin ]

# --- 4. setup again ------------------------------------------------------------

state() {
	(cd "$P" && sha256sum var/lib/ticketing/keys/* etc/ticketing/*.conf etc/ticketing/workers/*.conf)
	for s in "${dbs[@]}"; do msql "SELECT COUNT(*) FROM ticketing_$s.schema_migrations"; done
}
state >"$TK_TMP/state1"
cp "$TK_TMP/setup.out" "$TK_TMP/setup1.out"
rc=0
setup || rc=$?
check "setup again exits 0 (got $rc)" [ "$rc" = 0 ]
show
state >"$TK_TMP/state2"
check "... keys, passwords, configuration files and migrations are as they were" \
	cmp -s "$TK_TMP/state1" "$TK_TMP/state2"
steps=$(grep -v '^reachable: ' "$TK_TMP/setup1.out" | grep -c '^[a-z ]*: ')
check "... every step says it is already done" \
	[ "$(grep -c '^[a-z ]*: already done: ' "$TK_TMP/setup.out")" = "$steps" ]
check "... one admin" [ "$(admins)" = 1 ]
# nothing_to_do: a dry run on the set-up installation succeeds and would
# do nothing.
nothing_to_do() { setup --dry-run && ! grep -q ': would ' "$TK_TMP/setup.out"; }
check "setup --dry-run on a set-up installation would do nothing" nothing_to_do

# --- 5. the installed programs: a sign-up -> list -> buy walk ---------------

read -r -a instances <<<"$(mkvar TK_WORKER_INSTANCES)"
RUNDIR=$P/var/run/ticketing
mkdir -p "$RUNDIR" "$TK_TMP/logs"
# start NAME PROGRAM CONFIG: an installed program in the background, its
# output in logs/NAME.log, stopped when the test ends.
start() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
		"$P/libexec/ticketing/ticketing-$2" --config "$3" >"$TK_TMP/logs/$1.log" 2>&1 &
	at_exit "kill $!; wait $!"
}
for s in "${services[@]}"; do start "$s" "$s" "$CONF/$s.conf"; done
for i in "${instances[@]}"; do start "$i" "${i%%-*}" "$CONF/workers/$i.conf"; done
sockets_up() {
	local s
	for s in "${services[@]}"; do [ -S "$RUNDIR/$s.sock" ] || return 1; done
}
check "every installed FastCGI program listens on its socket" wait_for 20 sockets_up

# nginx: the installed site (site.conf, security headers) with its https
# listener replaced by plain http on WEB_PORT, and without site-local/
# (its TLS settings); root's, like the programs, for the sockets under
# TK_TMP.
n=$TK_TMP/nginx
mkdir -p "$n"
sed -e "s|^\([[:space:]]*listen\) 443 ssl http2|\1 127.0.0.1:$WEB_PORT|" \
	-e '/site-local\/\*\.conf/d' "$CONF/nginx/site.conf" >"$n/site.conf"
check "the copy of the site listens on the test's port" \
	grep -q "listen 127.0.0.1:$WEB_PORT" "$n/site.conf"
nginx_main "$n" "$n/site.conf"
nginx -p "$n" -c "$n/nginx.conf" -e "$n/error.log" -g 'daemon off;' >"$TK_TMP/logs/nginx.log" 2>&1 &
at_exit "kill $!; wait $!"
check "nginx answers with the installed site" wait_for 20 curl -sf -o /dev/null "$WEB/auth/signin"

# The walk runs lib.sh's helpers against the installation: its site, its
# MariaDB, its ticketingctl and configuration, its keys (notify.sk opens
# the mailed verification token). Put back for finish's checker after.
saved=("$BASE" "$TK_TEST_MARIADB_SOCKET" "$TK_TEST_RUN_DIR" "$CTL")
mkdir -p "$TK_TMP/inst"
ln -s "$CONF" "$TK_TMP/inst/conf"
ln -s "$KEYS" "$TK_TMP/inst/keys"
BASE=$WEB TK_TEST_MARIADB_SOCKET=$SOCK TK_TEST_RUN_DIR=$TK_TMP/inst CTL=$P/sbin/ticketingctl

account_browser org organizer 'Org Smoke' --verified
ev=$(event_fixture org "smoke-$$")
check "an organizer makes an event" [ -n "$ev" ]
signup_quick seller
check "a member signs up through the form" [ "$STATUS" = 303 ]
check "... and follows the mailed verification link" verify_account "$SIGNUP_EMAIL"
listing=$(listing_on_sale seller "$ev" 2 25.00)
check "the member lists two tickets" [ -n "$listing" ]
account_browser buyer member 'Buyer Smoke'
reserve buyer "$listing" 1
check "another member reserves one" [ "$STATUS" = 303 ]
order=$(location)
order=${order#/orders/}
check "... and pays for it on the sandbox's card page" order_pay buyer "$order"

BASE=${saved[0]} TK_TEST_MARIADB_SOCKET=${saved[1]} TK_TEST_RUN_DIR=${saved[2]} CTL=${saved[3]}

finish
