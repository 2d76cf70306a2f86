#!/usr/bin/env bash
# Every page the auth service renders, in each of its states, is valid
# HTML5 (tidy), readable in a text browser (lynx), has a lang attribute, a
# distinct title, labelled fields, and carries no script.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

PW=correct-horse-battery-1

# page_checks WHAT TITLE: the common checks on the last body.
page_checks() {
	check "$1 is valid HTML" valid_html
	check "$1 has lang=en" has "$BODY" '<html lang="en">'
	check "$1 has its own title" has "$BODY" "<title>$2 · Ticketing</title>"
	check "$1 has no script" lacks_i "$BODY" "<script"
	check "$1 reads in lynx" readable_text "$2"
}

# labelled FIELD: the last body has a <label for=FIELD> and an input id=FIELD.
labelled() {
	has "$BODY" "<label for=\"$1\"" && has "$(input_tag "$1")" "id=\"$1\""
}

browser pat
req pat GET /auth/signup
page_checks "the sign-up page" "Create your account"
for f in name email password; do
	check "sign-up field $f is labelled" labelled "$f"
done

post pat /auth/signup "name=" "email=not-an-email" "password=short" "csrf_token=$(csrf)"
check_status "an invalid sign-up answers 422" 422
page_checks "the sign-up page with errors" "Create your account"
check "the errors are tied to the email field" \
	has "$(input_tag email)" 'aria-describedby="email-error"'

req pat GET /auth/signin
page_checks "the sign-in page" "Sign in"
for f in email password; do
	check "sign-in field $f is labelled" labelled "$f"
done

EMAIL=$(fresh_email pages)
req pat GET /auth/signup
post pat /auth/signup "name=Pat Pages" "email=$EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "sign-up answers 303" 303
req pat GET /auth/account
check_status "the account page answers 200" 200
page_checks "the account page" "Your account"
check "the account page shows the welcome message" has "$BODY" "Welcome! Your account is ready."
for f in current_password password; do
	check "password field $f is labelled" labelled "$f"
done
req pat GET /auth/account
check "the welcome message shows once" lacks "$BODY" "Welcome! Your account is ready."

# not_stored: the last response may not be kept by any cache (it carries
# the member's name and the CSRF token of their sign-out form).
not_stored() {
	local cc
	cc=$(header Cache-Control)
	has "$cc" "no-store" && has "$cc" "private"
}

req pat GET /auth/no-such-page
check_status "an unknown page answers 404" 404
page_checks "the 404 page" "Page not found"
check "the 404 page is not stored by caches" not_stored
check "... and it shows the member's name" has "$BODY" "Signed in as Pat Pages"
req pat GET /auth/signout
check_status "GET on a POST-only page answers 405" 405
page_checks "the 405 page" "Method not allowed"
check "the 405 page is not stored by caches" not_stored
post pat /auth/signout "csrf_token=wrong"
check_status "a wrong CSRF token answers 403" 403
page_checks "the 403 page" "Forbidden"
check "the 403 page is not stored by caches" not_stored

# The same for the events service's error pages, signed in.
req pat GET /events/01890000-0000-7000-8000-000000000000
check_status "an unknown event answers 404" 404
check "the events 404 page is not stored by caches" not_stored
check "... and it shows the member's name" has "$BODY" "Signed in as Pat Pages"
req pat GET /venues/new
check_status "a member asking for the venue form gets 403" 403
check "the events 403 page is not stored by caches" not_stored
req pat GET "/?page=abc"
check_status "a malformed page number answers 400" 400
check "the 400 page is not stored by caches" not_stored
req pat GET /
check "an ordinary page is not stored by caches either" not_stored

# Flash messages: the cookie holds a code; the text comes from the
# templates, so a flash set by auth (sign-out redirects to /) shows on a
# page of the events service. Anything but a code shows nothing.
req pat GET /auth/account
post pat /auth/signout "csrf_token=$(csrf)"
check_status "signing out answers 303" 303
req pat GET /
check "the events home page shows auth's sign-out message" has "$BODY" "You are signed out."
check "and clears the flash cookie" has "$(set_cookie tk_flash)" "Max-Age=0"
req - GET / -H 'Cookie: tk_flash=%3Cb%3Ehi%3C%2Fb%3E'
check "a flash cookie that is not a code shows no message" lacks "$BODY" 'class="flash"'
check "nor any of its text" lacks "$BODY" "hi</b>"
req - GET / -H 'Cookie: tk_flash=SIGNED_OUT'
check "an upper-case code shows no message" lacks "$BODY" 'class="flash"'

req - GET /static/style.css
check_status "the stylesheet is served" 200
check "the stylesheet is CSS" has_i "$(header Content-Type)" "text/css"

finish
