#!/usr/bin/env bash
# Password reset by a mailed link, at the auth service
# through nginx: the forgot form answers the same page for a known and an
# unknown address (bytes, apart from the CSRF token and the address typed,
# and no faster for one than the other) and writes exactly one
# account_token.issued, for the known one only; the token travels sealed
# (opened here with the stack's notify.sk, as the notifications worker
# opens it) and is stored only as a hash; the link works once, signs the
# account out everywhere (at auth at once, at the events service once the
# revocation arrives) and sets a password the sign-up rules accept; used,
# superseded, expired and unknown tokens get one clear 410 page; the
# limits per address and per client address bite; CSRF and escaping on
# both forms; tokens reach no log.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

PW=$TK_PASSWORD
PW2=a-brand-new-passphrase-2
DB=ticketing_auth

MIN_MS=$(conf_int forgot_min_ms 300)
EMAIL_MAX=$(conf_int forgot_email_max 3)
ADDR_MAX=$(conf_int forgot_addr_max 20)

live_sessions() {
	sql "SELECT COUNT(*) FROM $DB.sessions WHERE user_id = '$1' AND revoked_at IS NULL"
}

# forgot NAME EMAIL: browser NAME asks for a reset link for EMAIL through
# the form; the time it took in ELAPSED_MS.
ELAPSED_MS=0
forgot() {
	local t0
	req "$1" GET /auth/password/forgot
	t0=$(date +%s%N)
	post "$1" /auth/password/forgot "email=$2" "csrf_token=$(csrf)"
	ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
}

# main_of: the last body's <main> element, the CSRF token and the address
# EMAIL replaced by placeholders (the layout around it carries the
# visitor's own CSRF token).
normalised() {
	local b=$BODY
	b=${b//"$(csrf)"/TOKEN}
	b=${b//"$1"/EMAIL}
	printf '%s' "$b"
}

# no_log_has TEXT: no log of the stack (services, workers, nginx) holds TEXT.
no_log_has() { ! grep -rqF -- "$1" "$TK_TEST_RUN_DIR/logs/"; }

# --- the forms --------------------------------------------------------------

KNOWN=$(fresh_email reset-known)
UNKNOWN=$(fresh_email reset-unknown)
account_create "$KNOWN" organizer "Rita Reset"
KNOWN_ID=$(user_id "$KNOWN")
check "the account exists" matches "$KNOWN_ID" '^[0-9a-f-]{36}$'

browser fk
req fk GET /auth/signin
check "the sign-in page links to the forgot form" has "$BODY" 'href="/auth/password/forgot"'
req fk GET /auth/password/forgot
check_status "the forgot form answers" 200
check "it has the email field" has "$(input_tag email)" 'type="email"'
check "it posts to itself" has "$BODY" 'action="/auth/password/forgot"'
check "it carries a CSRF token" [ -n "$(csrf)" ]
check "the page is valid HTML" valid_html

post fk /auth/password/forgot "email=$KNOWN"
check_status "without a CSRF token: 403" 403
post fk /auth/password/forgot "email=$KNOWN" "csrf_token=nonsense"
check_status "with a wrong CSRF token: 403" 403
check_eq "and no link was issued" 0 "$(token_events "$KNOWN" reset_password)"

req fk GET /auth/password/forgot
post fk /auth/password/forgot "email=<b>x\"'@" "csrf_token=$(csrf)"
check_status "a malformed address: 422" 422
check "with the form again" has "$BODY" 'action="/auth/password/forgot"'
check "the value kept, escaped" has "$(input_tag email)" 'value="&lt;b&gt;x&quot;&#39;@"'
check "never raw" lacks "$BODY" '<b>x"'
post fk /auth/password/forgot "email=" "csrf_token=$(csrf)"
check_status "an empty address: 422" 422
check "says what is missing" has "$BODY" 'field-error'

# --- known and unknown: the same answer -------------------------------------

browser fu
forgot fk "$KNOWN"
check_status "forgot for a known address: 200" 200
KNOWN_PAGE=$(normalised "$KNOWN")
KNOWN_MS=$ELAPSED_MS
forgot fu "$UNKNOWN"
check_status "forgot for an unknown address: 200" 200
UNKNOWN_PAGE=$(normalised "$UNKNOWN")
UNKNOWN_MS=$ELAPSED_MS
check "the two pages are the same bytes (but the CSRF token and the address)" \
	same "$KNOWN_PAGE" "$UNKNOWN_PAGE"
check "the page says a link is on its way if an account uses the address" \
	has "$BODY" "If an account uses"
check "the known address took at least forgot_min_ms (${KNOWN_MS} ms)" [ "$KNOWN_MS" -ge "$MIN_MS" ]
check "the unknown address took at least forgot_min_ms (${UNKNOWN_MS} ms)" \
	[ "$UNKNOWN_MS" -ge "$MIN_MS" ]
check_eq "exactly one account_token.issued for the known address" 1 \
	"$(token_events "$KNOWN" reset_password)"
check_eq "none for the unknown one" 0 "$(token_events "$UNKNOWN" reset_password)"
check_eq "none for it at all in the outbox" 0 "$(sql "SELECT COUNT(*) FROM $DB.outbox
	WHERE payload LIKE $(sql_quote "%$UNKNOWN%")")"

# --- the event and what is stored --------------------------------------------

EVENT=$(sql "SELECT payload FROM $DB.outbox WHERE subject = 'ticketing.account_token.issued'
	AND JSON_VALUE(payload, '\$.data.email') = $(sql_quote "$KNOWN") ORDER BY id DESC LIMIT 1")
ev() { printf '%s' "$EVENT" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
TOKEN_ID=$(ev "['data']['id']")
check_eq "the event's aggregate is the token row" "$TOKEN_ID" "$(ev "['aggregate_id']")"
check_eq "of type account_token" account_token "$(ev "['aggregate_type']")"
check_eq "version 1" 1 "$(ev "['aggregate_version']")"
check_eq "for the account" "$KNOWN_ID" "$(ev "['data']['user_id']")"
check_eq "purpose reset_password" reset_password "$(ev "['data']['purpose']")"
check_eq "with the member's name" "Rita Reset" "$(ev "['data']['name']")"
check_eq "and exactly the contract's members" \
	"email,expires_at,id,name,purpose,sealed,user_id" "$(ev "['data'].keys()" | tr -d "[]' " |
		sed 's/^dict_keys(//; s/)$//' | tr ',' '\n' | sort | paste -sd,)"
EXPIRES=$(ev "['data']['expires_at']")
check "expires_at is in the event time format" matches "$EXPIRES" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
LEFT=$(($(date -d "$EXPIRES" +%s) - $(date +%s)))
check "and 30 minutes ahead (${LEFT} s)" [ "$LEFT" -gt 1700 ] && [ "$LEFT" -le 1800 ]
T1=$(account_token "$KNOWN" reset_password)
check "notify.sk opens the sealed token: 43 base64url characters" matches "$T1" \
	'^[A-Za-z0-9_-]{43}$'
check "the clear token is nowhere in the event" lacks "$EVENT" "$T1"
HASH=$(sql "SELECT token_hash FROM $DB.account_tokens WHERE id = '$TOKEN_ID'")
check "the database keeps a 32-byte hash" matches "$HASH" '^[0-9a-f]{64}$'
check_eq "and no row holds the token" 0 "$(sql "SELECT COUNT(*) FROM $DB.account_tokens
	WHERE token_hash = $(sql_quote "$T1") OR id = $(sql_quote "$T1")")"

# --- sessions before the reset -----------------------------------------------

browser r1
signin r1 "$KNOWN" "$PW"
check_status "a first browser signs in before the reset" 303
R1_SID=$(token_sid "$(cookie r1 tk_session)")
browser r2
signin r2 "$KNOWN" "$PW"
check_status "a second browser signs in before the reset" 303
R2_SID=$(token_sid "$(cookie r2 tk_session)")
check "the second browser is let in at events" lets_in r2 /events/new

# --- the link -----------------------------------------------------------------

browser link
req link GET "/auth/password/reset?token=$T1"
check_status "the link's page answers" 200
check "it asks for the new password twice" has "$(input_tag password_confirm)" 'type="password"'
check "it carries the token in a hidden field" has "$(input_tag token)" "value=\"$T1\""
check "it posts to a URL without the token" has "$BODY" 'action="/auth/password/reset"'
check "the browser is told to send no Referer from it" \
	has "$(printf '%s\n' "$HEADERS" | grep -i '^referrer-policy')" "no-referrer"
check "the page is valid HTML" valid_html
RESET_CSRF=$(csrf)

post link /auth/password/reset "token=$T1" "password=$PW2" "password_confirm=$PW2"
check_status "without a CSRF token: 403" 403
post link /auth/password/reset "token=$T1" "password=short" "password_confirm=short" \
	"csrf_token=$RESET_CSRF"
check_status "a password the sign-up form refuses: 422" 422
check "the form comes back with its token" has "$(input_tag token)" "value=\"$T1\""
check "and says why" has "$BODY" "at least"
post link /auth/password/reset "token=$T1" "password=$PW2" "password_confirm=$PW2-typo" \
	"csrf_token=$RESET_CSRF"
check_status "two passwords that differ: 422" 422
check "says so" has "$BODY" "The two passwords are not the same."
check "the form keeps the token" has "$(input_tag token)" "value=\"$T1\""
post link /auth/password/reset "token=$T1\"><b>" "password=$PW2" "password_confirm=$PW2" \
	"csrf_token=$RESET_CSRF"
check_status "a token with markup: 410" 410
check "never shown raw" lacks "$BODY" '"><b>'
check_eq "nothing changed yet: both sessions live" 2 "$(live_sessions "$KNOWN_ID")"

post link /auth/password/reset "token=$T1" "password=$PW2" "password_confirm=$PW2" \
	"csrf_token=$RESET_CSRF"
check_status "the reset: 200" 200
check "the page says to sign in" has "$BODY" 'href="/auth/signin"'
check "the token is marked used" [ -n "$(sql "SELECT used_at FROM $DB.account_tokens
	WHERE id = '$TOKEN_ID'")" ]
check_eq "every session of the account is revoked" 0 "$(live_sessions "$KNOWN_ID")"
check "auth refuses the first browser at once" sends_to_signin r1 /auth/account
check "auth refuses the second browser at once" sends_to_signin r2 /auth/account
check "the revocation reaches the events service" wait_for 30 revoked_at_events "$R2_SID"
check "events refuses the second browser's cookie within a second" \
	wait_for 1 sends_to_signin r2 /events/new
check "a user.updated follows" [ "$(sql "SELECT COUNT(*) FROM $DB.outbox
	WHERE subject = 'ticketing.user.updated' AND payload LIKE '%$KNOWN_ID%'")" -ge 1 ]
check_eq "the reset also proved the address" 1 "$(sql "SELECT email_verified_at IS NOT NULL
	FROM $DB.users WHERE id = '$KNOWN_ID'")"

browser after
signin after "$KNOWN" "$PW"
check_status "the old password no longer signs in" 422
signin after "$KNOWN" "$PW2"
check_status "the new one does" 303

# --- refused links ------------------------------------------------------------

browser again
req again GET "/auth/password/reset?token=$T1"
check_status "the used link again: 410" 410
check "a clear page" has "$BODY" "This link has been used or has expired"
check "with the way to a new one" has "$BODY" 'href="/auth/password/forgot"'
USED_PAGE=$(normalised "$T1")
req again GET /auth/password/forgot
post again /auth/password/reset "token=$T1" "password=$PW" "password_confirm=$PW" \
	"csrf_token=$(csrf)"
check_status "posting the used token: 410" 410
browser after2
signin after2 "$KNOWN" "$PW"
check_status "and the password did not change back" 422

UNKNOWN_TOKEN=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
req again GET "/auth/password/reset?token=$UNKNOWN_TOKEN"
check_status "an unknown token: 410" 410
check "the same page as a used one" same "$USED_PAGE" "$(normalised "$UNKNOWN_TOKEN")"
req again GET "/auth/password/reset?token=short"
check_status "a malformed token: 410" 410
req again GET "/auth/password/reset"
check_status "no token: 410" 410

# A new request supersedes the older unused link; an expired link is
# refused (its expiry set back in the database: the test's clock).
forgot fk "$KNOWN"
T2=$(account_token "$KNOWN" reset_password)
forgot fk "$KNOWN"
T3=$(account_token "$KNOWN" reset_password)
check "each request mails a new token" differs "$T3" "$T2"
req again GET "/auth/password/reset?token=$T2"
check_status "the older unused link is superseded: 410" 410
req again GET "/auth/password/reset?token=$T3"
check_status "the newest works" 200
sql "UPDATE $DB.account_tokens SET expires_at = NOW(6) - INTERVAL 1 SECOND
	WHERE user_id = '$KNOWN_ID' AND used_at IS NULL AND superseded_at IS NULL"
req again GET "/auth/password/reset?token=$T3"
check_status "once expired: 410" 410
check "the same clear page" has "$BODY" "This link has been used or has expired"

# --- limits -------------------------------------------------------------------

check_eq "three links to the address this hour" 3 "$(token_events "$KNOWN" reset_password)"
forgot fk "$KNOWN"
check_status "a fourth request gets the same page" 200
check "the same bytes as before" same "$KNOWN_PAGE" "$(normalised "$KNOWN")"
check_eq "but no fourth link (forgot_email_max $EMAIL_MAX)" "$EMAIL_MAX" \
	"$(token_events "$KNOWN" reset_password)"
forgot fu "$UNKNOWN"
forgot fu "$UNKNOWN"
forgot fu "$UNKNOWN"
check_status "an unknown address past the same count: the same page" 200
check "the same bytes" same "$UNKNOWN_PAGE" "$(normalised "$UNKNOWN")"

browser flood
n=0
for i in $(seq "$ADDR_MAX"); do
	forgot flood "$(fresh_email flood)"
	[ "$STATUS" = 200 ] && n=$((n + 1))
done
check_eq "one client address: $ADDR_MAX requests answered" "$ADDR_MAX" "$n"
forgot flood "$(fresh_email flood)"
check_status "the next one: 429" 429
check "with the service's Retry-After (the rest of the hour)" \
	[ "$(header Retry-After)" -gt 60 ]
browser other
forgot other "$(fresh_email other)"
check_status "another client address is not held up" 200

# --- logs ---------------------------------------------------------------------

sleep 1
check "no log holds the used token" no_log_has "$T1"
check "nor the superseded one" no_log_has "$T2"
check "nor the expired one" no_log_has "$T3"
check "nginx logged the link without its query" \
	grep -qF '"GET /auth/password/reset HTTP' "$TK_TEST_RUN_DIR/logs/nginx-access.log"

finish
