#!/usr/bin/env bash
# The expiry worker (workers/expiry): every reservation's deadline leads to
# exactly one expiration.complete in the orders outbox, published once,
# whatever dies when:
# (a) an order.created with a deadline a few seconds ahead is scheduled,
#     held until its deadline and then expired;
# (b) kill -9 of the worker right after it scheduled an order and before
#     the ack (--kill-after-apply), and right after it committed an
#     expiration batch and before anything else (--kill-after-expire);
# (c) NATS and MariaDB stopped while deadlines pass, and an order.created
#     that reaches the worker only after its deadline;
# (d) a backlog is scheduled a fetched batch per transaction (the worker
#     shell's batching): 30 orders waiting in the stream when the worker
#     starts take far fewer than 30 transactions.
# The orders are made here: each is an order.created row written straight
# into the orders outbox (the envelope the orders service writes, with the
# members the worker reads), which the orders relay publishes. The lateness
# of expiry under load is bench/expiry.sh's, not a timed assertion here.
# Each fault phase checks that its fault happened, and ends with the
# consistency checker.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

RUN=$TK_TEST_RUN_DIR
OD=ticketing_orders
EXPIRY=${TK_BUILDDIR:-$(dirname "$0")/../..}/workers/expiry/ticketing-expiry
WCONF=$RUN/conf/workers/expiry-orders.conf
LOG=$RUN/logs/expiry-orders-output.log

# in_ms MS: the UTC time MS milliseconds from now, in the envelope format.
in_ms() {
	local t=$(($(date +%s%3N) + $1))
	date -u -d "@$((t / 1000)).$(printf '%03d' $((t % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ
}

# order_created ORDER_ID EXPIRES_AT: an order.created of ORDER_ID into the
# orders outbox.
order_created() {
	local ev now
	ev=$(uuid)
	now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
	sql "INSERT INTO $OD.outbox (event_id, subject, payload) VALUES ('$ev',
		'ticketing.order.created', '{\"aggregate_id\":\"$1\",\"aggregate_type\":\"order\",
		\"aggregate_version\":1,\"data\":{\"id\":\"$1\",\"expires_at\":\"$2\",
		\"state\":\"awaiting_payment\",\"quantity\":1,\"version\":1},\"event_id\":\"$ev\",
		\"occurred_at\":\"$now\",\"type\":\"order.created\"}')"
}

# new_orders N MS: N new orders due MS milliseconds from now; their ids,
# one a line, in $TK_TMP/orders (replaced).
new_orders() {
	local i id due
	due=$(in_ms "$2")
	: >"$TK_TMP/orders"
	for i in $(seq 1 "$1"); do
		id=$(uuid)
		order_created "$id" "$due"
		echo "$id" >>"$TK_TMP/orders"
	done
}

# in_list: the orders of $TK_TMP/orders as an SQL list.
in_list() { sed "s/.*/'&'/" "$TK_TMP/orders" | paste -sd, -; }
# expirations: expiration.complete rows of those orders in the outbox.
expirations() {
	sql "SELECT COUNT(*) FROM $OD.outbox WHERE subject = 'ticketing.expiration.complete'
		AND JSON_VALUE(payload, '\$.aggregate_id') IN ($(in_list))"
}
# expired_orders: how many of those orders have an expiration.complete.
expired_orders() {
	sql "SELECT COUNT(DISTINCT JSON_VALUE(payload, '\$.aggregate_id')) FROM $OD.outbox
		WHERE subject = 'ticketing.expiration.complete'
		AND JSON_VALUE(payload, '\$.aggregate_id') IN ($(in_list))"
}
# published: how many of those expirations the relay published.
published() {
	sql "SELECT COUNT(*) FROM $OD.outbox WHERE subject = 'ticketing.expiration.complete'
		AND sent_at IS NOT NULL AND JSON_VALUE(payload, '\$.aggregate_id') IN ($(in_list))"
}
scheduled() { sql "SELECT COUNT(*) FROM $OD.expiry_schedule WHERE order_id IN ($(in_list))"; }
most_applies() {
	sql "SELECT COALESCE(MAX(applies), 0) FROM $OD.applied_versions WHERE consumer = 'orders-expiry'"
}

# all_expired_once N: the N orders each have one expiration, published,
# and none is scheduled any more.
all_expired_once() {
	[ "$(expirations)" = "$1" ] && [ "$(expired_orders)" = "$1" ] &&
		[ "$(published)" = "$1" ] && [ "$(scheduled)" = 0 ]
}

# orders_for_stopped_worker N MS: stop the supervised worker, then
# new_orders N MS.
orders_for_stopped_worker() {
	ctl stop expiry-orders >/dev/null
	check "(b) the supervised expiry worker is stopped" eval '! running expiry-orders'
	new_orders "$1" "$2"
}

# killed_run WHEN OPTION N SAYS: with the supervised worker stopped, run
# the worker with OPTION N (a --kill-after option) until it kills itself;
# checks that it died by SIGKILL and that its log SAYS so once.
killed_run() {
	local rc=0
	# timeout: a run that never gets to its kill stops (124), not hangs.
	timeout 30 "$EXPIRY" --config "$WCONF" "$2" "$3" >"$TK_TMP/kill.log" 2>&1 &
	wait $! 2>/dev/null || rc=$?
	check_eq "(b) the worker died by SIGKILL" 137 "$rc"
	check_eq "(b) $1" 1 "$(grep -cF -- "$4" "$TK_TMP/kill.log")"
}

check "the expiry worker runs" running expiry-orders

# --- (a) held until the deadline, then expired once ---------------------

new_orders 1 5000
ID=$(cat "$TK_TMP/orders")
check "(a) the order is scheduled before its deadline" wait_for 4 eval '[ "$(scheduled)" = 1 ]'
check_eq "(a) and not expired before it" 0 "$(expirations)"
check "(a) it is expired once, and the expiration published" wait_for 30 all_expired_once 1
check_eq "(a) the expiration was written at or after the deadline" 1 \
	"$(sql "SELECT created_at >= STR_TO_DATE(JSON_VALUE(payload, '\$.data.expires_at'),
		'%Y-%m-%dT%H:%i:%s.%fZ') FROM $OD.outbox
		WHERE subject = 'ticketing.expiration.complete' AND JSON_VALUE(payload, '\$.aggregate_id') = '$ID'")"
check_eq "(a) its data names the order and its deadline" "$ID $(sql "SELECT JSON_VALUE(payload,
		'\$.data.expires_at') FROM $OD.outbox WHERE subject = 'ticketing.order.created'
		AND JSON_VALUE(payload, '\$.aggregate_id') = '$ID'")" \
	"$(sql "SELECT CONCAT(JSON_VALUE(payload, '\$.data.order_id'), ' ',
		JSON_VALUE(payload, '\$.data.expires_at')) FROM $OD.outbox
		WHERE subject = 'ticketing.expiration.complete' AND JSON_VALUE(payload, '\$.aggregate_id') = '$ID'")"
check "(a) checker" checker

# --- (b) kill -9 at the worst moments --------------------------------------

# After scheduling its 2nd order, before the ack: that delivery and the
# rest of the batch come back after the ack wait (2 s here), and the next
# run must only ack the order it scheduled already.
check "(b) the consumers take an ack wait of 2 s" \
	"$CTL" --config "$ADMIN_CONF" setup-backbone --ack-wait 2000 >/dev/null 2>&1
orders_for_stopped_worker 5 8000
killed_run "right after its 2nd schedule, before the ack" --kill-after-apply 2 \
	"killing myself before the ack (--kill-after-apply 2)"
check_eq "(b) it had scheduled 2 of the 5 orders" 2 "$(scheduled)"
SEEN0=$(grep -c "was applied before; acked again" "$LOG")
ctl start expiry-orders >/dev/null
check "(b) the supervised worker schedules the other 3" wait_for 15 eval '[ "$(scheduled)" = 5 ]'
check "(b) and only acks the one scheduled before the kill" wait_for 15 eval \
	'[ "$(grep -c "was applied before; acked again" "$LOG")" -gt "$SEEN0" ]'
check "(b) all 5 expire, each once" wait_for 30 all_expired_once 5
check_eq "(b) no order was scheduled twice" 1 "$(most_applies)"

# After committing an expiration batch, before anything else (the nudge,
# the next batch): the expirations are in the outbox, the rows gone, and
# the next run must not expire them again. The batch must be these 3
# orders: first the supervised worker expires whatever else falls due soon
# (other tests' reservations reaching their deadline), or the killed run's
# first batch would be those.
check "(b) no other order falls due in the next 20 s" wait_for 40 eval \
	'[ "$(sql "SELECT COUNT(*) FROM $OD.expiry_schedule
		WHERE expires_at < UTC_TIMESTAMP(3) + INTERVAL 20 SECOND")" = 0 ]'
orders_for_stopped_worker 3 3000
killed_run "right after committing its first expirations" --kill-after-expire 1 \
	"killing myself before the nudge (--kill-after-expire 1)"
check_eq "(b) the 3 orders were expired in that batch" 3 "$(expirations)"
check_eq "(b) and none is scheduled any more" 0 "$(scheduled)"
ctl start expiry-orders >/dev/null
check "(b) the worker runs again" wait_for 10 running expiry-orders
check "(b) the 3 expirations are published, each once" wait_for 15 all_expired_once 3
sleep 2 # a doubled expiry would have been written by now
check_eq "(b) still one expiration each" 3 "$(expirations)"
check "(b) the consumers are back at the default ack wait" \
	"$CTL" --config "$ADMIN_CONF" setup-backbone >/dev/null 2>&1
check "(b) checker" checker

# --- (c) NATS and MariaDB away while deadlines pass --------------------------

PID=$(pid_of expiry-orders)
new_orders 5 4000
check "(c) the 5 orders are scheduled" wait_for 3 eval '[ "$(scheduled)" = 5 ]'
HEALTHZ="http://127.0.0.1:$((${TK_TEST_BASE_URL##*:} + 3))/healthz"
ctl stop nats >/dev/null
check "(c) NATS is down" eval '! curl -s -m 2 -o /dev/null "$HEALTHZ"'
# An order whose order.created waits in the outbox until after its
# deadline: the worker meets it late and expires it at once.
cp "$TK_TMP/orders" "$TK_TMP/first"
new_orders 1 1000
LATE=$(cat "$TK_TMP/orders")
cat "$TK_TMP/first" >>"$TK_TMP/orders"
SKIP=$(wc -l <"$LOG")
ctl stop mariadb >/dev/null
check "(c) MariaDB is down" eval '! sql "SELECT 1" >/dev/null 2>&1'
sleep 5 # every deadline passes meanwhile
check "(c) the worker met MariaDB away" wait_for 10 eval \
	'tail -n +$((SKIP + 1)) "$LOG" | grep -q "expiry: MariaDB: .*backing off"'
ctl start mariadb >/dev/null
check "(c) MariaDB is back" wait_for 60 eval 'sql "SELECT 1" >/dev/null 2>&1'
check "(c) the 5 scheduled orders expire while NATS is still down" wait_for 15 eval \
	'[ "$(expired_orders)" = 5 ]'
check_eq "(c) the late order is not scheduled yet" 0 \
	"$(sql "SELECT COUNT(*) FROM $OD.expiry_schedule WHERE order_id = '$LATE'")"
check_eq "(c) nothing was published meanwhile" 0 "$(published)"
ctl start nats >/dev/null
check "(c) all 6 expire, each once, and are published" wait_for 30 all_expired_once 6
check_eq "(c) the same worker process all along" "$PID" "$(pid_of expiry-orders)"
check "(c) the worker said it recovered" eval \
	'tail -n +$((SKIP + 1)) "$LOG" | grep -q "expiry: recovered"'
check_eq "(c) no dead letter" 0 "$(sql "SELECT COUNT(*) FROM $OD.dead_letters")"
check "(c) checker" checker

# --- (d) a backlog, a batch per transaction ----------------------------------

ctl stop expiry-orders >/dev/null
check "(d) the supervised expiry worker is stopped" eval '! running expiry-orders'
new_orders 30 600000
check "(d) the relay published the 30 order.created" wait_for 30 eval \
	'[ "$(sql "SELECT COUNT(*) FROM $OD.outbox WHERE sent_at IS NULL")" = 0 ]'
SKIP=$(wc -l <"$LOG")
ctl start expiry-orders >/dev/null
check "(d) the 30 orders are scheduled" wait_for 15 eval '[ "$(scheduled)" = 30 ]'
ctl stop expiry-orders >/dev/null
consumer_stopped "$LOG" "$SKIP" "expiry orders-expiry"
check_eq "(d) the worker handled the 30" 30 "$HANDLED"
check "(d) in at most 10 transactions" [ "${TXS:-30}" -le 10 ]
# Per transaction the shell sends begin, one processed_events statement
# for all its events, one applied_versions statement, commit; the handler
# one statement per event. Per event bookkeeping would make it 3 x 30 + 2 x TXS.
echo "# $STMTS statements in $TXS transactions"
check "(d) at most 4 statements per transaction and 1 per event" \
	eval '[ "${STMTS:-0}" -gt 30 ] && [ "${STMTS:-0}" -le $((30 + 4 * ${TXS:-30})) ]'
ctl start expiry-orders >/dev/null
check "(d) the worker runs again" wait_for 10 running expiry-orders
check_eq "(d) no order was scheduled twice" 1 "$(most_applies)"
check "(d) checker" checker

finish
