#!/usr/bin/env bash
# Events across versions (lib/event.h "Compatibility", docs/DECISIONS.md
# "Event schema versions"): during a rolling upgrade a worker may read
# events of the version after its own.
#   - An event with members this version does not know, in the envelope
#     and in data, at schema version 1, is applied (the members ignored).
#   - An event at a schema version above the worker's is held: neither
#     applied nor dead-lettered, delivered again and again, with one log
#     line that says the worker needs the upgrade.
# The test plays the auth service: it publishes account_token.issued events
# (the notifications worker is their one consumer) with ticketingctl
# publish and deletes them from the stream again. The checker runs at the
# end.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_notify
CONSUMER=notify-account-tokens
LOG=$TK_TEST_RUN_DIR/logs/notify-notify-output.log
processed() { sql "SELECT COUNT(*) FROM $DB.processed_events WHERE event_id = '$1'"; }
dead() { sql "SELECT COUNT(*) FROM $DB.dead_letters WHERE payload LIKE '%$1%'"; }
mails() { sql "SELECT COUNT(*) FROM $DB.mails WHERE event_id = '$1'"; }

# variant SCHEMA EVENT_ID: a verification token's account_token.issued
# under EVENT_ID at schema version SCHEMA, with a member a later version
# might add to the envelope and one to data (event_id stays first, as
# play_event reads it).
variant() {
	local env
	env=$(token_event verify_email "$(fresh_email skew)" "Skew" "$(new_token)" "$2") || return 1
	python3 -c '
import json, sys
e = json.loads(sys.argv[1])
e["schema_version"] = int(sys.argv[2])
e["trace_id"] = "later-envelope-member"
e["data"]["locale"] = "later data member"
print(json.dumps(e, separators=(",", ":")))' "$env" "$1"
}

# --- members this version does not know -------------------------------------
LATER=$(uuid)
ENV=$(variant 1 "$LATER")
check "an event with members this version does not know is applied" \
	play_event "$DB" "$CONSUMER" "$ENV"
check "... published once" [ "$PLAYED" = published ]
check_eq "... recorded once in processed_events" 1 "$(processed "$LATER")"
check_eq "... not dead-lettered" 0 "$(dead "$LATER")"
check_eq "... its mail is written" 1 "$(mails "$LATER")"

# --- a schema version above the worker's --------------------------------------
NEWER=$(uuid)
before=$(wc -l <"$LOG")
out=$(variant 2 "$NEWER" | "$CTL" --config "$ADMIN_CONF" publish)
check "an event at schema version 2 is published" has "$out" published
held_line() { tail -n +$((before + 1)) "$LOG" | grep -F "event $NEWER has schema version 2"; }
check "the worker says it holds it until it is upgraded" wait_for 20 held_line
held_line | sed 's/^/   /'
check "... naming the version it reads" has "$(held_line)" "reads up to 1: held until it is upgraded"
SEQ=$(held_line | sed -n 's/.*: seq \([0-9]*\): event.*/\1/p' | head -n 1)
# Delivered again and again (the backoff starts at 250 ms), never applied.
sleep 3
check_eq "... it is not applied" 0 "$(processed "$NEWER")"
check_eq "... nor dead-lettered" 0 "$(dead "$NEWER")"
pending=$("$CTL" --config "$ADMIN_CONF" stream-status | grep -F "consumer $CONSUMER:")
echo "   $pending"
check "... and still waiting for its ack at the consumer" has "$pending" ", 1 unacknowledged,"
check_eq "... and no mail is written" 0 "$(mails "$NEWER")"
check_eq "the log says it once, not at every delivery" 1 "$(held_line | wc -l)"

# The test's events leave the stream again (the checker flags a message in
# no outbox).
check "the held event's stream sequence is known" matches "$SEQ" '^[0-9]+$'
"$CTL" --config "$ADMIN_CONF" delete-stream-message "$SEQ" >/dev/null
check "the checker passes" checker

finish
