#!/usr/bin/env bash
# The database goes away and comes back: while it is down, a page that
# needs it answers 503 with Retry-After (never a wrong answer), pages that
# do not need it still work, and once MariaDB is back the very next request
# succeeds without anyone restarting the service. nginx answers a dead
# service with a 503 page of its own, so every 503 here must carry the
# service's X-Served-By header, and a stopped service shows that nginx's
# page lacks it.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

PW=correct-horse-battery-1
SUPERVISOR_CONF=$TK_TEST_RUN_DIR/supervisord.conf

ctl() { supervisorctl -c "$SUPERVISOR_CONF" "$@" >/dev/null; }

mariadb_up() {
	mariadb-admin --no-defaults -u"$(id -un)" --socket="$TK_TEST_MARIADB_SOCKET" \
		status >/dev/null 2>&1
}

EMAIL=$(fresh_email outage)
browser olga
req olga GET /auth/signup
post olga /auth/signup "name=Olga Outage" "email=$EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "sign-up answers 303" 303
req olga GET /auth/account
check_status "the account page answers 200" 200

# The control: with the auth service stopped, nginx answers 503 itself.
ctl stop auth
req olga GET /auth/account
check_status "with the auth service stopped nginx answers 503" 503
check_eq "nginx's 503 does not carry X-Served-By" "" "$(header X-Served-By)"
ctl start auth
check "the auth service is back" wait_for 30 eval \
	'req olga GET /auth/account; [ "$STATUS" = 200 ]'
check_eq "the service's answers carry X-Served-By: auth" auth "$(header X-Served-By)"

ctl stop mariadb
check "MariaDB is down" wait_for 30 eval '! mariadb_up'

req olga GET /auth/account
check_status "with MariaDB down the account page answers 503" 503
check_eq "the service itself answered it" auth "$(header X-Served-By)"
check "the 503 has Retry-After" [ -n "$(header Retry-After)" ]
check "the 503 page says to try again" has "$BODY" "Try again in a moment"
req - GET /auth/signin
check_status "a page that needs no database still answers 200" 200
browser nina
req nina GET /auth/signup
post nina /auth/signup "name=Nina Nodb" "email=$(fresh_email nodb)" "password=$PW" \
	"csrf_token=$(csrf)"
check_status "a sign-up with MariaDB down answers 503" 503
check_eq "the service itself answered the sign-up" auth "$(header X-Served-By)"

ctl start mariadb
check "MariaDB is back" wait_for 60 mariadb_up

# Every request thread held a connection the restart closed: each must
# reconnect by itself, so many requests in a row all succeed.
ok=0
for _ in $(seq 1 40); do
	req olga GET /auth/account
	[ "$STATUS" = 200 ] && ok=$((ok + 1))
done
check_eq "after the restart every request succeeds" 40 "$ok"
check "the signed-in name still shows" has "$BODY" "Olga Outage"

finish
