#!/usr/bin/env bash
# No event is lost, whatever the outage (docs/DECISIONS.md, "No event is
# lost"):
# (a) every consumer redelivers without a limit;
# (c) MariaDB read-only while the replicator applies: the events are
#     refused, retried and not dead-lettered, and applied once writes are
#     allowed again;
# (b) the stream at its byte limit while the consumers are stopped: the
#     relay's publishes are refused (nothing old is dropped), the events
#     wait in the outbox, the checker raises its alarm, prune-stream
#     removes only what every consumer acknowledged, and everything
#     arrives once the consumers catch up.
# (d) an apply that hits a unique key of its own: a dead letter, not an
#     ack as if the event had been processed before.
# Each phase checks that its fault really happened, and ends with the
# consistency checker.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

RUN=$TK_TEST_RUN_DIR
CONF=$ADMIN_CONF
AUTH=ticketing_auth
EV=ticketing_events

unsent() { sql "SELECT COUNT(*) FROM $AUTH.outbox WHERE sent_at IS NULL"; }
dead_letters() { sql "SELECT COUNT(*) FROM $EV.dead_letters"; }
replica_name() { sql "SELECT name FROM $EV.users_replica WHERE id = $(sql_quote "$1")"; }
last_user() { sql "SELECT id FROM $AUTH.users ORDER BY created_at DESC, id DESC LIMIT 1"; }
read_only() { sql "SELECT @@global.read_only"; }

# status: ticketingctl stream-status into $TK_TMP/status.
status() { "$CTL" --config "$CONF" stream-status >"$TK_TMP/status"; }
# stream_field N: the Nth number of the stream's status line (1 messages,
# 2 bytes, 3 limit, 4 first sequence, 5 last sequence).
stream_field() {
	status
	grep '^stream ' "$TK_TMP/status" | grep -oE '[0-9]+' | sed -n "${1}p"
}
# consumer_field DURABLE N: the Nth number of its line (1 acknowledged
# floor, 2 pending, 3 unacknowledged).
consumer_field() {
	status
	grep "^consumer $1:" "$TK_TMP/status" | grep -oE ' [0-9-]+' | tr -d ' ' | sed -n "$2p"
}

# --- (a) no delivery limit ---------------------------------------------------

status
cat "$TK_TMP/status"
check "(a) the status lists every consumer" [ "$(grep -c '^consumer ' "$TK_TMP/status")" -ge 2 ]
check_eq "(a) no consumer has a delivery limit" 0 \
	"$(grep '^consumer ' "$TK_TMP/status" | grep -vc 'max deliveries -1$')"

# --- (c) MariaDB read-only while the replicator applies ----------------------

LOG=$RUN/logs/replicator-events-output.log
ctl stop replicator-events >/dev/null
for i in 1 2 3; do signup_quick "ro$i"; done
RO_USER=$(last_user)
check "(c) the sign-ups reached the stream" wait_for 10 eval '[ "$(unsent)" = 0 ]'
SKIP=$(wc -l <"$LOG")
sql "SET GLOBAL read_only = 1"
check_eq "(c) MariaDB is read-only" 1 "$(read_only)"
ctl start replicator-events >/dev/null
check "(c) the server refused the replicator's writes (1290)" wait_for 10 eval \
	'tail -n +$((SKIP + 1)) "$LOG" | grep -q "1290"'
sleep 3 # several redeliveries at growing delays
check "(c) the events were retried" eval 'tail -n +$((SKIP + 1)) "$LOG" | grep -q "retrying later"'
check "(c) as transient, not as dead letters" eval \
	'! tail -n +$((SKIP + 1)) "$LOG" | grep -q "dead letter"'
check_eq "(c) MariaDB was read-only all along" 1 "$(read_only)"
check_eq "(c) nothing was applied meanwhile" "" "$(replica_name "$RO_USER")"
check_eq "(c) no dead letter" 0 "$(dead_letters)"
check "(c) the consumer holds them unacknowledged" [ "$(consumer_field events-users 3)" -gt 0 ]
sql "SET GLOBAL read_only = 0"
check "(c) applied once writes are allowed again" wait_for 15 eval \
	'[ -n "$(replica_name "$RO_USER")" ]'
check_eq "(c) still no dead letter" 0 "$(dead_letters)"
check "(c) checker: every event applied once" checker

# --- (b) the stream at its limit with the consumers stopped -----------------

RELAY_LOG=$RUN/logs/relay-auth-output.log
ctl stop replicator-events >/dev/null
BYTES=$(stream_field 2)
MSGS=$(stream_field 1)
check "(b) the stream holds the earlier tests' events" [ "$BYTES" -gt 1000 ]
"$CTL" --config "$CONF" setup-backbone --max-bytes $((BYTES / 2)) >"$TK_TMP/setup.out" 2>&1
check_eq "(b) a limit below what the stream holds is refused" 1 $?
check_eq "(b) and no message was dropped" "$MSGS" "$(stream_field 1)"
LIMIT=$((BYTES + 4000))
check "(b) the stream's limit is set just above its size" \
	"$CTL" --config "$CONF" setup-backbone --max-bytes "$LIMIT"
check_eq "(b) the stream has that limit" "$LIMIT" "$(stream_field 3)"
SKIP=$(wc -l <"$RELAY_LOG")
fails=0
for i in $(seq 1 20); do
	signup_quick "full$i"
	[ "$STATUS" = 303 ] || fails=$((fails + 1))
done
check_eq "(b) every sign-up succeeded" 0 "$fails"
check "(b) the stream refused the relay's publishes" wait_for 10 eval \
	'tail -n +$((SKIP + 1)) "$RELAY_LOG" | grep -q "stream full"'
check "(b) the refused events wait in the outbox" [ "$(unsent)" -gt 0 ]
check "(b) the stream stays within its limit" [ "$(stream_field 2)" -le "$LIMIT" ]
check "(b) the stopped consumers have a backlog" [ "$(consumer_field events-users 2)" -gt 0 ]
"$CTL" check --config-dir "$RUN/conf" >"$TK_TMP/check.out" 2>&1
check_eq "(b) checker: a nearly full stream is a violation" 1 $?
check "(b) checker: it says what to do" grep -q "run ticketingctl prune-stream" "$TK_TMP/check.out"

# Pruning now removes only what both consumers acknowledged: the stream
# then starts right after the lower of their floors. (The relay waits
# meanwhile, so the count is not muddled by its publishes into the room.)
ctl stop relay-auth >/dev/null
FLOOR=$(consumer_field events-users 1)
F2=$(consumer_field events-sessions 1)
[ "$F2" -lt "$FLOOR" ] && FLOOR=$F2
LAST=$(stream_field 5)
check "(b) prune-stream runs" "$CTL" --config "$CONF" prune-stream
check_eq "(b) it kept every unacknowledged message" $((FLOOR + 1)) "$(stream_field 4)"
check_eq "(b) and removed every acknowledged one" $((LAST - FLOOR)) "$(stream_field 1)"
ctl start relay-auth >/dev/null

# The consumers catch up; pruning as they go makes room for the outbox.
ctl start replicator-events >/dev/null
for i in $(seq 1 60); do
	"$CTL" --config "$CONF" prune-stream >/dev/null
	[ "$(unsent)" = 0 ] && break
	sleep 0.5
done
check_eq "(b) the outbox drained as room was made" 0 "$(unsent)"
check "(b) the default limit again" "$CTL" --config "$CONF" setup-backbone
check "(b) checker: every event arrived once" checker
check_eq "(b) no dead letter" 0 "$(dead_letters)"

# --- (d) an apply's own duplicate key is not "processed already" ---------

# A unique key the apply does not expect: a trigger copies each new
# replica row's name into a table keyed by name, so a second account with
# the same name makes the apply's upsert fail with a duplicate key
# (TK_EEXIST): a dead letter with its reason, never an ack as if the event
# had been handled before.
TWIN="twin$$x$RANDOM"
sql "CREATE TABLE $EV.tktest_twins (name VARCHAR(100) PRIMARY KEY) COMMENT 'test only';
	CREATE TRIGGER $EV.tktest_twin BEFORE INSERT ON $EV.users_replica FOR EACH ROW
	INSERT INTO $EV.tktest_twins VALUES (NEW.name)"
for t in 1 2; do
	browser "tw$t"
	req "tw$t" GET /auth/signup
	post "tw$t" /auth/signup "name=$TWIN" "email=$(fresh_email "tw$t")" \
		"password=correct-horse-battery-1" "csrf_token=$(csrf)"
	check_status "(d) twin $t signed up" 303
	# one at a time, so the first is applied before the second comes
	wait_for 10 eval '[ "$(sql "SELECT COUNT(*) FROM $EV.processed_events p
		JOIN $AUTH.users u ON p.aggregate_id = u.id WHERE u.name = \"$TWIN\"")" -ge 1 ]'
done
twin_letters() { sql "SELECT COUNT(*) FROM $EV.dead_letters WHERE payload LIKE '%$TWIN%'"; }
check "(d) the second twin's event is a dead letter" wait_for 10 eval '[ "$(twin_letters)" = 1 ]'
check_eq "(d) with the apply's reason" "already exists" \
	"$(sql "SELECT reason FROM $EV.dead_letters WHERE payload LIKE '%$TWIN%'")"
check_eq "(d) only the applied twin is recorded as processed" 1 \
	"$(sql "SELECT COUNT(*) FROM $EV.processed_events p JOIN $AUTH.users u
		ON p.aggregate_id = u.id WHERE u.name = '$TWIN'")"
check_eq "(d) the second twin has no replica row" 1 \
	"$(sql "SELECT COUNT(*) FROM $EV.users_replica WHERE name = '$TWIN'")"
# The operator's repair: remove the cause, clear the letter, replay (the
# twins' events are still in the stream; older ones were pruned above and
# keep their records).
sql "DROP TRIGGER $EV.tktest_twin; DROP TABLE $EV.tktest_twins;
	DELETE FROM $EV.dead_letters WHERE payload LIKE '%$TWIN%'"
ctl stop replicator-events >/dev/null
check "(d) replay after the repair" "$CTL" --config "$ADMIN_CONF" replay events
ctl start replicator-events >/dev/null
check "(d) checker: both twins replicated after the replay" checker

finish
