# tests/integration/lib.sh: a small harness for integration tests that talk
# to the real stack (nginx, the FastCGI services, MariaDB) with curl.
# Source it first thing in a test script:
#
#   . "$(dirname "$0")/lib.sh"
#   browser alice                      # a cookie jar and a source address
#   req alice GET /auth/signup         # sets STATUS, HEADERS, BODY
#   check "sign-up form answers 200" [ "$STATUS" = 200 ]
#   finish                             # "N passed, M failed"; exit status
#
# Environment (scripts/dev test sets it): TK_TEST_BASE_URL (without it the
# test is skipped: exit 77), TK_TEST_MARIADB_SOCKET (for sql), and
# TK_TEST_RUN_DIR. A stack that does not answer is a hard error (exit 99).
#
# Each simulated browser sends from its own loopback address (127.x.y.z,
# chosen at random per run), so the per-address rate limit of nginx counts
# each browser on its own, as it would count different people.

set -u

TK_PASSED=0
TK_FAILED=0

if [ -z "${TK_TEST_BASE_URL:-}" ]; then
	echo "TK_TEST_BASE_URL is not set: no stack to test against (skipped)"
	exit 77
fi
BASE=${TK_TEST_BASE_URL%/}

TK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tk-itest.XXXXXX")
# at_exit CMD: run the shell command CMD when the test exits, the last
# registered first, before TK_TMP is removed (stop what the test started).
TK_AT_EXIT=()
at_exit() { TK_AT_EXIT=("$1" "${TK_AT_EXIT[@]}"); }
tk_exit() {
	local c
	for c in "${TK_AT_EXIT[@]}"; do eval "$c" || true; done
	rm -rf "$TK_TMP"
}
trap tk_exit EXIT

# A fresh /16 of the loopback range per run: 127.A.B.n for browser n.
TK_NET="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
TK_NEXT_HOST=1
declare -A TK_ADDR=()

# Results of the last request.
STATUS=
HEADERS=
BODY=

# --- assertions -----------------------------------------------------------

# check NAME CMD...: pass when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		TK_PASSED=$((TK_PASSED + 1))
		echo "ok - $name"
	else
		TK_FAILED=$((TK_FAILED + 1))
		echo "FAIL - $name"
		echo "   (last response: status ${STATUS:-none}, location '$(header Location)')"
	fi
}

# check_status NAME EXPECTED: the last response had status EXPECTED.
check_status() {
	if [ "$STATUS" = "$2" ]; then
		TK_PASSED=$((TK_PASSED + 1))
		echo "ok - $1"
	else
		TK_FAILED=$((TK_FAILED + 1))
		echo "FAIL - $1: status $STATUS, expected $2"
		printf '%s\n' "$HEADERS" | sed 's/^/   < /'
		printf '%s\n' "$BODY" | head -c 1500 | sed 's/^/   | /'
		echo
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		TK_PASSED=$((TK_PASSED + 1))
		echo "ok - $1"
	else
		TK_FAILED=$((TK_FAILED + 1))
		echo "FAIL - $1: got '$3', expected '$2'"
	fi
}

# has TEXT NEEDLE / lacks TEXT NEEDLE: fixed-string search, for check.
has() { printf '%s' "$1" | grep -qF -- "$2"; }
lacks() { ! has "$1" "$2"; }
# has_i / lacks_i: the same, ignoring case.
has_i() { printf '%s' "$1" | grep -qiF -- "$2"; }
lacks_i() { ! has_i "$1" "$2"; }
# matches TEXT REGEX: TEXT matches the extended regular expression REGEX.
matches() { [[ $1 =~ $2 ]]; }
# starts_with TEXT PREFIX
starts_with() { [[ $1 == "$2"* ]]; }
# differs A B: A is not empty and not B. same A B: A is not empty and is B.
differs() { [ -n "$1" ] && [ "$1" != "$2" ]; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
# upper TEXT / lower TEXT: ASCII letters in upper / lower case.
upper() { printf '%s' "$1" | tr '[:lower:]' '[:upper:]'; }
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

# finish: every scenario ends with the consistency checker over the whole
# stack (outbox sent, replicas equal to their sources, nothing applied
# twice); then the closing line and the exit status of the test.
finish() {
	check "the consistency checker finds no violation" checker
	echo "$TK_PASSED passed, $TK_FAILED failed"
	if [ "$TK_FAILED" -gt 0 ]; then exit 1; fi
	exit 0
}

# --- browsers and requests ------------------------------------------------

# browser NAME: a new simulated browser with an empty cookie jar and its
# own source address. Calling it again for NAME starts it afresh.
browser() {
	: >"$TK_TMP/$1.jar"
	TK_ADDR[$1]=${TK_NET:+$TK_NET.$TK_NEXT_HOST}
	TK_NEXT_HOST=$((TK_NEXT_HOST + 1))
}

# req NAME METHOD PATH [CURL ARGS...]: one request from browser NAME (its
# cookies are sent and updated); no redirect is followed. Sets STATUS,
# HEADERS (CRs removed) and BODY. NAME "-" sends no cookies at all.
req() {
	local name=$1 method=$2 path=$3
	shift 3
	local args=(-s --noproxy '*' -o "$TK_TMP/body" -D "$TK_TMP/headers"
		-w '%{http_code}' -H 'Expect:')
	if [ "$name" != - ]; then
		args+=(-b "$TK_TMP/$name.jar" -c "$TK_TMP/$name.jar")
		[ -n "${TK_ADDR[$name]:-}" ] && args+=(--interface "${TK_ADDR[$name]}")
	fi
	case $method in
	HEAD) args+=(-I) ;;
	GET) ;;
	*) args+=(-X "$method") ;;
	esac
	: >"$TK_TMP/body"
	: >"$TK_TMP/headers"
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path") || true
	HEADERS=$(tr -d '\r' <"$TK_TMP/headers")
	if [ "$method" = HEAD ]; then
		# curl -I writes the headers to the output too: keep what follows.
		BODY=$(tail -c +$(($(wc -c <"$TK_TMP/headers") + 1)) "$TK_TMP/body")
	else
		BODY=$(cat "$TK_TMP/body")
	fi
}

# post NAME PATH FIELD=VALUE...: a form POST; each value is URL-encoded.
post() {
	local name=$1 path=$2
	shift 2
	local f data=()
	for f in "$@"; do data+=(--data-urlencode "$f"); done
	[ ${#data[@]} -gt 0 ] || data=(--data '')
	req "$name" POST "$path" "${data[@]}"
}

# header NAME: the value of the first response header NAME of the last
# response ("" when absent).
header() {
	printf '%s\n' "$HEADERS" | awk -v n="$1" '
		{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == tolower(n)) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }'
}

# conf_int KEY DEFAULT: KEY of the auth service's configuration in the
# stack, or DEFAULT when the file does not set it.
conf_int() {
	local v
	v=$(sed -n "s/^$1 *= *//p" "$TK_TEST_RUN_DIR/conf/auth.conf")
	printf '%s' "${v:-$2}"
}

# signin NAME EMAIL PASSWORD: browser NAME signs in through the form.
signin() {
	req "$1" GET /auth/signin
	post "$1" /auth/signin "email=$2" "password=$3" "csrf_token=$(csrf)"
}

# lets_in NAME PATH: browser NAME gets PATH (200).
lets_in() {
	req "$1" GET "$2"
	[ "$STATUS" = 200 ]
}

# sends_to_signin NAME PATH: browser NAME is sent to sign in from PATH.
sends_to_signin() {
	req "$1" GET "$2"
	[ "$STATUS" = 303 ] && starts_with "$(location)" /auth/signin
}

# revoked_at_events SID: the events service's replica has the revocation
# of session SID (its processes read it into memory within 100 ms more:
# lib/revoke.h).
revoked_at_events() {
	[ "$(sql "SELECT COUNT(*) FROM ticketing_events.session_revocations
		WHERE session_id = $(sql_quote "$1")")" = 1 ]
}

# statements SERVICE: the statements SERVICE sent to MariaDB for the last
# request, one a line: the db= list of its request log line (lib/db.h
# db_trace), found by the X-Request-Id nginx answered with, so no other
# request's statements (another test's) can show in it. Nothing when it
# sent none; fails when the line is not logged within 5 seconds.
statements() {
	local rid log=$TK_TEST_RUN_DIR/logs/$1.log
	rid=$(header X-Request-Id)
	[ -n "$rid" ] && wait_for 5 grep -qF " req $rid " "$log" || return 1
	grep -F " req $rid " "$log" | sed -n 's/.* db=[0-9]*://p' | tr ',' '\n' | sed '/^$/d'
}

# set_cookie NAME: the Set-Cookie line of the last response for cookie NAME.
set_cookie() {
	printf '%s\n' "$HEADERS" | grep -i "^set-cookie: *$1=" | head -n 1 |
		sed 's/^[^:]*: *//'
}

# location: the Location of the last response as a path: the base URL is
# taken off an absolute URL of this site.
location() {
	local l
	l=$(header Location)
	case $l in
	"$BASE"/*) l=${l#"$BASE"} ;;
	esac
	printf '%s' "$l"
}

# cookie NAME COOKIE: the value of COOKIE in browser NAME's jar.
cookie() {
	awk -v c="$2" -F '\t' 'NF >= 7 && $6 == c { v = $7 } END { print v }' \
		"$TK_TMP/$1.jar"
}

# csrf: the csrf_token value of the first form in the last body.
csrf() {
	printf '%s' "$BODY" | grep -o '<input[^>]*name="csrf_token"[^>]*>' | head -n 1 |
		sed -n 's/.*value="\([^"]*\)".*/\1/p'
}

# form_key: a fresh idempotency key, as a create form carries (lib/idem.h).
form_key() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# input_tag FIELD: the <input> tag of the field named FIELD in the last body.
input_tag() {
	printf '%s' "$BODY" | grep -o "<input[^>]*name=\"$1\"[^>]*>" | head -n 1
}

# text: the last body as text: tags removed, runs of white space collapsed.
text() {
	printf '%s' "$BODY" | tr '\n' ' ' | sed -e 's/<[^>]*>/ /g' -e 's/[[:space:]]\{1,\}/ /g'
}

# --- database -------------------------------------------------------------

# sql QUERY: run QUERY as the database administrator (the OS user over the
# unix socket) and print the rows, tab-separated, without column names.
sql() {
	mariadb --no-defaults -u"$(id -un)" --socket="$TK_TEST_MARIADB_SOCKET" -N -B -e "$1"
}

# sql_quote TEXT: TEXT as an SQL string literal.
sql_quote() {
	local s=${1//\\/\\\\}
	s=${s//\'/\'\'}
	printf "'%s'" "$s"
}

# --- values ---------------------------------------------------------------

# fresh_email [PREFIX]: an address no earlier run used.
fresh_email() {
	printf '%s-%s-%s%s@example.com' "${1:-test}" "$$" "$RANDOM" "$RANDOM"
}

# token_sid TOKEN: the session id inside a session token (payload fields
# "2|sid|user_id|role|renew_at|expires|name", base64url before the first
# dot).
token_sid() {
	local p=${1%%.*}
	p=$(printf '%s' "$p" | tr '_-' '/+')
	case $((${#p} % 4)) in
	2) p="$p==" ;;
	3) p="$p=" ;;
	esac
	printf '%s' "$p" | base64 -d 2>/dev/null | cut -d '|' -f 2
}

# --- the stack must answer --------------------------------------------------

if ! curl -s --noproxy '*' -o /dev/null --max-time 10 "$BASE/static/style.css"; then
	echo "the stack does not answer at $BASE"
	exit 99
fi
# Where a loopback address other than 127.0.0.1 cannot be bound, every
# browser shares one address (and the rate limit may then stop a long run).
if ! curl -s --noproxy '*' -o /dev/null --max-time 10 --interface "$TK_NET.254" \
	"$BASE/static/style.css"; then
	echo "note: cannot send from $TK_NET.254; all browsers use one address"
	TK_NET=
fi

# --- pages ----------------------------------------------------------------

# valid_html: the last body is an HTML document tidy finds no error in
# (warnings are allowed: Debian's tidy 5.6 does not know every HTML5
# attribute, e.g. minlength). The errors are printed when there are any.
valid_html() {
	local out rc=0
	out=$(printf '%s' "$BODY" | tidy -q -e 2>&1) || rc=$?
	if [ "$rc" -ge 2 ]; then
		printf '%s\n' "$out" | grep -i error >&2
		return 1
	fi
}

# readable_text NEEDLE: lynx, reading the last body, shows NEEDLE.
readable_text() {
	printf '%s' "$BODY" | lynx -dump -nolist -stdin -assume_charset=utf-8 \
		-display_charset=utf-8 2>/dev/null | grep -qF -- "$1"
}

# --- the whole stack --------------------------------------------------------

# CTL: the admin tool of this build. ADMIN_CONF: the administrator's
# configuration of the stack (NATS admin, migration account), for the
# commands no service's own account may run (stream set-up and status,
# replay, pruning).
CTL=${TK_BUILDDIR:-$(dirname "$0")/../..}/tools/ticketingctl
ADMIN_CONF=$TK_TEST_RUN_DIR/conf/admin.conf

# quiet: the backbone has nothing in flight: no outbox row of any service
# waits for the relay, and every durable consumer has nothing pending and
# nothing unacknowledged (ticketingctl stream-status). A missing outbox
# table or consumer is never quiet. A service without NATS settings (the
# sandbox payment provider) is outside the backbone and has no outbox.
quiet() {
	local f db n conf=
	for f in "$TK_TEST_RUN_DIR"/conf/*.conf; do
		db=$(sed -n 's/^db_name *= *//p' "$f")
		[ -n "$db" ] || continue
		grep -q '^nats_url' "$f" || continue
		conf=$f
		# A consumer-only database (the notify worker's) has no outbox.
		[ "$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE
			table_schema = '$db' AND table_name = 'outbox'" 2>/dev/null)" = 1 ] || continue
		n=$(sql "SELECT COUNT(*) FROM \`$db\`.outbox WHERE sent_at IS NULL" 2>/dev/null) ||
			return 1
		[ "$n" = 0 ] || return 1
	done
	[ -n "$conf" ] || return 1
	"$CTL" --config "$ADMIN_CONF" stream-status >"$TK_TMP/quiet.out" 2>&1 || return 1
	! grep -Eq ' [1-9][0-9]* (pending|unacknowledged)' "$TK_TMP/quiet.out"
}

# check_once: ticketingctl check over the stack's services, run once; its
# report in $TK_TMP/check.out; its exit status.
check_once() {
	"$CTL" check --config-dir "$TK_TEST_RUN_DIR/conf" >"$TK_TMP/check.out" 2>&1
}

# checker: wait up to 30 s for the backbone to be quiet, then run the
# consistency checker once (never retried until it passes: a violation
# that lasts past quiet is a failure); its report goes to the test log.
checker() {
	local rc=0
	if ! wait_for 30 quiet; then
		echo "   (not quiet after 30 s:)"
		sed 's/^/   | /' "$TK_TMP/quiet.out" 2>/dev/null || true
	fi
	check_once || rc=$?
	cat "$TK_TMP/check.out"
	return "$rc"
}

# ctl ARGS...: supervisorctl of the stack (stop, start, status a program).
ctl() { supervisorctl -c "$TK_TEST_RUN_DIR/supervisord.conf" "$@"; }

# stand_in SERVICE CONF [PROGRAM]: stop the stack's SERVICE and run its
# program of this build with configuration CONF in the background instead
# (a copy of the stack's file with changes: same socket, so nginx reaches
# it); its pid in STAND_IN_PID. PROGRAM names another program of the
# build to run (default fcgi/SERVICE/ticketing-SERVICE). stand_in_end, or
# the test's exit, stops it and starts the stack's own again.
STAND_IN_PID=
STAND_IN_SERVICE=
stand_in() {
	[ -n "$STAND_IN_SERVICE" ] || at_exit stand_in_end
	STAND_IN_SERVICE=$1
	ctl stop "$1" >/dev/null
	# Like the stack's services under the sanitizers: no leak report at
	# the end of a program that ends by signal.
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
		"${TK_BUILDDIR:-$(dirname "$0")/../..}/${3:-fcgi/$1/ticketing-$1}" --config "$2" &
	STAND_IN_PID=$!
}

# stand_in_end: stop the stand-in (TERM, then wait for it) and start the
# stack's own service again.
stand_in_end() {
	local killer
	if [ -n "$STAND_IN_PID" ]; then
		kill -TERM "$STAND_IN_PID" 2>/dev/null || true
		# One that hangs on its way out is killed after 20 s.
		(sleep 20 && kill -KILL "$STAND_IN_PID" 2>/dev/null) &
		killer=$!
		wait "$STAND_IN_PID" 2>/dev/null || true
		kill "$killer" 2>/dev/null || true
		STAND_IN_PID=
	fi
	[ -z "$STAND_IN_SERVICE" ] || ctl start "$STAND_IN_SERVICE" >/dev/null 2>&1 || true
}

# running PROGRAM: supervisord has it RUNNING.
running() { ctl status "$1" 2>/dev/null | grep -q RUNNING; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds. CMD's
# words are expanded once, by the caller: anything to re-evaluate on each
# try goes through eval in single quotes.
wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# signup_quick NAME: a sign-up by a new browser (its own address, so the
# per-address rate limit does not interfere); the status in STATUS, the
# address in SIGNUP_EMAIL (unverified: verify_account). Not in
# a subshell: browser numbering lives in this shell.
SIGNUP_EMAIL=
signup_quick() {
	browser "$1"
	req "$1" GET /auth/signup
	SIGNUP_EMAIL=$(fresh_email "$1")
	post "$1" /auth/signup "name=$1" "email=$SIGNUP_EMAIL" \
		"password=correct-horse-battery-1" "csrf_token=$(csrf)"
}

# --- accounts ---------------------------------------------------------------

# TK_PASSWORD: the password of the accounts account_create makes.
TK_PASSWORD=correct-horse-battery-1

# account_create EMAIL ROLE NAME [--verified]: an account made with
# ticketingctl, as an operator makes one (the only way to make an admin).
# It is unverified (it cannot list tickets) unless --verified: the
# operator vouches for the address.
account_create() {
	printf '%s\n' "$TK_PASSWORD" | "$CTL" --config "$TK_TEST_RUN_DIR/conf/auth.conf" \
		create-user --email "$1" --role "$2" --name "$3" ${4:+"$4"} >/dev/null
}

# SEALED_TOKEN: seals and opens the token of account_token.issued
# (sealed_token.c).
SEALED_TOKEN=${TK_BUILDDIR:-$(dirname "$0")/../..}/tests/integration/sealed_token

# uuid: a new random UUID.
uuid() { cat /proc/sys/kernel/random/uuid; }
# new_token: 32 random bytes in base64url, as auth makes one.
new_token() { head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# token_event PURPOSE EMAIL NAME TOKEN EVENT_ID: the envelope of an
# account_token.issued (the mail contract), TOKEN sealed to the stack's
# notify key, as auth emits it.
token_event() {
	local tid uid expires sealed
	tid=$(uuid)
	uid=$(uuid)
	expires=$(date -u -d '+30 min' +%Y-%m-%dT%H:%M:%S.000Z)
	sealed=$("$SEALED_TOKEN" seal "$TK_TEST_RUN_DIR/keys/notify.pk" "$4") || return 1
	envelope account_token.issued "$tid" 1 "$(printf '{"id":"%s","user_id":"%s","purpose":"%s","email":"%s","name":"%s","expires_at":"%s","sealed":"%s"}' \
		"$tid" "$uid" "$1" "$2" "$3" "$expires" "$sealed")" "$5"
}

# token_events EMAIL PURPOSE: how many account_token.issued events of
# PURPOSE (verify_email or reset_password) auth's outbox holds for EMAIL.
token_events() {
	sql "SELECT COUNT(*) FROM ticketing_auth.outbox
		WHERE subject = 'ticketing.account_token.issued'
		AND JSON_VALUE(payload, '\$.data.email') = $(sql_quote "$1")
		AND JSON_VALUE(payload, '\$.data.purpose') = '$2'"
}

# account_token EMAIL PURPOSE: the token of the newest account_token.issued
# of PURPOSE for EMAIL in auth's outbox, opened with the stack's notify.sk
# as the notifications worker opens it (the Mail contract); nothing, and
# status 1, when there is none.
account_token() {
	local sealed
	sealed=$(sql "SELECT JSON_VALUE(payload, '\$.data.sealed') FROM ticketing_auth.outbox
		WHERE subject = 'ticketing.account_token.issued'
		AND JSON_VALUE(payload, '\$.data.email') = $(sql_quote "$1")
		AND JSON_VALUE(payload, '\$.data.purpose') = '$2'
		ORDER BY id DESC LIMIT 1")
	[ -n "$sealed" ] || return 1
	"$SEALED_TOKEN" open "$TK_TEST_RUN_DIR/keys/notify.sk" "$sealed"
}

# verify_account EMAIL: follow the newest verification link mailed to
# EMAIL (the real link, from the outbox event: account_token), then wait
# up to 10 s for the tickets service's replica to know the address is
# verified. Status 0 when both happened.
verify_account() {
	local token id
	token=$(account_token "$1" verify_email) || return 1
	req - GET "/auth/email/verify?token=$token"
	[ "$STATUS" = 200 ] || return 1
	id=$(user_id "$1")
	wait_for 10 replica_verified "$id"
}

# replica_verified USER_ID: the tickets service's replica holds USER_ID's
# address as verified.
replica_verified() {
	[ "$(sql "SELECT email_verified FROM ticketing_tickets.users_replica
		WHERE id = '$1'")" = 1 ]
}

# account_signin BROWSER EMAIL: browser BROWSER (as it is) signs in as
# EMAIL, an account of account_create; checked to answer 303.
account_signin() {
	req "$1" GET /auth/signin
	post "$1" /auth/signin "email=$2" "password=$TK_PASSWORD" "csrf_token=$(csrf)"
	check_status "$2 signs in" 303
}

# account_browser BROWSER ROLE [NAME [--verified]]: a new account (a fresh
# email, ROLE, NAME, by default named after BROWSER) made with
# account_create (--verified: its address vouched for, so it may list),
# signed in (checked) in a new browser BROWSER.
account_browser() {
	local email
	email=$(fresh_email "$1")
	account_create "$email" "$2" "${3:-$1 $$}" ${4:+"$4"}
	browser "$1"
	account_signin "$1" "$email"
}

# --- marketplace ------------------------------------------------------------

# event_create_future BROWSER [NAME]: as the organizer (or admin) signed in
# in BROWSER, a venue in Paris and an event there in 30 days, through the
# real forms; prints the event's id (nothing, and status 1, on a failure).
event_create_future() {
	local b=$1 name=${2:-Event $$-$RANDOM} token venue day l
	req "$b" GET /venues/new
	token=$(csrf)
	post "$b" /venues/new "csrf_token=$token" "idempotency_key=$(form_key)" \
		"name=Hall of $name" "city=Paris" "address=1 rue de la Paix" \
		"capacity=500" "timezone=Europe/Paris"
	[ "$STATUS" = 303 ] || return 1
	venue=$(location)
	venue=${venue##*#venue-}
	day=$(date -d '+30 days' +%Y-%m-%d)
	post "$b" /events/new "csrf_token=$token" "idempotency_key=$(form_key)" \
		"name=$name" "venue_id=$venue" "starts_at=${day}T19:30" \
		"ends_at=${day}T22:30" "description="
	[ "$STATUS" = 303 ] || return 1
	l=$(location)
	printf '%s\n' "${l#/events/}"
}

# listing_create BROWSER EVENT_ID QUANTITY PRICE: as the member signed in
# in BROWSER, list QUANTITY tickets of EVENT_ID at PRICE (as typed, e.g.
# 25.50) through the real form, waiting up to 10 s for the tickets service
# to know the event; prints the listing's id (nothing, and status 1, on a
# failure).
listing_create() {
	local b=$1 ev=$2 n=100 l
	while req "$b" GET "/tickets/new?event_id=$ev" && [ "$STATUS" != 200 ]; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
	post "$b" "/tickets/new?event_id=$ev" "csrf_token=$(csrf)" \
		"idempotency_key=$(form_key)" "section=Stalls" "row=A" "seat=" \
		"quantity=$3" "price=$4" "note="
	[ "$STATUS" = 303 ] || return 1
	l=$(location)
	printf '%s\n' "${l#/tickets/}"
}

# event_fixture BROWSER TAG: a scheduled event ten days ahead, made through
# the organizer forms by BROWSER (an organizer, signed in); prints its id
# once the orders service's replica has it.
event_fixture() {
	local venue id day
	day=$(date -d '+10 days' +%Y-%m-%d)
	req "$1" GET /venues/new
	post "$1" /venues/new "csrf_token=$(csrf)" "idempotency_key=$(form_key)" \
		"name=Hall $2" "city=Paris" "address=1 rue X" "capacity=100" \
		"timezone=Europe/Paris"
	venue=$(location)
	venue=${venue##*#venue-}
	req "$1" GET /events/new
	post "$1" /events/new "csrf_token=$(csrf)" "idempotency_key=$(form_key)" \
		"name=Gig $2" "venue_id=$venue" "starts_at=${day}T20:00" "ends_at=${day}T23:00" \
		"description="
	id=$(location)
	id=${id#/events/}
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.events_replica
		WHERE id = '"'$id'"'")" = 1 ]' || return 1
	printf '%s' "$id"
}

# listing_on_sale BROWSER EVENT_ID QUANTITY PRICE: listing_create, then
# wait up to 20 s until the orders service can sell the listing: its
# listings_replica row, its stock row (both made by the orders-tickets
# consumer from ticket.created) and its event's row in events_replica.
# Prints the listing's id (nothing, and status 1, on a failure).
listing_on_sale() {
	local id
	id=$(listing_create "$@") || return 1
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.listings_replica l
		JOIN ticketing_orders.stock s ON s.listing_id = l.id
		JOIN ticketing_orders.events_replica e ON e.id = l.event_id
		WHERE l.id = '"'$id'"'")" = 1 ]' || return 1
	printf '%s\n' "$id"
}

# listing_withdraw BROWSER LISTING: the seller signed in in BROWSER
# withdraws LISTING through the listing page's form; succeeds on its 303.
listing_withdraw() {
	req "$1" GET "/tickets/$2"
	post "$1" "/tickets/$2/withdraw" "csrf_token=$(csrf)"
	[ "$STATUS" = 303 ]
}

# reserve BROWSER LISTING QUANTITY: the member signed in in BROWSER
# reserves QUANTITY units of LISTING (POST /orders with the browser's CSRF
# token); the answer in STATUS, the new order's page in its Location.
reserve() {
	req "$1" GET /orders
	post "$1" /orders "csrf_token=$(csrf)" "ticket_id=$2" "quantity=$3"
}

# stock_settled LISTING: wait up to 20 s until the tickets and the events
# services' stock_replica both hold the orders service's current version
# of LISTING's stock row (its last stock.changed is applied everywhere).
stock_settled() {
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.stock s
		JOIN ticketing_tickets.stock_replica t ON t.id = s.listing_id AND t.version = s.version
		JOIN ticketing_events.stock_replica e ON e.id = s.listing_id AND e.version = s.version
		WHERE s.listing_id = '"'$1'"'")" = 1 ]'
}

# order_pay BROWSER ORDER_ID [CARD]: BROWSER, the buyer, pays the order
# as a person does (docs/PAYMENTS.md): the order page's Pay form, once the
# payments service knows the order; the sandbox's card page with CARD
# (default the card that succeeds); then the settlement worker captures
# and the orders service completes the order. Succeeds when the order is
# complete within 30 s.
order_pay() {
	local b=$1 id=$2 card=${3:-4242424242424242} page
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_payments.orders_replica
		WHERE id = '"'$id'"'")" = 1 ]' || return 1
	req "$b" GET "/orders/$id"
	post "$b" /payments "csrf_token=$(csrf)" "order_id=$id"
	[ "$STATUS" = 303 ] || return 1
	page=$(location)
	req "$b" GET "$page"
	post "$b" "$page" "csrf_token=$(csrf)" "card_number=$card" card_expiry=12/39 \
		card_cvc=123 "card_name=Card Holder"
	[ "$STATUS" = 303 ] || return 1
	wait_for 30 eval '[ "$(sql "SELECT state FROM ticketing_orders.orders
		WHERE id = '"'$id'"'")" = complete ]'
}

# order_refund ADMIN ORDER_ID: the admin browser ADMIN refunds the complete
# order from its page; the settlement worker refunds at the provider and
# the orders service marks it refunded. Succeeds when it is, within 30 s.
order_refund() {
	req "$1" GET "/orders/$2"
	post "$1" "/orders/$2/refund" "csrf_token=$(csrf)"
	[ "$STATUS" = 303 ] || return 1
	wait_for 30 eval '[ "$(sql "SELECT state FROM ticketing_orders.orders
		WHERE id = '"'$2'"'")" = refunded ]'
}

# user_id EMAIL: the id of the account with EMAIL.
user_id() { sql "SELECT id FROM ticketing_auth.users WHERE email = $(sql_quote "$1")"; }

# pid_of PROGRAM: its process id under supervisord, or 0.
pid_of() {
	local pid
	pid=$(ctl pid "$1" 2>/dev/null)
	[ "${pid:-0}" -gt 0 ] 2>/dev/null && echo "$pid" || echo 0
}

# kill9 PROGRAM: SIGKILL it (no chance to clean up), wait until supervisord
# saw it die, and start it again. Succeeds only when the old process is
# gone and a new one, with another process id, runs.
kill9() {
	local pid new=0
	pid=$(pid_of "$1")
	[ "$pid" -gt 0 ] || return 1
	kill -9 "$pid" || return 1
	wait_for 10 eval "! kill -0 $pid 2>/dev/null" || return 1
	wait_for 10 eval "! running $1"
	# A kill during its first second leaves supervisord restarting it by
	# itself (BACKOFF): then this start is refused, which is fine.
	ctl start "$1" >/dev/null 2>&1
	wait_for 10 eval "running $1 && new=\$(pid_of $1) && [ \$new -gt 0 ]" || return 1
	[ "$new" != "$pid" ]
}

# buyers_mint COUNT FILE: COUNT distinct members, each with a session of
# their own minted with the stack's session key (mint_tokens: no Argon2id
# hash each), written to FILE one a line: session token, CSRF token, base
# URL (what a buyer needs to POST a form with curl, e.g. from xargs).
buyers_mint() {
	local token
	"${TK_BUILDDIR:-$(dirname "$0")/../..}/tests/integration/mint_tokens" \
		"$TK_TEST_RUN_DIR/keys/session.key" "$1" >"$TK_TMP/minted"
	: >"$2"
	while read -r token; do
		req - GET /orders -b "tk_session=$token"
		printf '%s %s %s\n' "$token" "$(csrf)" "$BASE" >>"$2"
	done <"$TK_TMP/minted"
}

# --- orders and payments -------------------------------------------------

# expire ORDER: the expiry worker's expiration.complete for ORDER, written
# into the orders outbox as the worker writes it (the relay publishes it),
# now whatever its deadline. The test takes the worker's place for ORDER:
# its schedule row goes first, so the worker never sends a second
# expiration of the same version (which the checker reports).
expire() {
	local ev
	sql "DELETE FROM ticketing_orders.expiry_schedule WHERE order_id = '$1'"
	ev=$(cat /proc/sys/kernel/random/uuid)
	sql "INSERT INTO ticketing_orders.outbox (event_id, subject, payload) VALUES ('$ev',
		'ticketing.expiration.complete', JSON_OBJECT('event_id', '$ev',
		'type', 'expiration.complete', 'aggregate_type', 'expiration',
		'aggregate_id', '$1', 'aggregate_version', 1,
		'occurred_at', DATE_FORMAT(UTC_TIMESTAMP(3), '%Y-%m-%dT%H:%i:%s.000Z'),
		'data', JSON_OBJECT('order_id', '$1', 'expires_at',
		(SELECT DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%s.000Z') FROM ticketing_orders.orders
		WHERE id = '$1'))))"
	# Applied when the consumer's record of it exists.
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.processed_events
		WHERE event_id = '"'$ev'"'")" = 1 ]'
}

# envelope TYPE AGGREGATE_ID VERSION DATA [EVENT_ID]: an event envelope
# (lib/event.h) of TYPE (its aggregate type the part before the dot) with
# the JSON object DATA, now, under EVENT_ID (by default a new one).
envelope() {
	local id=${5:-$(cat /proc/sys/kernel/random/uuid)}
	printf '{"event_id":"%s","type":"%s","aggregate_type":"%s","aggregate_id":"%s",' \
		"$id" "$1" "${1%%.*}" "$2"
	printf '"aggregate_version":%s,"occurred_at":"%s","data":%s}\n' \
		"$3" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$4"
}

# play_event DB CONSUMER ENVELOPE: play the service that emits ENVELOPE:
# publish it as the relay would (ticketingctl publish), wait up to 20 s
# for CONSUMER to apply it (its processed_events row in database DB), then
# delete it from the stream again, so the checker, which flags a stream
# message that is in no outbox, stays meaningful. PLAYED says what the
# stream did: "published", or "duplicate" (an event id it holds already:
# dropped, nothing to wait for). Status 1 when publishing fails or the
# consumer does not apply it in time (a dead letter, say).
play_event() {
	local ev out seq
	ev=$(printf '%s' "$3" | sed -n 's/^{"event_id":"\([^"]*\)".*/\1/p')
	out=$(printf '%s' "$3" | "$CTL" --config "$ADMIN_CONF" publish) || return 1
	PLAYED=${out%% *}
	[ "$PLAYED" = duplicate ] && return 0
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM '"$1"'.processed_events
		WHERE consumer = '"'$2'"' AND event_id = '"'$ev'"'")" = 1 ]' || return 1
	seq=$(sql "SELECT stream_seq FROM $1.processed_events
		WHERE consumer = '$2' AND event_id = '$ev'")
	"$CTL" --config "$ADMIN_CONF" delete-stream-message "$seq" >/dev/null
}

# consumer_stopped LOG SKIP LINE: the last stop line of the consumer LINE
# names ("expiry orders-expiry", "replicator tickets-stock") in LOG after
# its first SKIP lines, printed as a comment, and its figures in HANDLED,
# TXS and STMTS (events handled, transactions, statements in them).
consumer_stopped() {
	local stop
	stop=$(tail -n +$(($2 + 1)) "$1" | grep "$3: stopping;" | tail -n 1)
	echo "# $stop"
	HANDLED=$(sed -n 's/.*stopping; \([0-9]*\) handled,.*/\1/p' <<<"$stop")
	TXS=$(sed -n 's/.* \([0-9]*\) transactions,.*/\1/p' <<<"$stop")
	STMTS=$(sed -n 's/.* \([0-9]*\) statements in them$/\1/p' <<<"$stop")
}

# --- the mail catcher (maildev; docs/MAIL.md) --------------------------------

# MAILDEV: the catcher's HTTP API (GET /email lists what it caught, GET
# /email/ID/source gives one message as it arrived).
MAILDEV=http://127.0.0.1:$(sed -n 's/^MAIL_WEB_PORT=//p' "$TK_TEST_RUN_DIR/stack.env" 2>/dev/null)

# mail_count ADDR: how many messages the catcher holds for ADDR (0 when it
# does not answer).
mail_count() {
	curl -fsS --noproxy '*' "$MAILDEV/email" 2>/dev/null | python3 -c '
import json, sys
a = sys.argv[1].lower()
print(sum(1 for m in json.load(sys.stdin)
          if any(t.get("address", "").lower() == a for t in (m.get("to") or []))))' "$1" ||
		echo 0
}

# mail_source ADDR [N]: the Nth (default: the last) message to ADDR as it
# arrived (RFC 5322, CRLF line ends).
mail_source() {
	local id
	id=$(curl -fsS --noproxy '*' "$MAILDEV/email" | python3 -c '
import json, sys
a = sys.argv[1].lower()
ms = [m for m in json.load(sys.stdin)
      if any(t.get("address", "").lower() == a for t in (m.get("to") or []))]
print(ms[int(sys.argv[2])]["id"] if ms else "")' "$1" "${2:--1}") || return 1
	[ -n "$id" ] || return 1
	curl -fsS --noproxy '*' "$MAILDEV/email/$id/source"
}

# mail_part SOURCE_FILE plain|html: the decoded text or HTML part of a
# message; mail_header SOURCE_FILE NAME: a header, unfolded and decoded
# (RFC 2047: the white space between encoded words goes, which Python's
# address parser does not do).
mail_part() {
	python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(preferencelist=(sys.argv[2],)).get_content(), end="")' "$1" "$2"
}
mail_header() {
	python3 -c '
import email, re, sys
from email.header import decode_header, make_header
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
v = re.sub(r"\r?\n[ \t]", " ", m.get(sys.argv[2], ""))
print(str(make_header(decode_header(v))), end="")' "$1" "$2"
}

# --- the build's installation (test_install.sh, test_setup.sh) ------------

# mkvar VAR: the value of make variable VAR in the build tree (TK_BUILDDIR).
mkvar() {
	# shellcheck disable=SC2016 # $(...) is for make
	printf 'tk-print:\n\t@echo $(%s)\n' "$1" |
		make -s --no-print-directory -C "$TK_BUILDDIR" -f Makefile -f - tk-print
}

# mk ARGS...: make in the build tree, quietly; its output in $TK_TMP/make.log.
mk() { make -s --no-print-directory -C "$TK_BUILDDIR" "$@" >"$TK_TMP/make.log" 2>&1; }

# nginx_main DIR SITE: DIR/nginx.conf, a main nginx file of the test's own
# (pid, error log and temporary files in DIR; workers as root, which may
# reach the test's sockets under TK_TMP) whose http {} includes the site
# file SITE, as /etc/nginx/nginx.conf includes sites-enabled/.
nginx_main() {
	mkdir -p "$1/tmp"
	cat >"$1/nginx.conf" <<EOF
user root;
pid $1/nginx.pid;
error_log $1/error.log;
events { worker_connections 256; }
http {
	include /etc/nginx/mime.types;
	client_body_temp_path $1/tmp/client_body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fastcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
	include $2;
}
EOF
}

# --- NATS users (test_privilege.sh, test_setup.sh) --------------------------

# nats_say USER LINE...: connect to the NATS server on 127.0.0.1:$NATS_PORT
# as USER (its password from $NATS_KEYS/nats-USER.password, the stack's
# keys/ by default; "" for anonymous), send the protocol LINEs and a PING;
# print what the server answered, up to its PONG (or the first line
# matching $UNTIL) or until it closed the connection. A permissions
# violation comes before the PONG; the answer to a request may come after it.
nats_say() {
	local user=$1 auth='' line
	shift
	[ -n "$user" ] &&
		auth=$(printf ',"user":"%s","pass":"%s"' "$user" \
			"$(cat "${NATS_KEYS:-$TK_TEST_RUN_DIR/keys}/nats-$user.password")")
	(
		exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT" || exit 1
		{
			printf 'CONNECT {"verbose":false,"pedantic":false,"protocol":1%s}\r\n' "$auth"
			for line in "$@"; do printf '%s\r\n' "$line"; done
			printf 'PING\r\n'
		} >&3
		timeout 5 sed -u -e 's/\r$//' -e "/${UNTIL:-^PONG}/q" <&3
	)
}

# allowed USER LINE...: the server answered PONG and no error.
allowed() {
	local out
	out=$(nats_say "$@")
	has "$out" PONG && lacks "$out" -ERR
}

# violation USER LINE...: the server refused with a permissions violation.
violation() { has "$(nats_say "$@")" "Permissions Violation"; }

# hello USER PASSWORD: connect with verbose replies and nothing else to
# send (so a refusal is read, not lost to a reset); the server's answer:
# +OK or -ERR '...'.
hello() {
	local auth=
	[ -n "$1" ] && auth=$(printf ',"user":"%s","pass":"%s"' "$1" "$2")
	(
		exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT" || exit 1
		printf 'CONNECT {"verbose":true,"pedantic":false,"protocol":1%s}\r\n' "$auth" >&3
		timeout 5 sed -u -n -e 's/\r$//' -e '/^[+-]/{p;q}' <&3
	)
}
