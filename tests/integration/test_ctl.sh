#!/usr/bin/env bash
# ticketingctl create-user runs the auth service's own store and input
# checks: it refuses what the sign-up form refuses (an address without a
# domain dot such as admin@localhost could never sign in), normalises the
# address the same way, and an account it makes signs in through the web
# form. nats_url may name several servers (a cluster's), as every
# program's connection reads it.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
PW=correct-horse-battery-1
DB=ticketing_auth

# create_user EMAIL NAME ROLE [ARGS...]: run create-user with $PW on
# standard input; sets CTL_STATUS and CTL_ERR (its standard error).
create_user() {
	local email=$1 name=$2 role=$3
	shift 3
	CTL_STATUS=0
	printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$email" \
		--name "$name" --role "$role" "$@" >/dev/null 2>"$TK_TMP/ctl.err" || CTL_STATUS=$?
	CTL_ERR=$(cat "$TK_TMP/ctl.err")
}
accounts_of() { sql "SELECT COUNT(*) FROM $DB.users WHERE email = $(sql_quote "$1")"; }
name_of() { sql "SELECT name FROM $DB.users WHERE email = $(sql_quote "$1")"; }

create_user admin@localhost "Local Admin" admin
check_eq "create-user refuses admin@localhost (usage error)" 2 "$CTL_STATUS"
check "with the sign-up form's message" has "$CTL_ERR" "Enter an email address like name@example.com."
check_eq "and no account is made" 0 "$(accounts_of admin@localhost)"

BAD_NAME=$(printf 'Tab\001Name')
create_user "$(fresh_email ctl)" "$BAD_NAME" member
check_eq "create-user refuses a name with a control character" 2 "$CTL_STATUS"
create_user "$(fresh_email ctl)" "   " member
check_eq "create-user refuses an empty name" 2 "$CTL_STATUS"
create_user "$(fresh_email ctl)" "Some One" root
check_eq "create-user refuses an unknown role" 2 "$CTL_STATUS"

EMAIL=$(fresh_email ctl)
create_user "  $(upper "$EMAIL") " "  Cleo Ctl  " organizer
check_eq "create-user makes an organizer" 0 "$CTL_STATUS"
check_eq "the address is stored as the form stores it (trimmed, lower case)" \
	1 "$(accounts_of "$EMAIL")"
check_eq "the name is trimmed" "Cleo Ctl" "$(name_of "$EMAIL")"
check "user.created is in the outbox" same "$(sql "SELECT COUNT(*) FROM $DB.outbox
	WHERE subject = 'ticketing.user.created' AND payload LIKE
	$(sql_quote "%$(sql "SELECT id FROM $DB.users WHERE email = $(sql_quote "$EMAIL")")%")")" 1

create_user "$EMAIL" "Cleo Again" member
check_eq "a second account with the address fails" 1 "$CTL_STATUS"
create_user "$EMAIL" "Cleo Again" member --if-missing
check_eq "unless --if-missing" 0 "$CTL_STATUS"
check_eq "which leaves the account as it was" "Cleo Ctl" "$(name_of "$EMAIL")"

# publish: an envelope goes out as the relay sends it, so the copy the
# relay already published is recognised as one, and bytes that are not an
# envelope are refused with the decoder's reason.
ENVELOPE=$(sql "SELECT payload FROM $DB.outbox WHERE subject = 'ticketing.user.created'
	ORDER BY id DESC LIMIT 1")
wait_for 10 quiet || true
OUT=$(printf '%s' "$ENVELOPE" | "$CTL" --config "$ADMIN_CONF" publish 2>&1)
check_eq "publish of an envelope the relay sent exits 0" 0 "$?"
check "and is dropped by the stream as a duplicate" has "$OUT" "duplicate ticketing.user.created"
OUT=$(printf '{"event_id":"x"}' | "$CTL" --config "$ADMIN_CONF" publish 2>&1)
check_eq "publish refuses what is not an envelope" 1 "$?"
check "saying why" has "$OUT" "not an event envelope"

browser cleo
req cleo GET /auth/signin
post cleo /auth/signin "email=$EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "the account signs in through the web form" 303
req cleo GET /auth/account
check_status "and sees its account page" 200
check "as the organizer it was made" has "$BODY" "organizer"

# nats_url names a cluster's servers separated by commas (lib/mq.c
# set_servers): with a server that is down first, the one that is up
# serves; the down one alone does not.
NATS_URL=$(sed -n 's/^nats_url = //p' "$ADMIN_CONF")
status_via() { TICKETING_NATS_URL=$1 timeout 30 "$CTL" --config "$ADMIN_CONF" stream-status >/dev/null; }
check "stream-status through 'a server that is down, $NATS_URL'" \
	status_via "nats://127.0.0.1:1, $NATS_URL"
refused_via() { ! status_via "$1" 2>/dev/null; }
check "... and not through the server that is down alone" refused_via nats://127.0.0.1:1

finish
