#!/usr/bin/env bash
# The request guards of every service, driven by the services' own route
# tables: each built program under fcgi/ prints its table (--list-routes),
# so a route or a service added later is covered without touching this test.
#
# - Every POST route (but machine endpoints, which the table marks) is sent
#   by a signed-in admin without a CSRF token, with another browser's token,
#   and with the admin's own token from before signing in: each answers 403
#   from the service, and no table of any service's database changes.
# - Every organizer or admin route refuses a visitor (a GET goes to sign
#   in, a POST gets 403), a member (403), and on admin routes an organizer
#   (403); a POST sent with that user's own valid token writes nothing.
# ":name" segments get a fresh UUID: the guards answer before any lookup.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

BUILD=${TK_BUILDDIR:-$(dirname "$0")/../..}
AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
PW=correct-horse-battery-1

# --- the route tables ---------------------------------------------------------

# ROUTES: "service method pattern flags" lines of every built service.
ROUTES=
SERVICES=()
for prog in "$BUILD"/fcgi/*/ticketing-*; do
	[ -x "$prog" ] || continue
	svc=${prog##*/ticketing-}
	SERVICES+=("$svc")
	list=$("$prog" --list-routes) || list=
	check "ticketing-$svc --list-routes prints its table" [ -n "$list" ]
	ROUTES+=$(printf '%s\n' "$list" | sed "s/^/$svc /")$'\n'
done
check "at least the auth and events services are found" [ "${#SERVICES[@]}" -ge 2 ]
check "their tables have POST routes" has "$ROUTES" " POST "
check "their tables have admin routes" matches "$ROUTES" ' [a-z_,]*admin'
check "their tables have organizer routes" matches "$ROUTES" ' [a-z_,]*organizer'

# has_flag FLAGS NAME: the comma list FLAGS holds NAME.
has_flag() { [[ ,$1, == *,$2,* ]]; }

# concrete PATTERN: the pattern with each ":name" segment a fresh UUID.
concrete() {
	local out='' seg
	local IFS=/
	for seg in ${1#/}; do
		[[ $seg == :* ]] && seg=$(cat /proc/sys/kernel/random/uuid)
		out+=/$seg
	done
	printf '%s' "$out"
}

# --- what "nothing written" means ---------------------------------------------

# db_state: the checksum of every table of every service's database, but
# consumer_state and worker_beats, which the workers keep moving while the
# system is quiet (when each consumer last had nothing pending, and their
# heartbeats: lib/worker.h).
db_state() {
	local svc tables
	for svc in "${SERVICES[@]}"; do
		tables=$(sql "SELECT GROUP_CONCAT(CONCAT('ticketing_$svc.', table_name) ORDER BY table_name)
			FROM information_schema.tables
			WHERE table_schema = 'ticketing_$svc' AND table_type = 'BASE TABLE'
			AND table_name NOT IN ('consumer_state', 'worker_beats')")
		sql "CHECKSUM TABLE $tables"
	done
}

# --- the users ------------------------------------------------------------------

# user ROLE: make an account of ROLE and sign it in in browser ROLE; PRE_TOKEN
# is left with the CSRF token that browser had before signing in.
user() {
	local email
	email=$(fresh_email "guard-$1")
	printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$email" \
		--name "Guard $1" --role "$1" >/dev/null
	browser "$1"
	req "$1" GET /auth/signin
	PRE_TOKEN=$(csrf)
	post "$1" /auth/signin "email=$email" "password=$PW" "csrf_token=$PRE_TOKEN"
	check_status "the $1 signs in" 303
}
user member
user organizer
user admin
ADMIN_PRE_TOKEN=$PRE_TOKEN

# own_token NAME: the CSRF token of browser NAME now.
own_token() {
	req "$1" GET /auth/account
	csrf
}
browser other
req other GET /auth/signin
OTHER_TOKEN=$(csrf)
ADMIN_TOKEN=$(own_token admin)
check "the admin's token changed at sign-in" differs "$ADMIN_TOKEN" "$ADMIN_PRE_TOKEN"
check "another browser's token is another" differs "$OTHER_TOKEN" "$ADMIN_TOKEN"
check "the stack is quiet before the guards are tried" wait_for 30 quiet
STATE=$(db_state)
check "the state covers the services' tables" has "$STATE" "ticketing_auth.users"

# refused NAME WHAT STATUS: the last answer had STATUS and came from the
# service itself (not an nginx error page).
refused() {
	check_eq "$1: $2" "$3 $svc" "$STATUS $(header X-Served-By)"
}

# unchanged NAME: no table of any service changed since STATE.
unchanged() {
	check_eq "$1: nothing was written" "$STATE" "$(db_state)"
}

# --- CSRF on every POST route ---------------------------------------------------

n=0
while read -r svc method pattern flags <&3; do
	[ "$method" = POST ] || continue
	has_flag "$flags" machine && continue
	n=$((n + 1))
	path=$(concrete "$pattern")
	name="POST $pattern ($svc)"
	post admin "$path" "x=1"
	refused "$name" "without a token" 403
	post admin "$path" "x=1" "csrf_token=$OTHER_TOKEN"
	refused "$name" "with another browser's token" 403
	post admin "$path" "x=1" "csrf_token=$ADMIN_PRE_TOKEN"
	refused "$name" "with the user's token from before sign-in" 403
	unchanged "$name"
done 3<<<"$ROUTES"
check "every browser POST route was tried" [ "$n" -ge 5 ]

# --- roles on every organizer or admin route -----------------------------------

n=0
while read -r svc method pattern flags <&3; do
	has_flag "$flags" organizer || has_flag "$flags" admin || continue
	n=$((n + 1))
	path=$(concrete "$pattern")
	name="$method $pattern ($svc)"
	if [ "$method" = GET ]; then
		req - GET "$path"
		check_eq "$name: a visitor is sent to sign in" "303 /auth/signin" \
			"$STATUS $(location | cut -d '?' -f 1)"
		req member GET "$path"
		refused "$name" "a member" 403
		if has_flag "$flags" admin; then
			req organizer GET "$path"
			refused "$name" "an organizer" 403
		else
			req organizer GET "$path"
			check "$name: an organizer passes the guard" [ "$STATUS" != 403 ]
		fi
		req admin GET "$path"
		check "$name: an admin passes the guard" [ "$STATUS" != 403 ]
	else
		post - "$path" "x=1"
		refused "$name" "a visitor" 403
		post member "$path" "x=1" "csrf_token=$(own_token member)"
		refused "$name" "a member with its own token" 403
		if has_flag "$flags" admin; then
			post organizer "$path" "x=1" "csrf_token=$(own_token organizer)"
			refused "$name" "an organizer with its own token" 403
		fi
		unchanged "$name"
	fi
done 3<<<"$ROUTES"
check "every organizer and admin route was tried" [ "$n" -ge 5 ]

finish
