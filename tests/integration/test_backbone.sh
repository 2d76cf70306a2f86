#!/usr/bin/env bash
# The event backbone end to end: sign-ups and sign-outs at auth become
# outbox rows, the relay publishes them to JetStream, the replicator applies
# them to the events service's database (users_replica, session_revocations),
# and a signed-out cookie is refused by the events service within a second.
# Then the faults: (a) kill -9 the relay again and again during a loop of
# sign-ups; (b) stop nats-server for several seconds while sign-ups go on;
# (c) kill -9 the replicator mid-batch, right after an apply and before its
# ack (--kill-after-apply); (d) stop MariaDB under the replicator. Each
# phase asserts that its fault took effect (a new process id, NATS or
# MariaDB really away, a backlog waiting when the consumer came back) and
# counts every event: successful sign-ups (303) = new users = outbox rows
# = stream messages = processed_events records = replica rows =
# applications (applied_versions), where each sign-up writes two outbox rows
# and stream messages (user.created and its verification link's
# account_token.issued). After each, `ticketingctl check` must
# find no violation: every outbox row sent, every replica equal to its
# source by version, no event applied twice.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

PW=correct-horse-battery-1
RUN=$TK_TEST_RUN_DIR
BUILD=${TK_BUILDDIR:-$(dirname "$0")/../..}
RELAY=$BUILD/workers/relay/ticketing-relay
REPLICATOR=$BUILD/workers/replicator/ticketing-replicator
AUTH=ticketing_auth
EV=ticketing_events
# The events of one sign-up: user.created and account_token.issued (the
# verification link, in the same transaction).
PER=2

replica_name() { sql "SELECT name FROM $EV.users_replica WHERE id = $(sql_quote "$1")"; }
revoked_in_events() {
	[ "$(sql "SELECT COUNT(*) FROM $EV.session_revocations WHERE session_id = $(sql_quote "$1")")" = 1 ]
}
unsent() { sql "SELECT COUNT(*) FROM $AUTH.outbox WHERE sent_at IS NULL"; }
# most_applies: the highest number of applications of one aggregate
# version by one consumer (applied_versions, kept by the worker shell).
most_applies() { sql "SELECT COALESCE(MAX(applies), 0) FROM $EV.applied_versions"; }

# stream_status: `ticketingctl stream-status`.
stream_status() { "$CTL" --config "$ADMIN_CONF" stream-status; }
# stream_last_seq: the stream's last sequence: messages ever stored (a
# repeat JetStream dropped as a duplicate does not count).
stream_last_seq() { stream_status | sed -n 's/^stream .*sequences [0-9]*\.\.\([0-9]*\),.*/\1/p'; }
# consumer_backlog DURABLE: its messages pending plus unacknowledged.
consumer_backlog() {
	stream_status | sed -n "s/^consumer $1: .*, \([0-9]*\) pending, \([0-9]*\) unacknowledged.*/\1 \2/p" |
		{
			read -r p u
			echo $((p + u))
		}
}

# counts: users at auth, auth outbox rows, stream messages, events-users
# processed records, replica rows, applications (sum of applies).
counts() {
	echo "$(sql "SELECT COUNT(*) FROM $AUTH.users") $(sql "SELECT COUNT(*) FROM $AUTH.outbox")" \
		"$(stream_last_seq)" \
		"$(sql "SELECT COUNT(*) FROM $EV.processed_events WHERE consumer = 'events-users'")" \
		"$(sql "SELECT COUNT(*) FROM $EV.users_replica")" \
		"$(sql "SELECT COALESCE(SUM(applies), 0) FROM $EV.applied_versions
			WHERE consumer = 'events-users'")"
}

# nth N WORDS: the Nth word of WORDS, from 0.
nth() {
	local -a w
	read -ra w <<<"$2"
	echo "${w[$1]}"
}

# check_counts PHASE OK BEFORE: once the system is quiet (the checker
# passed), the phase's OK successful sign-ups (303s) made exactly OK more
# users, outbox rows, stream messages, processed records, replica rows and
# applications than the counts BEFORE.
check_counts() {
	local -a b a
	read -ra b <<<"$3"
	read -ra a <<<"$(counts)"
	check_eq "$1 303s = users = outbox rows/$PER = stream messages/$PER = processed = replica rows = applications" \
		"$2 $2 $((PER * $2)) $((PER * $2)) $2 $2 $2" \
		"$2 $((a[0] - b[0])) $((a[1] - b[1])) $((a[2] - b[2])) $((a[3] - b[3])) $((a[4] - b[4])) $((a[5] - b[5]))"
}

# signups PREFIX FROM TO: sign-ups PREFIXFROM..PREFIXTO; OK gets the
# number that answered 303 added.
OK=0
signups() {
	local i
	for i in $(seq "$2" "$3"); do
		signup_quick "$1$i"
		[ "$STATUS" = 303 ] && OK=$((OK + 1))
	done
}

# --- the happy path -------------------------------------------------------

browser rita
EMAIL=$(fresh_email rita)
req rita GET /auth/signup
post rita /auth/signup "name=Rita Replica" "email=$EMAIL" "password=$PW" "csrf_token=$(csrf)"
check_status "sign-up answers 303" 303
UID_RITA=$(sql "SELECT id FROM $AUTH.users WHERE email = $(sql_quote "$EMAIL")")
check "sign-up wrote one user.created outbox row" [ "$(sql "SELECT COUNT(*) FROM $AUTH.outbox
	WHERE subject = 'ticketing.user.created' AND payload LIKE '%$UID_RITA%'")" = 1 ]
check "user.created carries the address (the Mail contract)" [ "$(sql "SELECT COUNT(*)
	FROM $AUTH.outbox WHERE subject = 'ticketing.user.created'
	AND payload LIKE $(sql_quote "%$EMAIL%")")" = 1 ]
check "the events replica keeps no address" [ "$(sql "SELECT COUNT(*)
	FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$EV'
	AND TABLE_NAME = 'users_replica' AND COLUMN_NAME LIKE '%email%'")" = 0 ]
check "the user reaches the events replica" wait_for 30 eval '[ -n "$(replica_name "$UID_RITA")" ]'
check_eq "the replica holds the display name" "Rita Replica" "$(replica_name "$UID_RITA")"

COOKIE=$(cookie rita tk_session)
SID=$(token_sid "$COOKIE")
req - GET / -H "Cookie: tk_session=$COOKIE"
check "before sign-out the events service shows the session as signed in" \
	has "$BODY" "Signed in as Rita Replica"
req rita GET /
post rita /auth/signout "csrf_token=$(csrf)"
check_status "sign-out answers 303" 303
# How fast events cross the backbone is measured by bench/propagation.sh
# (the same relay, stream and replicator); here the revocation must
# arrive and be what auth revoked; the figure below is printed, not
# asserted, so a loaded machine (the sanitizer run) cannot fail it.
T0=$(date +%s%N)
check "the revocation reaches the events database" wait_for 30 revoked_in_events "$SID"
T1=$(date +%s%N)
echo "# revocation propagated in $(((T1 - T0) / 1000000)) ms (polled every 100 ms)"
check_eq "... as the revocation of Rita's session" "$UID_RITA" \
	"$(sql "SELECT user_id FROM $EV.session_revocations WHERE session_id = $(sql_quote "$SID")")"
# signed_out_at_events: the events home page answers the old cookie as
# a visitor's (the service's revocation mirror reads new rows every
# 100 ms: lib/revoke.h).
signed_out_at_events() {
	req - GET / -H "Cookie: tk_session=$COOKIE"
	[ "$STATUS" = 200 ] && lacks "$BODY" "Signed in as"
}
check "after sign-out the events service treats the old cookie as signed out" \
	wait_for 2 signed_out_at_events

check "checker: no violation after the happy path" checker

# --- (a) kill -9 the relay during a loop of sign-ups ----------------------

BEFORE=$(counts)
OK=0
kills=0
for i in $(seq 1 20); do
	signups ka "$i" "$i"
	if [ $((i % 2)) = 0 ]; then
		kill9 relay-auth && kills=$((kills + 1))
	fi
done
check_eq "(a) every sign-up succeeded while the relay was killed" 20 "$OK"
check_eq "(a) each of the 10 kills ended a relay and a new one took over" 10 "$kills"
check "(a) the relay runs again" wait_for 10 running relay-auth
check "(a) checker: every event delivered exactly once" checker
check_counts "(a)" "$OK" "$BEFORE"

# The worst moment, every time: relays that die right after a PubAck and
# before marking the row sent. A relay publishes its whole batch at once
# and marks it in one transaction, so run k publishes (again) all the rows
# and dies at the kth PubAck it looks at, before its commit, having
# reported the repeats among the first k: none in run 1, which published
# them first, all k in each later run. JetStream must drop every repeat.
# Then the supervised relay republishes them all once more and marks them.
BEFORE=$(counts)
OK=0
ctl stop relay-auth >/dev/null
check "(a) the supervised relay is stopped" eval '! running relay-auth'
signups kx 1 5
BACKLOG=$(unsent)
check_eq "(a) the 5 sign-ups succeeded" 5 "$OK"
check_eq "(a) the sign-ups wait in the outbox" $((PER * OK)) "$BACKLOG"
killed=0
for k in $(seq 1 "$BACKLOG"); do
	"$RELAY" --config "$RUN/conf/workers/relay-auth.conf" --kill-after-publish "$k" \
		>>"$TK_TMP/relay.log" 2>&1 &
	wait $! 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
done
check_eq "(a) every relay run died by SIGKILL after a PubAck" "$BACKLOG" "$killed"
check_eq "(a) none of them marked anything" "$BACKLOG" "$(unsent)"
check_eq "(a) JetStream reported each republished event as a duplicate" \
	$((BACKLOG * (BACKLOG + 1) / 2 - 1)) "$(grep -c "JetStream dropped the repeat" "$TK_TMP/relay.log")"
ctl start relay-auth >/dev/null
check "(a) the supervised relay drains the outbox" wait_for 10 eval '[ "$(unsent)" = 0 ]'
check "(a) checker: each event in the stream once, applied once" checker
check_counts "(a) after the publish kills:" "$OK" "$BEFORE"

# --- (b) NATS down for several seconds while sign-ups continue ------------

BEFORE=$(counts)
OK=0
SEQ0=$(stream_last_seq)
HEALTHZ="http://127.0.0.1:$((${TK_TEST_BASE_URL##*:} + 3))/healthz"
check "(b) NATS answers on its monitor before the stop" curl -sf -m 2 -o /dev/null "$HEALTHZ"
ctl stop nats >/dev/null
check "(b) NATS is down: its monitor does not answer" eval '! curl -s -m 2 -o /dev/null "$HEALTHZ"'
for i in $(seq 1 10); do
	signups nb "$i" "$i"
	sleep 0.4
done
check_eq "(b) with NATS down every sign-up succeeded" 10 "$OK"
check_eq "(b) every event waits in the outbox" $((PER * OK)) "$(unsent)"
ctl start nats >/dev/null
check "(b) the outbox drains after NATS returns" wait_for 20 eval '[ "$(unsent)" = 0 ]'
check "(b) checker: everything arrived" checker
check_eq "(b) the stream took them only after NATS returned" $((SEQ0 + PER * OK)) \
	"$(stream_last_seq)"
check_counts "(b)" "$OK" "$BEFORE"

# --- (c) kill -9 the replicator mid-batch ---------------------------------

# Each run dies right after committing its 8th application and before
# acking it (--kill-after-apply), the worst moment, with the rest of its
# batch delivered and unacknowledged. With a short ack wait JetStream sends
# all of it again within the test, to the next run, and the shell must
# recognise the applied-but-unacked event by its processed_events record
# and only ack it.
check "(c) the consumers take an ack wait of 2 s" \
	"$CTL" --config "$ADMIN_CONF" setup-backbone --ack-wait 2000 >/dev/null 2>&1
BEFORE=$(counts)
OK=0
ctl stop replicator-events >/dev/null
check "(c) the supervised replicator is stopped" eval '! running replicator-events'
signups kc 1 30
check_eq "(c) the 30 sign-ups succeeded" 30 "$OK"
check "(c) the 30 events wait for the stopped replicator" \
	wait_for 10 eval '[ "$(consumer_backlog events-users)" = 30 ]'
killed=0
# timeout: a run that never gets to its 8th apply stops (124), not hangs.
for run in 1 2 3; do
	timeout 30 "$REPLICATOR" --config "$RUN/conf/workers/replicator-events.conf" --kill-after-apply 8 \
		>>"$TK_TMP/kill.log" 2>&1 &
	wait $! 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
done
check_eq "(c) each of the 3 runs died by SIGKILL" 3 "$killed"
check_eq "(c) each said it died after its 8th apply" 3 \
	"$(grep -c "killing myself before the ack (--kill-after-apply 8)" "$TK_TMP/kill.log")"
check_eq "(c) each run applied 8 events, no more, no fewer" 24 \
	$(($(nth 3 "$(counts)") - $(nth 3 "$BEFORE")))
check "(c) runs 2 and 3 got their predecessor's last apply again and only acked it" \
	[ "$(grep -c "was applied before; acked again" "$TK_TMP/kill.log")" -ge 2 ]
LEFT=$(consumer_backlog events-users)
echo "# $LEFT of 30 user events unacknowledged before the supervised start"
check "(c) a backlog waits when the replicator comes back" [ "$LEFT" -ge 6 ]
LOG=$RUN/logs/replicator-events-output.log
SEEN0=$(grep -c "was applied before; acked again" "$LOG")
ctl start replicator-events >/dev/null
check "(c) the replicator runs again" wait_for 10 running replicator-events
# The checker waits until nothing is unacknowledged: longer than the ack
# wait, after which the unacked deliveries come back.
check "(c) checker: no loss, no double apply" checker
check "(c) the supervised replicator saw the last run's apply again and only acked it" \
	[ "$(grep -c "was applied before; acked again" "$LOG")" -gt "$SEEN0" ]
check_eq "(c) no aggregate version applied more than once" 1 "$(most_applies)"
check_counts "(c)" "$OK" "$BEFORE"
check "(c) the consumers are back at the default ack wait" \
	"$CTL" --config "$ADMIN_CONF" setup-backbone >/dev/null 2>&1

# --- (d) MariaDB down under the replicator --------------------------------

BEFORE=$(counts)
OK=0
ctl stop replicator-events >/dev/null
signups kd 1 5
RETRIES0=$(grep -c "retrying later" "$LOG")
ctl stop mariadb >/dev/null
check "(d) MariaDB is down" eval '! sql "SELECT 1" >/dev/null 2>&1'
signup_quick kd-refused
check_status "(d) a sign-up while MariaDB is down answers 503" 503
ctl start replicator-events >/dev/null
REPL_PID=$(pid_of replicator-events)
check "(d) the replicator met the backlog with MariaDB away and retries" \
	wait_for 10 eval '[ "$(grep -c "retrying later" "$LOG")" -gt "$RETRIES0" ]'
ctl start mariadb >/dev/null
check "(d) MariaDB is back" wait_for 60 eval 'sql "SELECT 1" >/dev/null 2>&1'
signups kd 6 10
check_eq "(d) the sign-ups before and after the outage succeeded" 10 "$OK"
check "(d) checker: the replicator recovered by itself" checker
check_eq "(d) the same replicator process, never restarted" "$REPL_PID" "$(pid_of replicator-events)"
check_eq "(d) no dead letters" 0 "$(sql "SELECT COUNT(*) FROM $EV.dead_letters")"
check_counts "(d)" "$OK" "$BEFORE"

# --- replay: the whole stream into empty replicas gives the same state ---

ctl stop replicator-events >/dev/null
sql "DELETE FROM $EV.users_replica; DELETE FROM $EV.session_revocations"
check "the replicas are empty" [ "$(sql "SELECT COUNT(*) FROM $EV.users_replica")" = 0 ]
check "ticketingctl replay resets the events consumers" \
	"$CTL" --config "$ADMIN_CONF" replay events
"$REPLICATOR" --config "$RUN/conf/workers/replicator-events.conf" >"$TK_TMP/replay.log" 2>&1 &
REPLAY_PID=$!
check "checker: the replay rebuilt the replicas exactly" checker
kill -TERM "$REPLAY_PID"
wait "$REPLAY_PID"
check_eq "the replaying replicator stops cleanly on SIGTERM" 0 $?
ctl start replicator-events >/dev/null
check "checker: after the supervised replicator took over again" checker

# --- poison messages go to dead_letters -------------------------------------

# Two events no replica can take, written straight into the auth outbox:
# one that is not an envelope, one whose data the apply function refuses.
BAD1=$(cat /proc/sys/kernel/random/uuid)
BAD2=$(cat /proc/sys/kernel/random/uuid)
AGG=$(cat /proc/sys/kernel/random/uuid)
NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
sql "INSERT INTO $AUTH.outbox (event_id, subject, payload) VALUES
	('$BAD1', 'ticketing.user.created', '{\"event_id\": \"$BAD1\", truncated'),
	('$BAD2', 'ticketing.user.created', '{\"event_id\":\"$BAD2\",\"type\":\"user.created\",\"aggregate_type\":\"user\",\"aggregate_id\":\"$AGG\",\"aggregate_version\":1,\"occurred_at\":\"$NOW\",\"data\":{\"id\":\"$AGG\",\"name\":\"Poison\",\"role\":\"superuser\",\"version\":1}}')"
dead() {
	sql "SELECT COUNT(*) FROM $EV.dead_letters WHERE consumer = 'events-users'
		AND (payload LIKE '%$BAD1%' OR payload LIKE '%$BAD2%')"
}
check "both poison messages end in dead_letters" wait_for 10 eval '[ "$(dead)" = 2 ]'
check_eq "the undecodable one is kept with its reason" "envelope is not valid JSON" \
	"$(sql "SELECT reason FROM $EV.dead_letters WHERE payload LIKE '%$BAD1%'")"
check_eq "the refused one is kept with its reason" "apply refused the event data" \
	"$(sql "SELECT reason FROM $EV.dead_letters WHERE payload LIKE '%$BAD2%'")"
check "the replicator logged them" grep -q "dead letter: envelope is not valid JSON" \
	"$RUN/logs/replicator-events-output.log"
check_eq "the refused event changed no replica" "" "$(replica_name "$AGG")"
signup_quick dl1
LAST=$(sql "SELECT id FROM $AUTH.users ORDER BY created_at DESC LIMIT 1")
check "the consumer went on past them" wait_for 3 eval '[ -n "$(replica_name "$LAST")" ]'
"$CTL" check --config-dir "$RUN/conf" >"$TK_TMP/check.out" 2>&1
check_eq "checker: dead letters are violations" 1 $?
check "checker: it counts them" grep -q "2 dead letters wait" "$TK_TMP/check.out"
# An operator resolves them: recorded as processed with version 0 (skipped
# by hand; a replay keeps such records), letters removed; in the tickets
# service too, whose tickets-users consumer takes the same two, and in the
# notify worker's database (notify-users).
check "the tickets service dead-letters them too" wait_for 10 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_tickets.dead_letters
		WHERE consumer = '"'tickets-users'"'")" = 2 ]'
check "the notify worker dead-letters them too" wait_for 10 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_notify.dead_letters
		WHERE consumer = '"'notify-users'"'")" = 2 ]'
for db in $EV ticketing_tickets ticketing_notify; do
	sql "INSERT INTO $db.processed_events (consumer, event_id, subject, aggregate_id,
	aggregate_version, stream_seq) SELECT consumer, e, subject, e, 0, stream_seq
	FROM (SELECT consumer, subject, stream_seq,
		IF(payload LIKE '%$BAD1%', '$BAD1', '$BAD2') AS e FROM $db.dead_letters
		WHERE consumer IN ('events-users', 'tickets-users', 'notify-users')
		AND (payload LIKE '%$BAD1%' OR payload LIKE '%$BAD2%')) d;
	DELETE FROM $db.dead_letters WHERE payload LIKE '%$BAD1%' OR payload LIKE '%$BAD2%'"
done
check "checker: clean once they are resolved" checker
# A replay delivers them again: the resolution holds, no dead letter comes
# back (the undecodable one is looked up by its message id).
ctl stop replicator-events >/dev/null
check "ticketingctl replay after the resolution" \
	"$CTL" --config "$ADMIN_CONF" replay events
ctl start replicator-events >/dev/null
check "checker: clean after replaying the resolved messages" checker
check_eq "the replay dead-lettered no resolved message again" 0 "$(dead)"
check "the replicator acked the undecodable one as resolved" \
	grep -q "does not decode but was resolved before" "$RUN/logs/replicator-events-output.log"

# --- the checker sees violations ------------------------------------------

sql "UPDATE $EV.users_replica SET name = 'Tampered' WHERE id = $(sql_quote "$UID_RITA")"
"$CTL" check --config-dir "$RUN/conf" >"$TK_TMP/check.out" 2>&1
check_eq "checker: a tampered replica row fails the check" 1 $?
check "checker: it names the row" grep -q "users_replica: $UID_RITA differs" "$TK_TMP/check.out"
sql "UPDATE $EV.users_replica SET name = 'Rita Replica' WHERE id = $(sql_quote "$UID_RITA")"
sql "INSERT INTO $EV.processed_events (consumer, event_id, subject, aggregate_id,
	aggregate_version, stream_seq) VALUES ('events-users', '00000000-0000-7000-8000-000000000000',
	'ticketing.user.created', $(sql_quote "$UID_RITA"), 1, 0)"
"$CTL" check --config-dir "$RUN/conf" >"$TK_TMP/check.out" 2>&1
check_eq "checker: an event recorded as applied twice fails the check" 1 $?
check "checker: it names the aggregate" grep -q "$UID_RITA version 1 applied 2 times" \
	"$TK_TMP/check.out"
sql "DELETE FROM $EV.processed_events WHERE event_id = '00000000-0000-7000-8000-000000000000'"
check "checker: clean again" checker

finish
