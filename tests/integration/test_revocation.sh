#!/usr/bin/env bash
# Revocation across services. Auth refuses a revoked session at once; the
# events service learns of it from session.revoked through the replicator,
# so each check there first waits (bounded) for the session's row in
# ticketing_events.session_revocations, then asserts. No latency is
# asserted.
# - An admin demotes an organizer: the organizer's old cookie is refused at
#   /events/new and /venues/new, where it was let in before.
# - A password change: another browser's cookie is refused at auth and at
#   events; the browser that changed it stays signed in at both.
# Short-lived tokens (docs/DECISIONS.md "Fail-closed revocation"); time is
# driven by age_token, which signs a browser's token again as it will look
# N seconds later, never by sleeping:
# - Renewal: a stale token's GET at events goes to /auth/renew and comes
#   back to the same path and query with a fresh token; the renewal never
#   sends the browser off the site.
# - No lost POST: a stale token's form POST is honoured while the
#   revocation replica is current.
# - With the replicator stopped (so this is a fault test, run alone): a
#   signed-out cookie and a demoted organizer's cookie are refused at
#   events once stale, and a stale token's privileged POST answers 503 with
#   Retry-After once the replica is older than revocation_max_lag.
# - Idle timeout: a token unused for session_idle_seconds is void
#   everywhere, and auth refuses a session whose last use is older.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
PW=correct-horse-battery-1
PW2=another-long-passphrase-2

# account ROLE EMAIL NAME: make an account with ticketingctl.
account() {
	printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$2" \
		--name "$3" --role "$1" >/dev/null
}

# sends_to_signin_via_renew NAME PATH: a stale token's GET of PATH goes to
# auth's renewal, which refuses the session and sends it to sign in, with
# PATH kept as next.
sends_to_signin_via_renew() {
	req "$1" GET "$2"
	[ "$STATUS" = 303 ] && starts_with "$(location)" /auth/renew || return 1
	req "$1" GET "$(location)"
	[ "$STATUS" = 303 ] && starts_with "$(location)" /auth/signin?next= &&
		[ -z "$(cookie "$1" tk_session)" ]
}

# --- demotion -------------------------------------------------------------------

ORG=$(fresh_email rev-org)
account organizer "$ORG" "Oscar Organizer"
ORG_ID=$(sql "SELECT id FROM ticketing_auth.users WHERE email = $(sql_quote "$ORG")")
browser oscar
signin oscar "$ORG" "$PW"
check_status "the organizer signs in" 303
OSCAR_SID=$(token_sid "$(cookie oscar tk_session)")
check "the organizer's session has an id" matches "$OSCAR_SID" '^[0-9a-f]{32}$'
check "the organizer is let in at /events/new" lets_in oscar /events/new
check "the organizer is let in at /venues/new" lets_in oscar /venues/new

ADMIN=$(fresh_email rev-admin)
account admin "$ADMIN" "Ada Revoker"
browser ada
signin ada "$ADMIN" "$PW"
check_status "the admin signs in" 303
req ada GET "/auth/admin/users?q=$ORG"
post ada "/auth/admin/users/$ORG_ID/role" "role=member" "csrf_token=$(csrf)"
check_status "the admin demotes the organizer" 303
check_eq "the account is a member now" member \
	"$(sql "SELECT role FROM ticketing_auth.users WHERE id = $(sql_quote "$ORG_ID")")"
check "auth refuses the old cookie at once" sends_to_signin oscar /auth/account
check "the revocation reaches the events service" wait_for 30 revoked_at_events "$OSCAR_SID"
check "the old cookie is refused at /events/new within a second" \
	wait_for 1 sends_to_signin oscar /events/new
check "the old cookie is refused at /venues/new" sends_to_signin oscar /venues/new

# --- password change ------------------------------------------------------------

PAT=$(fresh_email rev-pw)
account organizer "$PAT" "Pat Changer"
browser pat1
signin pat1 "$PAT" "$PW"
check_status "the first browser signs in" 303
PAT1_SID=$(token_sid "$(cookie pat1 tk_session)")
browser pat2
signin pat2 "$PAT" "$PW"
check_status "the second browser signs in" 303
PAT2_SID=$(token_sid "$(cookie pat2 tk_session)")
check "the two browsers have two sessions" differs "$PAT2_SID" "$PAT1_SID"
check "the second browser is let in at auth" lets_in pat2 /auth/account
check "the second browser is let in at events" lets_in pat2 /events/new

req pat1 GET /auth/account
post pat1 /auth/account/password "current_password=$PW" "password=$PW2" "csrf_token=$(csrf)"
check_status "the first browser changes the password" 303
check "auth refuses the second browser's cookie at once" sends_to_signin pat2 /auth/account
check "the revocation reaches the events service" wait_for 30 revoked_at_events "$PAT2_SID"
check "events refuses the second browser's cookie within a second" \
	wait_for 1 sends_to_signin pat2 /events/new
check "the first browser stays signed in at auth" lets_in pat1 /auth/account
check "the first browser stays signed in at events" lets_in pat1 /events/new
check "its own session was not revoked at events" eval '! revoked_at_events "$PAT1_SID"'

# --- short-lived tokens ---------------------------------------------------------

AGE_TOKEN=${TK_BUILDDIR:-$(dirname "$0")/../..}/tests/integration/age_token
SESSION_KEY=$TK_TEST_RUN_DIR/keys/session.key
RENEW=$(conf_int session_renew_seconds 300)
IDLE=$(conf_int session_idle_seconds 1800)
MAX_LAG=$(conf_int revocation_max_lag 10)

# age NAME SECONDS: browser NAME's session token as it will be SECONDS later.
age() {
	local old new
	old=$(cookie "$1" tk_session)
	new=$("$AGE_TOKEN" "$SESSION_KEY" "$2" "$old") || return 1
	set_jar_cookie "$1" tk_session "$new"
}

# set_jar_cookie NAME COOKIE VALUE: put VALUE as COOKIE in NAME's jar (a
# session cookie of the stack's host when the jar has none).
set_jar_cookie() {
	local host=${BASE#*://}
	host=${host%%[:/]*}
	awk -v c="$2" -v v="$3" -v h="$host" 'BEGIN { FS = OFS = "\t" }
		NF >= 7 && $6 == c { $7 = v; done = 1 } { print }
		END { if (!done) print h, "FALSE", "/", "FALSE", 0, c, v }' \
		"$TK_TMP/$1.jar" >"$TK_TMP/$1.jar.new" && mv "$TK_TMP/$1.jar.new" "$TK_TMP/$1.jar"
}

# renews NAME PATH: a GET of PATH at events is sent to /auth/renew with
# PATH as next, and the renewal sends it back to PATH with a new token.
renews() {
	local before renew
	before=$(cookie "$1" tk_session)
	req "$1" GET "$2"
	[ "$STATUS" = 303 ] || return 1
	renew=$(location)
	[ "$renew" = "/auth/renew?next=$(urlencode "$2")" ] || return 1
	req "$1" GET "$renew"
	[ "$STATUS" = 303 ] && [ "$(location)" = "$2" ] &&
		differs "$(cookie "$1" tk_session)" "$before"
}

# urlencode TEXT: TEXT percent-encoded as the services encode a query value.
urlencode() {
	local s=$1 i c out=
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# renew_sends_to NAME NEXT EXPECTED: /auth/renew?next=NEXT (NEXT given
# encoded) answers 303 to EXPECTED.
renew_sends_to() {
	req "$1" GET "/auth/renew?next=$2"
	[ "$STATUS" = 303 ] && [ "$(location)" = "$3" ]
}

# replica_fresh / replica_stale: the events service's revocation replica
# caught up within / not within revocation_max_lag seconds.
replica_fresh() {
	[ "$(sql "SELECT COUNT(*) FROM ticketing_events.consumer_state
		WHERE consumer = 'events-sessions'
		AND caught_up_at > NOW(6) - INTERVAL $MAX_LAG SECOND")" = 1 ]
}
replica_stale() { ! replica_fresh; }

count_venues() { sql "SELECT COUNT(*) FROM ticketing_events.venues"; }

# new_venue NAME: browser NAME posts the venue form it was last shown.
new_venue() {
	post "$1" /venues/new "csrf_token=$2" "idempotency_key=$(form_key)" "name=Stale Hall $$ $RANDOM" "city=Lyon" \
		"address=1 quai X" "capacity=50" "timezone=Europe/Paris"
}

RITA=$(fresh_email rev-renew)
account organizer "$RITA" "Rita Renewer"
browser rita
signin rita "$RITA" "$PW"
check_status "an organizer signs in" 303
check "a fresh token is let in at /events/new" lets_in rita /events/new
check "age_token ages the token" age rita $((RENEW + 1))
check "a stale token's GET is renewed at auth and comes back" renews rita "/events?q=jazz&page=1"
check "the renewed token is let in without a detour" lets_in rita /events/new
check "the renewal recorded the use" \
	[ "$(sql "SELECT last_seen_at > created_at FROM ticketing_auth.sessions
		WHERE id = $(sql_quote "$(token_sid "$(cookie rita tk_session)")")")" = 1 ]

check "renew refuses an absolute URL" renew_sends_to rita "https%3A%2F%2Fevil.example%2F" /
check "renew refuses a scheme-relative URL" renew_sends_to rita "%2F%2Fevil.example%2Fx" /
check "renew refuses a backslash host" renew_sends_to rita "%2F%5Cevil.example" /
check "renew refuses a path without its slash" renew_sends_to rita "evil.example" /
check "renew keeps a path of the site" renew_sends_to rita "%2Fvenues%3Fx%3D1" "/venues?x=1"

req rita GET /venues/new
TOKEN=$(csrf)
age rita $((RENEW + 1))
check "the revocation replica is current" wait_for 15 replica_fresh
V_BEFORE=$(count_venues)
new_venue rita "$TOKEN"
check_status "a stale token's form POST is honoured, never redirected" 303
check "... to the new venue" starts_with "$(location)" "/venues#venue-"
check_eq "... and the venue is written" $((V_BEFORE + 1)) "$(count_venues)"

# --- the replicator stopped --------------------------------------------------------

SAM=$(fresh_email rev-signout)
account organizer "$SAM" "Sam Signout"
browser sam
signin sam "$SAM" "$PW"
SAM_TOKEN=$(cookie sam tk_session)
ORG2=$(fresh_email rev-org2)
account organizer "$ORG2" "Olga Organizer"
ORG2_ID=$(sql "SELECT id FROM ticketing_auth.users WHERE email = $(sql_quote "$ORG2")")
browser olga
signin olga "$ORG2" "$PW"
req olga GET /venues/new
OLGA_FORM=$(csrf)
browser vic
signin vic "$RITA" "$PW"
req vic GET /venues/new
VIC_FORM=$(csrf)

ctl stop replicator-events >/dev/null
check "the replicator is stopped" eval '! running replicator-events'

# --- the revocation mirror (lib/revoke.h) -------------------------------------------
# Events answers the revocation check from its processes' memory. The rows
# are written here by hand, as the stopped replicator would write them, for
# sessions really revoked at auth (so the replica still equals its source
# once the replicator applies the same events): one written now, one
# written 3 s before it (a transaction that committed after a newer row's),
# found within a second by the overlap of the mirror's reads; and one
# written a minute before, found by its next full read.
MIA=$(fresh_email rev-mirror)
account organizer "$MIA" "Mia Mirror"
MIA_ID=$(sql "SELECT id FROM ticketing_auth.users WHERE email = $(sql_quote "$MIA")")
for b in mia max nia; do
	browser "$b"
	signin "$b" "$MIA" "$PW"
done
req mia GET /venues/no-such-venue
check_status "a signed-in request for no venue answers 404" 404
RID=$(header X-Request-Id)
check "... logged as the member's" wait_for 5 grep -qE " req $RID .* user=$MIA_ID " \
	"$TK_TEST_RUN_DIR/logs/events.log"
check_eq "... with no statement: the revocation check is answered from memory" "" \
	"$(statements events)"

# revoke_by_hand NAME AGO: browser NAME signs out at auth, keeps its token,
# and its revocation row is written at events with replicated_at AGO
# seconds back.
revoke_by_hand() {
	local token sid
	token=$(cookie "$1" tk_session)
	sid=$(token_sid "$token")
	req "$1" GET /auth/account
	post "$1" /auth/signout "csrf_token=$(csrf)"
	set_jar_cookie "$1" tk_session "$token"
	sql "INSERT INTO ticketing_events.session_revocations
		(session_id, user_id, revoked_at, version, replicated_at)
		VALUES ($(sql_quote "$sid"), $(sql_quote "$MIA_ID"), UTC_TIMESTAMP(3), 1,
			UTC_TIMESTAMP(6) - INTERVAL $2 SECOND)"
}
check "a fresh token is let in at events" lets_in mia /events/new
revoke_by_hand mia 0
check "a row written now is refused within a second" wait_for 1 sends_to_signin mia /events/new
revoke_by_hand max 3
check "a row written 3 s before the newest is refused within a second" \
	wait_for 1 sends_to_signin max /events/new
revoke_by_hand nia 60
NIA_T0=$(date +%s)

req sam GET /auth/account
post sam /auth/signout "csrf_token=$(csrf)"
check_status "a member signs out" 303
set_jar_cookie sam tk_session "$SAM_TOKEN"
age sam $((RENEW + 1))
check "the signed-out cookie, once stale, is refused at events" sends_to_signin_via_renew sam /events/new

req ada GET "/auth/admin/users?q=$ORG2"
post ada "/auth/admin/users/$ORG2_ID/role" "role=member" "csrf_token=$(csrf)"
check_status "the admin demotes an organizer" 303
age olga $((RENEW + 1))
check "the demoted organizer's stale cookie loses /events/new" \
	sends_to_signin_via_renew olga /events/new
browser olga2
signin olga2 "$ORG2" "$PW"
check "signed in again, the demoted account is a member at events" \
	eval 'req olga2 GET /events/new; [ "$STATUS" = 403 ]'

check "without the replicator the revocation replica goes stale" \
	wait_for $((MAX_LAG + 10)) replica_stale
V_BEFORE=$(count_venues)
age vic $((RENEW + 1))
new_venue vic "$VIC_FORM"
check_status "a stale token's privileged POST answers 503 while the replica is stale" 503
check "... with Retry-After" differs "$(header Retry-After)" ""
check_eq "... and nothing is written" "$V_BEFORE" "$(count_venues)"

check "a row written a minute before the newest is refused by the next full read" \
	wait_for $((30 + NIA_T0 - $(date +%s) + 5)) sends_to_signin nia /events/new

ctl start replicator-events >/dev/null
check "the replicator runs again" wait_for 30 running replicator-events
check "the revocation replica catches up" wait_for 30 replica_fresh
new_venue vic "$VIC_FORM"
check_status "the same POST is honoured once the replica is current" 303

# --- idle timeout ------------------------------------------------------------------

IDA=$(fresh_email rev-idle)
account organizer "$IDA" "Ida Idle"
browser ida
signin ida "$IDA" "$PW"
check "a fresh token is let in" lets_in ida /events/new
age ida $((IDLE + 1))
check "a token unused for the idle timeout is void at events" sends_to_signin ida /events/new

browser ivy
signin ivy "$IDA" "$PW"
IVY_SID=$(token_sid "$(cookie ivy tk_session)")
check "auth lets the session in" lets_in ivy /auth/account
sql "UPDATE ticketing_auth.sessions SET last_seen_at = NOW(6) - INTERVAL $((IDLE + 1)) SECOND
	WHERE id = $(sql_quote "$IVY_SID")"
check "auth refuses a session idle for longer than the timeout" sends_to_signin ivy /auth/account

browser ivan
signin ivan "$IDA" "$PW"
IVAN_SID=$(token_sid "$(cookie ivan tk_session)")
sql "UPDATE ticketing_auth.sessions SET last_seen_at = NOW(6) - INTERVAL $((IDLE + 1)) SECOND
	WHERE id = $(sql_quote "$IVAN_SID")"
age ivan $((RENEW + 1))
check "the renewal refuses an idle session" sends_to_signin_via_renew ivan /events/new

finish
