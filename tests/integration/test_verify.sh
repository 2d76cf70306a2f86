#!/usr/bin/env bash
# Address verification: sign-up writes one
# account_token.issued (verify_email) in its transaction and the member
# can browse but not list: /tickets/new answers 403 (GET and POST, nothing
# written) with the way to the account page, which says "not verified"
# and sends the link again (CSRF; at most one every
# verify_resend_seconds and verify_resend_day_max a day, each new link
# superseding the older ones); the link (opened from the event with the
# stack's notify.sk, as the notifications worker opens it) verifies once
# (user.updated with email_verified true, which the tickets service's
# replica follows) and then the member lists; used, superseded, expired
# and unknown links get one clear 410 page; tokens reach no log.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_auth
AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
DAY_MAX=$(conf_int verify_resend_day_max 5)

no_log_has() { ! grep -rqF -- "$1" "$TK_TEST_RUN_DIR/logs/"; }

# user_event ID TYPE FIELD: FIELD of the data of the newest TYPE event of
# user ID in auth's outbox (JSON text: true, false, a string).
user_event() {
	sql "SELECT JSON_EXTRACT(payload, '\$.data.$3') FROM $DB.outbox
		WHERE subject = 'ticketing.$2' AND JSON_VALUE(payload, '\$.aggregate_id') = '$1'
		ORDER BY id DESC LIMIT 1"
}

# expire_resend_wait ID: the throttle row of user ID's "one link every
# verify_resend_seconds" ends now (the test's clock: the row names the
# account by SHA-256 of "verify-resend\nID", fcgi/auth/throttle.c).
expire_resend_wait() {
	local account
	account=$(printf 'verify-resend\n%s' "$1" | sha256sum | cut -d' ' -f1)
	sql "UPDATE $DB.signin_throttle SET expires_at = NOW(6) WHERE account = '$account'"
}

# resend NAME: browser NAME asks for a new link from its account page.
resend() {
	req "$1" GET /auth/account
	post "$1" /auth/account/verify "csrf_token=$(csrf)"
}

# An event to list tickets for.
account_browser org organizer "Org $$"
EVENT=$(event_create_future org "Verify $$-$RANDOM")
check "an organizer's event is made" matches "$EVENT" '^[0-9a-f-]{36}$'

# --- sign-up -----------------------------------------------------------------

signup_quick vera
check_status "a member signs up" 303
VERA=$SIGNUP_EMAIL
VERA_ID=$(user_id "$VERA")
check_eq "sign-up wrote one verify_email account_token.issued" 1 \
	"$(token_events "$VERA" verify_email)"
check_eq "in the sign-up's transaction: right after user.created" \
	"ticketing.user.created ticketing.account_token.issued" \
	"$(sql "SELECT subject FROM $DB.outbox WHERE payload LIKE '%$VERA_ID%'
		ORDER BY id" | paste -sd' ')"
check_eq "user.created carries the address" "\"$VERA\"" \
	"$(user_event "$VERA_ID" user.created email)"
check_eq "and email_verified false" false "$(user_event "$VERA_ID" user.created email_verified)"
T1=$(account_token "$VERA" verify_email)
check "notify.sk opens the link's token" matches "$T1" '^[A-Za-z0-9_-]{43}$'

req vera GET /auth/account
check "the account page says the address is not verified" has "$BODY" "not verified"
check "and offers to send the link again" has "$BODY" 'action="/auth/account/verify"'
check "the page is valid HTML" valid_html

# --- listing needs a verified address ----------------------------------------

wait_for 10 eval '[ -n "$(sql "SELECT id FROM ticketing_tickets.users_replica
	WHERE id = '"'$VERA_ID'"'")" ]' || true
req vera GET "/tickets/new?event_id=$EVENT"
check_status "an unverified member asking to list: 403" 403
check "the page says to verify first" has "$BODY" "Verify your address first"
check "with a link to the account page" has "$BODY" 'href="/auth/account"'
req vera GET "/events/$EVENT"
TOKEN=$(csrf)
post vera "/tickets/new?event_id=$EVENT" "csrf_token=$TOKEN" "idempotency_key=$(form_key)" \
	"section=Stalls" "row=A" "seat=" "quantity=2" "price=10" "note="
check_status "posting the listing form: 403" 403
check_eq "and nothing is listed" 0 "$(sql "SELECT COUNT(*) FROM ticketing_tickets.listings
	WHERE seller_id = '$VERA_ID'")"
req vera GET /
check_status "browsing is open to it" 200

# --- sending the link again ---------------------------------------------------

req vera GET /auth/account
post vera /auth/account/verify
check_status "without a CSRF token: 403" 403
check_eq "no new link" 1 "$(token_events "$VERA" verify_email)"
resend vera
check_status "asking for the link again: 303" 303
check_eq "to the account page" /auth/account "$(location)"
check_eq "a second link is issued" 2 "$(token_events "$VERA" verify_email)"
T2=$(account_token "$VERA" verify_email)
resend vera
check_status "asking again at once: 429" 429
check "with Retry-After" [ "$(header Retry-After)" -gt 0 ]
check "the account page says when" has "$BODY" "You can ask for a new one in"
check_eq "no third link" 2 "$(token_events "$VERA" verify_email)"

# The day's budget: the wait between two links is taken off each time
# (the test's clock).
n=1
for i in $(seq "$DAY_MAX"); do
	expire_resend_wait "$VERA_ID"
	resend vera
	[ "$STATUS" = 303 ] && n=$((n + 1))
done
check_eq "verify_resend_day_max ($DAY_MAX) links a day from the account page" "$DAY_MAX" "$n"
check_status "then 429" 429
check_eq "the links issued: sign-up's and the day's" $((DAY_MAX + 1)) \
	"$(token_events "$VERA" verify_email)"
T_LAST=$(account_token "$VERA" verify_email)

# --- the link -----------------------------------------------------------------

browser mail
req mail GET "/auth/email/verify?token=$T1"
check_status "the sign-up's link, superseded by newer ones: 410" 410
check "a clear page" has "$BODY" "This link has been used or has expired"
check "with the way to a new one" has "$BODY" 'href="/auth/account"'
req mail GET "/auth/email/verify?token=$T2"
check_status "an older resent link: 410" 410
check_eq "still unverified" 0 "$(sql "SELECT email_verified_at IS NOT NULL FROM $DB.users
	WHERE id = '$VERA_ID'")"

req mail GET "/auth/email/verify?token=$T_LAST"
check_status "the newest link verifies: 200" 200
check "the page says so" has "$BODY" "Address verified"
check "the browser is told to send no Referer from it" \
	has "$(printf '%s\n' "$HEADERS" | grep -i '^referrer-policy')" "no-referrer"
check "the page is valid HTML" valid_html
check_eq "the address is verified" 1 "$(sql "SELECT email_verified_at IS NOT NULL FROM $DB.users
	WHERE id = '$VERA_ID'")"
check_eq "user.updated says email_verified true" true \
	"$(user_event "$VERA_ID" user.updated email_verified)"
req mail GET "/auth/email/verify?token=$T_LAST"
check_status "the same link again: 410" 410
check_eq "one user.updated only" 1 "$(sql "SELECT COUNT(*) FROM $DB.outbox
	WHERE subject = 'ticketing.user.updated' AND JSON_VALUE(payload, '\$.aggregate_id') = '$VERA_ID'")"
UNKNOWN_TOKEN=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
req mail GET "/auth/email/verify?token=$UNKNOWN_TOKEN"
check_status "an unknown token: 410" 410
req mail GET "/auth/email/verify?token=%3Cb%3E"
check_status "a malformed one: 410" 410
check "never echoed" lacks "$BODY" "<b>"

check "the tickets service's replica learns it" wait_for 10 replica_verified "$VERA_ID"
req vera GET /auth/account
check "the account page says verified" has "$BODY" ">verified<"
check "without the form" lacks "$BODY" 'action="/auth/account/verify"'
L=$(listing_create vera "$EVENT" 2 10)
check "the verified member lists tickets" matches "$L" '^[0-9a-f-]{36}$'
post vera /auth/account/verify "csrf_token=$(csrf)"
check_status "asking for a link when verified: 303" 303
check_eq "and nothing is sent" $((DAY_MAX + 1)) "$(token_events "$VERA" verify_email)"

# --- expiry, and the helper ---------------------------------------------------

signup_quick exp
EXP=$SIGNUP_EMAIL
TE=$(account_token "$EXP" verify_email)
sql "UPDATE $DB.account_tokens SET expires_at = NOW(6) - INTERVAL 1 SECOND
	WHERE email = $(sql_quote "$EXP")"
req mail GET "/auth/email/verify?token=$TE"
check_status "an expired link: 410" 410
check_eq "and it verified nothing" 0 "$(sql "SELECT email_verified_at IS NOT NULL
	FROM $DB.users WHERE email = $(sql_quote "$EXP")")"

signup_quick helper
check "lib.sh's verify_account follows the real link" verify_account "$SIGNUP_EMAIL"

# An operator's account (ticketingctl create-user) is unverified unless
# the operator vouches for it (--verified).
OP=$(fresh_email op)
account_create "$OP" member "Op $$"
check_eq "create-user: unverified" 0 "$(sql "SELECT email_verified_at IS NOT NULL
	FROM $DB.users WHERE email = $(sql_quote "$OP")")"
OPV=$(fresh_email opv)
account_create "$OPV" member "Opv $$" --verified
check_eq "create-user --verified: verified" 1 "$(sql "SELECT email_verified_at IS NOT NULL
	FROM $DB.users WHERE email = $(sql_quote "$OPV")")"
check_eq "and its user.created says so" true \
	"$(user_event "$(user_id "$OPV")" user.created email_verified)"
# --if-missing --verified on an existing unverified account (a stack made
# before verification: scripts/dev's demo accounts) marks it verified.
printf '%s\n' "$TK_PASSWORD" | "$CTL" --config "$AUTH_CONF" create-user --email "$OP" \
	--role member --name "Op $$" --if-missing --verified >/dev/null
check_eq "create-user --if-missing --verified verifies an existing account" 1 \
	"$(sql "SELECT email_verified_at IS NOT NULL FROM $DB.users WHERE email = $(sql_quote "$OP")")"
check_eq "with a user.updated" true "$(user_event "$(user_id "$OP")" user.updated email_verified)"

sleep 1
check "no log holds a verification token" no_log_has "$T_LAST"
check "nor a superseded one" no_log_has "$T1"
check "nginx logged the link without its query" \
	grep -qF '"GET /auth/email/verify HTTP' "$TK_TEST_RUN_DIR/logs/nginx-access.log"

finish
