#!/usr/bin/env bash
# End to end over real TLS: the stack's nginx also listens with https on
# PORT+4 (a self-signed certificate scripts/dev makes in the run folder),
# in the same server as the plain listener, and passes $https to the
# services as the HTTPS FastCGI parameter. Over https the session and
# visitor cookies are named __Host-... with Secure and Path=/ and no
# Domain, and every service answer carries Strict-Transport-Security; over
# http (base_url stays http) the plain names, no Secure, no HSTS, whatever
# headers the browser sends to pretend otherwise.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

PW=correct-horse-battery-1
AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
HSTS="max-age=63072000; includeSubDomains"
TLS_PORT=$(sed -n 's/^TLS_PORT=//p' "$TK_TEST_RUN_DIR/stack.env")
if [ -z "$TLS_PORT" ]; then
	echo "the stack has no https listener (TLS_PORT in stack.env)"
	exit 99
fi
TLS=https://127.0.0.1:$TLS_PORT

# treq NAME METHOD PATH [ARGS...]: req over https (the certificate is
# self-signed: -k). tpost NAME PATH FIELD=VALUE...: post over https.
treq() { BASE=$TLS req "$@" -k; }
tpost() {
	local name=$1 path=$2 f data=()
	shift 2
	for f in "$@"; do data+=(--data-urlencode "$f"); done
	treq "$name" POST "$path" "${data[@]}"
}
# attrs COOKIE: the attributes of the Set-Cookie line for COOKIE, each on
# a line, lower-cased names (value dropped).
attrs() { set_cookie "$1" | tr ';' '\n' | tail -n +2 | sed 's/^ *//' | tr '[:upper:]' '[:lower:]'; }
has_attr() { attrs "$1" | grep -qx -- "$2"; }
no_attr() { ! attrs "$1" | grep -qi -- "^$2"; }

EMAIL=$(fresh_email tls)
printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$EMAIL" \
	--role member --name "Tls Member" >/dev/null

# --- https -------------------------------------------------------------------
browser tls
treq tls GET /auth/signin
check_status "the sign-in form answers 200 over https" 200
check "... from a real TLS listener (plain HTTP to it is refused)" \
	eval '[ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$TLS_PORT/")" = 400 ]'
check_eq "... with HSTS" "$HSTS" "$(header Strict-Transport-Security)"
check "... and the visitor cookie named __Host-tk_visitor" [ -n "$(set_cookie __Host-tk_visitor)" ]
check "... Secure" has_attr __Host-tk_visitor secure
check "... Path=/" has_attr __Host-tk_visitor path=/
check "... without Domain" no_attr __Host-tk_visitor domain
check "... and no cookie of the plain name" [ -z "$(set_cookie tk_visitor)" ]
tpost tls /auth/signin "email=$EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "signing in over https answers 303" 303
check "... setting __Host-tk_session" [ -n "$(set_cookie __Host-tk_session)" ]
check "... Secure" has_attr __Host-tk_session secure
check "... Path=/" has_attr __Host-tk_session path=/
check "... HttpOnly" has_attr __Host-tk_session httponly
check "... without Domain" no_attr __Host-tk_session domain
check "... and no tk_session" [ -z "$(set_cookie tk_session)" ]
check_eq "... with HSTS" "$HSTS" "$(header Strict-Transport-Security)"
treq tls GET /auth/account
check_status "the account page over https answers 200 with that session" 200
check "... showing the member" has "$BODY" "Tls Member"
treq tls GET /
check_status "the events home page over https answers 200" 200
check_eq "... with HSTS too" "$HSTS" "$(header Strict-Transport-Security)"
check "... and shows the member signed in" has "$BODY" "Tls Member"

# --- http ----------------------------------------------------------------------
browser plain
req plain GET /auth/signin
check_status "the sign-in form answers 200 over http" 200
check "... without HSTS" [ -z "$(header Strict-Transport-Security)" ]
check "... the visitor cookie named tk_visitor" [ -n "$(set_cookie tk_visitor)" ]
check "... not Secure" no_attr tk_visitor secure
check "... and no __Host- cookie" [ -z "$(set_cookie __Host-tk_visitor)" ]
post plain /auth/signin "email=$EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "signing in over http answers 303" 303
check "... setting tk_session" [ -n "$(set_cookie tk_session)" ]
check "... not Secure" no_attr tk_session secure
check "... and no __Host-tk_session" [ -z "$(set_cookie __Host-tk_session)" ]
check "... without HSTS" [ -z "$(header Strict-Transport-Security)" ]
browser forger
req forger GET /auth/signin -H 'X-Forwarded-Proto: https' -H 'Https: on' \
	-H 'X-Forwarded-Ssl: on'
check "headers claiming https over http change nothing: no HSTS" \
	[ -z "$(header Strict-Transport-Security)" ]
check "... and the plain cookie name" [ -n "$(set_cookie tk_visitor)" ]
finish
