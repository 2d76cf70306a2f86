#!/usr/bin/env bash
# Integration tests of the auth service through nginx: sign up, sign in,
# sign out, the account page and password change, with the CSRF, session
# cookie, validation, escaping and rate-limit rules around them (the
# throttling of password guesses and sign-in races: test_signin.sh).
# Runs against the stack of scripts/dev test (see lib.sh for the harness).
# Every run uses fresh accounts; the nginx rate limit comes last since it
# uses up a budget.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

CSP="default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
PW=correct-horse-battery-1
PW2=another-long-passphrase-2
DB=ticketing_auth

# user_count EMAIL: rows in users with exactly that (normalised) address.
user_count() {
	sql "SELECT COUNT(*) FROM $DB.users WHERE email = $(sql_quote "$1")"
}

# signup NAME FULLNAME EMAIL PASSWORD: browser NAME fetches the form and
# posts it (the response is left in STATUS, HEADERS, BODY).
signup() {
	req "$1" GET /auth/signup
	post "$1" /auth/signup "name=$2" "email=$3" "password=$4" "csrf_token=$(csrf)"
}

# signin NAME EMAIL PASSWORD [NEXT]: browser NAME fetches the sign-in form
# and posts it.
signin() {
	req "$1" GET /auth/signin
	local extra=()
	[ $# -ge 4 ] && extra=("next=$4")
	post "$1" /auth/signin "email=$2" "password=$3" "csrf_token=$(csrf)" "${extra[@]}"
}

# signed_out_with COOKIE: the account page, asked with only that session
# cookie, sends the browser to sign in.
signed_out_with() {
	req - GET /auth/account -H "Cookie: tk_session=$1"
	[ "$STATUS" = 303 ] && starts_with "$(location)" /auth/signin
}

# signed_in_with COOKIE: the account page, asked with only that session
# cookie, answers 200.
signed_in_with() {
	req - GET /auth/account -H "Cookie: tk_session=$1"
	[ "$STATUS" = 200 ]
}

# cookie_attrs: the attributes of a Set-Cookie value, without name=value.
cookie_attrs() { printf '%s' "${1#*;}"; }

# --- the sign-up form, response headers, visitor cookie ---------------------

browser first
req first GET /auth/signup
check_status "GET /auth/signup answers 200" 200
check "the sign-up page is HTML" has_i "$(header Content-Type)" "text/html"
TOKEN1=$(csrf)
check "the sign-up form carries a csrf_token" [ -n "$TOKEN1" ]
check "the form has a name field" [ -n "$(input_tag name)" ]
check "the form has an email field" [ -n "$(input_tag email)" ]
check "the form has a password field" [ -n "$(input_tag password)" ]
check_eq "Content-Security-Policy" "$CSP" "$(header Content-Security-Policy)"
check_eq "exactly one Content-Security-Policy header" 1 \
	"$(printf '%s\n' "$HEADERS" | grep -ci '^content-security-policy:')"
check_eq "X-Content-Type-Options" nosniff "$(header X-Content-Type-Options)"
check_eq "X-Frame-Options" DENY "$(header X-Frame-Options)"
check_eq "Referrer-Policy" same-origin "$(header Referrer-Policy)"
check "Permissions-Policy present" [ -n "$(header Permissions-Policy)" ]
check_eq "Cross-Origin-Opener-Policy" same-origin "$(header Cross-Origin-Opener-Policy)"
check "no server version in Server" lacks "$(header Server)" "/"
RID1=$(header X-Request-Id)
check "X-Request-Id present" [ -n "$RID1" ]
VISITOR_SC=$(set_cookie tk_visitor)
check "the first GET of a form sets tk_visitor" [ -n "$VISITOR_SC" ]
check "tk_visitor is HttpOnly" has_i "$(cookie_attrs "$VISITOR_SC")" httponly
VISITOR=$(cookie first tk_visitor)

req first GET /auth/signup
check "a second request gets another X-Request-Id" [ "$(header X-Request-Id)" != "$RID1" ]
check "the visitor keeps its tk_visitor cookie" same "$VISITOR" "$(cookie first tk_visitor)"
check "the CSRF token is stable for one visitor" same "$TOKEN1" "$(csrf)"
browser second
req second GET /auth/signup
check "another visitor gets another CSRF token" differs "$(csrf)" "$TOKEN1"

# --- sign up ----------------------------------------------------------------

ANN_NAME="Ann Tester $$"
ANN_EMAIL=$(fresh_email ann)
browser ann
signup ann "$ANN_NAME" "$ANN_EMAIL" "$PW"
check_status "sign up answers 303" 303
check_eq "sign up redirects to the account page" /auth/account "$(location)"
SC=$(set_cookie tk_session)
check "sign up sets tk_session" [ -n "$SC" ]
check "tk_session is HttpOnly" has_i "$(cookie_attrs "$SC")" "HttpOnly"
check "tk_session is SameSite=Lax" has_i "$(cookie_attrs "$SC")" "SameSite=Lax"
check "tk_session is not Secure over http" lacks_i "$(cookie_attrs "$SC")" secure
check "tk_session has Path=/" has_i "$(cookie_attrs "$SC")" "Path=/"
SESSION1=$(cookie ann tk_session)
SID1=$(token_sid "$SESSION1")
check "the session token names a 32-hex session id" matches "$SID1" '^[0-9a-f]{32}$'
check_eq "one users row for the new account" 1 "$(user_count "$ANN_EMAIL")"
check_eq "one live sessions row for it" 1 \
	"$(sql "SELECT COUNT(*) FROM $DB.sessions WHERE id = '$SID1' AND revoked_at IS NULL")"

req ann GET /auth/account
check_status "the account page answers 200 when signed in" 200
check "the account page shows the name" has "$BODY" "$ANN_NAME"
check "the account page shows the email" has "$BODY" "$ANN_EMAIL"
check "the header says 'Signed in as <name>'" has "$(text)" "Signed in as $ANN_NAME"
check "the header has a sign-out form" has "$BODY" 'action="/auth/signout"'
req ann GET /auth/nope
check "other pages say 'Signed in as <name>' too" has "$(text)" "Signed in as $ANN_NAME"

# --- email normalisation ------------------------------------------------------

FOO_LOCAL="Foo-$$-$RANDOM"
FOO_RAW="  $FOO_LOCAL@Example.COM "
FOO_NORM="$(lower "$FOO_LOCAL")@example.com"
browser foo
signup foo "Foo Bar" "$FOO_RAW" "$PW"
check_status "sign up with spaces and capitals in the email answers 303" 303
check_eq "the email is stored trimmed and in lower case" 1 "$(user_count "$FOO_NORM")"
browser foo2
signin foo2 "$(upper "$FOO_NORM")" "$PW"
check_status "sign in with the email in other capitals answers 303" 303

# --- validation ---------------------------------------------------------------

VAL_NAME="Val O'Dation $$"
VAL_EMAIL=$(fresh_email val)
browser val
signup val "$VAL_NAME" "$VAL_EMAIL" "abcdefghijk"
check_status "an 11-character password answers 422" 422
check "the form keeps the name" has "$(input_tag name)" "value=\"Val O&#39;Dation $$\""
check "the form keeps the email" has "$(input_tag email)" "value=\"$VAL_EMAIL\""
check "the password is not echoed" lacks "$BODY" "abcdefghijk"
check "a message stands by the password field" has "$BODY" 'id="password-error"'
check "the password field is marked invalid" has "$(input_tag password)" 'aria-invalid="true"'
check "the name field is not marked invalid" lacks "$(input_tag name)" 'aria-invalid'
TOKEN=$(csrf)
post val /auth/signup "name=$VAL_NAME" "email=not-an-email" "password=$PW" "csrf_token=$TOKEN"
check_status "a malformed email answers 422" 422
check "a message stands by the email field" has "$BODY" 'id="email-error"'
post val /auth/signup "name=" "email=$VAL_EMAIL" "password=$PW" "csrf_token=$TOKEN"
check_status "an empty name answers 422" 422
check "a message stands by the name field" has "$BODY" 'id="name-error"'
post val /auth/signup "name=   " "email=$VAL_EMAIL" "password=$PW" "csrf_token=$TOKEN"
check_status "a name of spaces answers 422" 422
post val /auth/signup "name=$(printf 'n%.0s' $(seq 101))" "email=$VAL_EMAIL" "password=$PW" \
	"csrf_token=$TOKEN"
check_status "a 101-character name answers 422" 422
check "a message stands by the name field (too long)" has "$BODY" 'id="name-error"'
post val /auth/signup "name=$VAL_NAME" "email=$VAL_EMAIL" "password=$(printf 'p%.0s' $(seq 129))" \
	"csrf_token=$TOKEN"
check_status "a 129-character password answers 422" 422
check "a message stands by the password field (too long)" has "$BODY" 'id="password-error"'
check_eq "no account was written by invalid sign-ups" 0 "$(user_count "$VAL_EMAIL")"
check_eq "no session was set by invalid sign-ups" "" "$(cookie val tk_session)"

# --- duplicate email ----------------------------------------------------------

browser dup
signup dup "Someone Else" "$ANN_EMAIL" "$PW"
check_status "a taken email answers 422" 422
check "a message stands by the email field" has "$BODY" 'id="email-error"'
check "the taken-email form keeps the name" has "$(input_tag name)" 'value="Someone Else"'
post dup /auth/signup "name=Someone Else" "email=$(upper "$ANN_EMAIL")" "password=$PW" \
	"csrf_token=$(csrf)"
check_status "the taken email in capitals answers 422 too" 422
check_eq "still one row for the email" 1 "$(user_count "$ANN_EMAIL")"

# --- sign out -----------------------------------------------------------------

req ann GET /auth/account
post ann /auth/signout "csrf_token=$(csrf)"
check_status "sign out answers 303" 303
check_eq "sign out redirects to /" / "$(location)"
check_eq "the session row is revoked" 1 \
	"$(sql "SELECT COUNT(*) FROM $DB.sessions WHERE id = '$SID1' AND revoked_at IS NOT NULL")"
req ann GET /auth/account
check_status "after sign out the account page redirects" 303
check "... to the sign-in page" starts_with "$(location)" /auth/signin
check "the old session cookie replayed by hand counts as signed out" signed_out_with "$SESSION1"

# --- sign in ------------------------------------------------------------------

browser ann2
req ann2 GET /auth/signin
ANN2_PRE_TOKEN=$(csrf)
check "a visitor's form carries a token" [ -n "$ANN2_PRE_TOKEN" ]
signin ann2 "$ANN_EMAIL" "$PW"
check_status "sign in with the right password answers 303" 303
check_eq "sign in redirects to the account page" /auth/account "$(location)"
SC=$(set_cookie tk_session)
check "sign in sets tk_session HttpOnly" has_i "$(cookie_attrs "$SC")" "HttpOnly"
SESSION2=$(cookie ann2 tk_session)
SID2=$(token_sid "$SESSION2")
check "sign in gives the account a new session id" differs "$SID2" "$SID1"
req ann2 GET /auth/account
check_status "the account page answers 200 after sign in" 200

# Session rotation: a browser that signs in never keeps the session it
# came with, even one of the same account.
post ann2 /auth/signin "email=$ANN_EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "signing in again in the same browser answers 303" 303
SESSION3=$(cookie ann2 tk_session)
check "... and replaces that browser's session cookie" differs "$SESSION3" "$SESSION2"
check "... with a new session id" differs "$(token_sid "$SESSION3")" "$SID2"

browser wrong
signin wrong "$ANN_EMAIL" "not-the-password-at-all"
check_status "a wrong password answers 422" 422
check "a wrong password gives the generic message" has "$BODY" "Email or password is incorrect."
check "the email is kept" has "$(input_tag email)" "value=\"$ANN_EMAIL\""
check "no session after a failed sign in" [ -z "$(cookie wrong tk_session)" ]
post wrong /auth/signin "email=$(fresh_email nobody)" "password=$PW" "csrf_token=$(csrf)"
check_status "an unknown email answers 422" 422
check "an unknown email gives the same message" has "$BODY" "Email or password is incorrect."

# --- the next parameter -------------------------------------------------------

browser nx
req nx GET /auth/account
check_status "the account page signed out answers 303" 303
NEXT_LOC=$(location)
check "... to /auth/signin?next=<the account page>" \
	matches "$NEXT_LOC" '^/auth/signin\?next=(%2[Ff]|/)auth(%2[Ff]|/)account$'
req nx GET "$NEXT_LOC"
check_status "the sign-in page with next answers 200" 200
check "the sign-in form carries next" has "$(input_tag next)" 'value="/auth/account"'
post nx /auth/signin "email=$ANN_EMAIL" "password=$PW" "next=/auth/account" "csrf_token=$(csrf)"
check_status "sign in with next answers 303" 303
check_eq "sign in with next=/auth/account goes there" /auth/account "$(location)"
for evil in "//evil.example" "https://evil.example" "/\\evil.example" "http:/evil.example" \
	"javascript:alert(1)"; do
	browser evil
	signin evil "$ANN_EMAIL" "$PW" "$evil"
	check_eq "sign in with next=$evil goes to the account page" "303 /auth/account" \
		"$STATUS $(location)"
done

# --- CSRF -----------------------------------------------------------------------

CS_EMAIL=$(fresh_email csrf)
browser cs
req cs GET /auth/signup
CS_TOKEN=$(csrf)
post cs /auth/signup "name=No Token" "email=$CS_EMAIL" "password=$PW"
check_status "sign up without csrf_token answers 403" 403
post cs /auth/signup "name=Bad Token" "email=$CS_EMAIL" "password=$PW" \
	"csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
check_status "sign up with a wrong csrf_token answers 403" 403
post cs /auth/signup "name=Bad Token" "email=$CS_EMAIL" "password=$PW" "csrf_token=${CS_TOKEN}x"
check_status "sign up with a lengthened csrf_token answers 403" 403
browser cs2
req cs2 GET /auth/signup
post cs /auth/signup "name=Other Token" "email=$CS_EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "another visitor's csrf_token answers 403" 403
check_eq "nothing was written by refused sign-ups" 0 "$(user_count "$CS_EMAIL")"
post ann2 /auth/signout
check_status "sign out without csrf_token answers 403" 403
req ann2 GET /auth/account
check_status "... and the session still works" 200
post ann2 /auth/signout "csrf_token=$ANN2_PRE_TOKEN"
check_status "sign out with the browser's own token from before sign-in answers 403" 403
req ann2 GET /auth/account
check_status "... and the session still works after it" 200

# --- session cookie tampering ---------------------------------------------------
# A token that has expired cannot be made here without the signing key; the
# unit tests of sess_verify cover expiry. These cover what a client can do.

# flip TOKEN POS: TOKEN with the character at POS changed.
flip() {
	local c=${1:$2:1} r=A
	[ "$c" = A ] && r=B
	printf '%s%s%s' "${1:0:$2}" "$r" "${1:$(($2 + 1))}"
}
check "the untouched cookie replayed by hand is signed in" signed_in_with "$SESSION2"
check "a cookie with a changed payload character is signed out" signed_out_with "$(flip "$SESSION2" 10)"
SIG_AT=$((${#SESSION2} - 20))
check "a cookie with a changed signature character is signed out" \
	signed_out_with "$(flip "$SESSION2" "$SIG_AT")"
check "a cookie without its signature is signed out" signed_out_with "${SESSION2%%.*}"
check "a cookie with another session's signature is signed out" \
	signed_out_with "${SESSION2%%.*}.${SESSION1#*.}"
check "a garbage cookie is signed out" signed_out_with "garbage"
check "an empty cookie is signed out" signed_out_with ""

# --- escaping -------------------------------------------------------------------

browser xss
signup xss '<script>alert(1)</script>' "$(fresh_email xss)" "$PW"
check_status "sign up with markup in the name answers 303" 303
req xss GET /auth/account
check_status "its account page answers 200" 200
check "the name is shown escaped" has "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;"
check "no raw <script> tag on the page" lacks_i "$BODY" "<script"

# --- limits and unknown paths ---------------------------------------------------

browser big
head -c 102400 /dev/zero | tr '\0' 'a' | sed 's/^/name=/' >"$TK_TMP/big-body"
req big POST /auth/signup -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "@$TK_TMP/big-body"
check_status "a 100 KiB form body answers 413" 413

browser lost
req lost GET /auth/nope-$$-path
check_status "an unknown path under /auth/ answers 404" 404
check "the 404 page is HTML" has_i "$(header Content-Type)" "text/html"
check "the 404 page does not echo the path" lacks "$BODY" "nope-$$-path"
check_eq "the 404 page carries the CSP" "$CSP" "$(header Content-Security-Policy)"
req lost GET /auth/signout
check_status "GET /auth/signout answers 405" 405
check "the 405 names the allowed method" has "$(header Allow)" POST

browser home
req home GET /
check_status "GET / (the events home page) signed out answers 200" 200
req home HEAD /
check_status "HEAD / signed out answers 200" 200
check "HEAD answers without a body" [ -z "$BODY" ]

# --- change password --------------------------------------------------------------

CP_EMAIL=$(fresh_email cp)
browser cp
signup cp "Cee Pee" "$CP_EMAIL" "$PW"
check_status "sign up for the password change answers 303" 303
req cp GET /auth/account
post cp /auth/account/password "current_password=wrong-current-password" "password=$PW2" \
	"csrf_token=$(csrf)"
check_status "a wrong current password answers 422" 422
check "a message stands by the current password field" has "$BODY" 'id="current_password-error"'
req cp GET /auth/account
post cp /auth/account/password "current_password=$PW" "password=short" "csrf_token=$(csrf)"
check_status "a too short new password answers 422" 422
req cp GET /auth/account
post cp /auth/account/password "current_password=$PW" "password=$PW2" "csrf_token=$(csrf)"
check_status "changing the password answers 303" 303
check_eq "changing the password redirects to the account page" /auth/account "$(location)"
req cp GET /auth/account
check_status "the browser that changed it stays signed in" 200
browser cp2
signin cp2 "$CP_EMAIL" "$PW"
check_status "the old password no longer signs in" 422
post cp2 /auth/signin "email=$CP_EMAIL" "password=$PW2" "csrf_token=$(csrf)"
check_status "the new password signs in" 303

# --- nginx rate limit (last: it uses up this address's budget) ------------------

browser flood
req flood GET /auth/signin
FLOOD_TOKEN=$(csrf)
codes=
RA=
for i in $(seq 40); do
	post flood /auth/signin "email=$(fresh_email flood)" "password=$PW" "csrf_token=$FLOOD_TOKEN"
	codes+="$STATUS "
	if [ "$STATUS" = 429 ] && [ -z "$RA" ]; then
		RA=$(header Retry-After)
		FLOOD_CSP=$(header Content-Security-Policy)
		FLOOD_TYPE=$(header Content-Type)
	fi
done
check "40 rapid sign-in POSTs from one address meet a 429" has "$codes" 429
check "the first 20 of them are served" lacks "$(printf '%s' "$codes" | cut -d ' ' -f 1-20)" 429
check_eq "the rate-limit answer has Retry-After: 60" 60 "$RA"
check_eq "the rate-limit page carries the CSP" "$CSP" "${FLOOD_CSP:-}"
check "the rate-limit page is HTML" has_i "${FLOOD_TYPE:-}" "text/html"
req flood GET /auth/signin
check_status "GETs from that address are not limited" 200
browser calm
signin calm "$ANN_EMAIL" "$PW"
check_status "another address can still sign in" 303

finish
