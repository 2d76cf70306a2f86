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

# signin NAME EMAIL PASSWORD: browser NAME signs in.
signin() {
	req "$1" GET /auth/signin
	post "$1" /auth/signin "email=$2" "password=$3" "csrf_token=$(csrf)"
}

# revoked_at_events SID: the events service has the revocation of SID.
revoked_at_events() {
	[ "$(sql "SELECT COUNT(*) FROM ticketing_events.session_revocations
		WHERE session_id = $(sql_quote "$1")")" = 1 ]
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
check "the old cookie is refused at /events/new" sends_to_signin oscar /events/new
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
check "events refuses the second browser's cookie" sends_to_signin pat2 /events/new
check "the first browser stays signed in at auth" lets_in pat1 /auth/account
check "the first browser stays signed in at events" lets_in pat1 /events/new
check "its own session was not revoked at events" eval '! revoked_at_events "$PAT1_SID"'

finish
