#!/usr/bin/env bash
# A COMMIT whose reply is lost: the server committed, the service saw the
# link drop and answered 503. The browser's resubmission of the same form
# (same idempotency key) must find what the first one created instead of
# creating it again. The events service runs here (in place of the stack's
# own, on the same socket, so nginx reaches it) with the lost-commit fault
# of lib/db.c armed for its first commit (TK_FAULT_LOST_COMMITS=1), so the
# ambiguous commit happens on the first create, every time.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_events
PW=correct-horse-battery-1
TAG=run$$x$RANDOM
AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
CONF=$TK_TMP/events.conf
LOG=$TK_TEST_RUN_DIR/logs/events.log

count_events() { sql "SELECT COUNT(*) FROM $DB.events WHERE $1"; }
count_outbox() { sql "SELECT COUNT(*) FROM $DB.outbox WHERE $1"; }
day() { date -d "+$1 days" +%Y-%m-%d; }

# answers: GET / through nginx answers 200 within 3 s.
answers() {
	req - GET / --max-time 3
	[ "$STATUS" = 200 ]
}

# create KEY NAME: the event form posted by the organizer with KEY.
create() {
	post org /events/new "csrf_token=$TOKEN" "idempotency_key=$1" "venue_id=$VENUE" \
		"name=$2" "starts_at=$(day 30)T20:00" "ends_at=$(day 30)T22:00" \
		"description=Sent once, answered twice."
}

ORG=$(fresh_email org)
printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$ORG" \
	--role organizer --name "Org $TAG" >/dev/null
browser org
req org GET /auth/signin
post org /auth/signin "email=$ORG" "password=$PW" "csrf_token=$(csrf)"
check_status "the organizer signs in" 303
req org GET /venues/new
TOKEN=$(csrf)
post org /venues/new "csrf_token=$TOKEN" "idempotency_key=$(form_key)" "name=Lost Hall $TAG" \
	"city=Oslo" "address=1 Kai" "capacity=100" "timezone=Europe/Oslo"
check_status "a venue is created by the stack's own service" 303
VENUE=$(location)
VENUE=${VENUE##*#venue-}

# The stand-in: the stack's configuration, the fault armed for one commit.
cp "$TK_TEST_RUN_DIR/conf/events.conf" "$CONF"
TK_FAULT_LOST_COMMITS=1 stand_in events "$CONF"
check "the instance with the fault armed answers through nginx" wait_for 15 answers
log_from=$(($(wc -l <"$LOG") + 1))

req org GET /events/new
KEY=$(input_tag idempotency_key | sed -n 's/.*value="\([0-9a-f]*\)".*/\1/p')
check "the event form carries its idempotency key" matches "$KEY" '^[0-9a-f]{32}$'
create "$KEY" "Lost Reply $TAG"
check_status "the create whose COMMIT reply is lost answers 503" 503
check "... with Retry-After" [ -n "$(header Retry-After)" ]
check "the lost reply is logged as the injected fault" \
	eval 'tail -n "+$log_from" "$LOG" | grep -q "reply lost (injected fault)"'
check_eq "... yet the server committed the event" 1 "$(count_events "name = 'Lost Reply $TAG'")"
ID=$(sql "SELECT id FROM $DB.events WHERE name = 'Lost Reply $TAG'")

create "$KEY" "Lost Reply $TAG"
check_status "the same form sent again answers 303" 303
check_eq "... to the event the lost commit created" "/events/$ID" "$(location)"
check_eq "... which exists once" 1 "$(count_events "name = 'Lost Reply $TAG'")"
check_eq "... with one event.created" 1 \
	"$(count_outbox "subject = 'ticketing.event.created' AND payload LIKE '%$ID%'")"
req org GET "/events/$ID"
check_status "... and its page answers 200" 200

create "$(form_key)" "After The Fault $TAG"
check_status "the fault is spent: the next create answers 303 at once" 303
check_eq "... and writes its event" 1 "$(count_events "name = 'After The Fault $TAG'")"

stand_in_end
check "the stack's events service is back" wait_for 15 answers
finish
