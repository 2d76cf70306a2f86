#!/usr/bin/env bash
# bench/expiry.sh: lateness of the expiry worker with many reservations
# pending. PENDING order.created events (default 10,000) with deadlines
# spread evenly over WINDOW seconds, the first LEAD seconds from now, are
# written straight into the orders outbox in one statement (rows as the
# orders service writes them, with the members the worker reads; through
# HTTP the reservations themselves would be the benchmark), the orders
# relay publishes them and the worker schedules them. The figures:
#   - how long publishing and scheduling them all took;
#   - the CPU the expiry worker and MariaDB spend per second while they
#     all wait and none is due (the cost of pending reservations), and
#     while they expire;
#   - lateness p50/p99/max: the time from each order's expires_at to the
#     commit of its expiration.complete (the worker's own lateness), and
#     to its publication by the relay. The goal is p99 <= 1 s. The orders
#     service's cancellation follows the publication by one consumer
#     delivery.
# Needs the local stack (scripts/dev up). Knobs: RUN_DIR (default run/),
# PENDING (10000), LEAD (60 s: the worker must have scheduled them all
# before the first deadline), WINDOW (10 s).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RUN_DIR=${RUN_DIR:-$ROOT/run}
PENDING=${PENDING:-10000}
LEAD=${LEAD:-60}
WINDOW=${WINDOW:-10}
OD=ticketing_orders

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

[ -f "$RUN_DIR/stack.env" ] || die "no local stack in $RUN_DIR (start it with scripts/dev up)"
SOCK=$(sed -n 's/^MARIADB_SOCK=//p' "$RUN_DIR/stack.env")
sqlq() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B -e "$1"; }
ctl() { supervisorctl -c "$RUN_DIR/supervisord.conf" "$@"; }
WORKER_PID=$(ctl pid expiry-orders)
DB_PID=$(ctl pid mariadb)
[ "${WORKER_PID:-0}" -gt 0 ] 2>/dev/null || die "the expiry worker (expiry-orders) does not run"
[ "${DB_PID:-0}" -gt 0 ] 2>/dev/null || die "MariaDB does not run"

# ticks PID: user + system CPU time of the process so far, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
now() { date +%s.%N; }
# cpu_ms_per_s T0 T1 TICKS0 TICKS1: CPU milliseconds per second between.
cpu_ms_per_s() { awk -v t0="$1" -v t1="$2" -v a="$3" -v b="$4" -v hz="$HZ" \
	'BEGIN { printf "%.1f", (b - a) * 1000 / hz / (t1 - t0) }'; }

# This run's orders have ids starting with TAG-.
TAG=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
# uuid(PREFIX): an SQL expression: a UUID-shaped id from the md5 of
# PREFIX, the tag and seq (the row number).
uuid() {
	local h="MD5(CONCAT('$1', '$TAG', seq))"
	printf "CONCAT_WS('-', %s, SUBSTR(%s, 9, 4), SUBSTR(%s, 13, 4), SUBSTR(%s, 17, 4), SUBSTR(%s, 21, 12))" \
		"$2" "$h" "$h" "$h" "$h"
}
EV_ID=$(uuid e "SUBSTR(MD5(CONCAT('e', '$TAG', seq)), 1, 8)")
ORDER_ID=$(uuid o "'$TAG'")
# Deadline of row seq: LEAD s from now, then evenly over WINDOW s.
DUE="CONCAT(LEFT(DATE_FORMAT(UTC_TIMESTAMP(3) + INTERVAL $LEAD SECOND
	+ INTERVAL (seq - 1) * $WINDOW * 1000000 DIV $PENDING MICROSECOND,
	'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
OCCURRED="CONCAT(LEFT(DATE_FORMAT(UTC_TIMESTAMP(3), '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"

echo "expiry: $PENDING reservations due from $LEAD s to $((LEAD + WINDOW)) s from now (run $TAG)"
T0=$(now)
# The LIMIT makes MariaDB 10.11 materialise the derived table: merged into
# the outer query, each use of o was computed again, and one of 10,000
# came out garbled (an order whose aggregate_id differed from its id).
sqlq "INSERT INTO $OD.outbox (event_id, subject, payload)
	SELECT e, 'ticketing.order.created', CONCAT('{\"aggregate_id\":\"', o,
		'\",\"aggregate_type\":\"order\",\"aggregate_version\":1,\"data\":{\"expires_at\":\"', x,
		'\",\"id\":\"', o, '\",\"quantity\":1,\"state\":\"awaiting_payment\",\"version\":1},',
		'\"event_id\":\"', e, '\",\"occurred_at\":\"', t, '\",\"type\":\"order.created\"}')
	FROM (SELECT $EV_ID e, $ORDER_ID o, $DUE x, $OCCURRED t FROM $OD.seq_1_to_$PENDING
		LIMIT $PENDING) r"
T_FIRST=$(awk -v t="$T0" -v l="$LEAD" 'BEGIN { printf "%.3f", t + l }')

scheduled() { sqlq "SELECT COUNT(*) FROM $OD.expiry_schedule WHERE order_id LIKE '$TAG-%'"; }
expired() {
	sqlq "SELECT COUNT(*) FROM $OD.outbox WHERE subject = 'ticketing.expiration.complete'
		AND sent_at IS NOT NULL AND JSON_VALUE(payload, '\$.aggregate_id') LIKE '$TAG-%'"
}
while [ "$(scheduled)" -lt "$PENDING" ]; do
	awk -v a="$(now)" -v b="$T_FIRST" 'BEGIN { exit !(a < b) }' ||
		die "not all scheduled before the first deadline: raise LEAD"
	sleep 0.2
done
T1=$(now)
printf 'published and scheduled: %s reservations in %.2f s\n' "$PENDING" \
	"$(awk -v a="$T0" -v b="$T1" 'BEGIN { print b - a }')"

# Waiting with everything pending: from now until half a second before
# the first deadline.
W0=$(ticks "$WORKER_PID")
D0=$(ticks "$DB_PID")
S0=$(now)
sleep "$(awk -v a="$S0" -v b="$T_FIRST" 'BEGIN { d = b - a - 0.5; print (d > 0 ? d : 0) }')"
S1=$(now)
W1=$(ticks "$WORKER_PID")
D1=$(ticks "$DB_PID")
printf 'while %s wait (%.1f s): expiry worker %s ms CPU/s, MariaDB %s ms CPU/s\n' "$PENDING" \
	"$(awk -v a="$S0" -v b="$S1" 'BEGIN { print b - a }')" \
	"$(cpu_ms_per_s "$S0" "$S1" "$W0" "$W1")" "$(cpu_ms_per_s "$S0" "$S1" "$D0" "$D1")"

LIMIT=$((WINDOW + 60))
while [ "$(expired)" -lt "$PENDING" ]; do
	awk -v a="$(now)" -v b="$T_FIRST" -v l="$LIMIT" 'BEGIN { exit !(a < b + l) }' ||
		die "not all expired $LIMIT s after the first deadline ($(expired) of $PENDING)"
	sleep 0.2
done
S2=$(now)
printf 'while they expire (%.1f s): expiry worker %s ms CPU/s, MariaDB %s ms CPU/s\n' \
	"$(awk -v a="$S1" -v b="$S2" 'BEGIN { print b - a }')" \
	"$(cpu_ms_per_s "$S1" "$S2" "$W1" "$(ticks "$WORKER_PID")")" \
	"$(cpu_ms_per_s "$S1" "$S2" "$D1" "$(ticks "$DB_PID")")"

# lateness COLUMN: p50, p99 and max in ms of COLUMN - expires_at over this
# run's expirations.
lateness() {
	sqlq "SELECT TIMESTAMPDIFF(MICROSECOND, STR_TO_DATE(JSON_VALUE(payload, '\$.data.expires_at'),
		'%Y-%m-%dT%H:%i:%s.%fZ'), $1) / 1000 FROM $OD.outbox
		WHERE subject = 'ticketing.expiration.complete'
		AND JSON_VALUE(payload, '\$.aggregate_id') LIKE '$TAG-%'" | sort -n |
		awk '{ v[NR] = $1 } END {
			p50 = v[int(NR * 0.50 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)]
			printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d expirations)\n", p50, p99, v[NR], NR }'
}
echo "lateness to the commit of expiration.complete: $(lateness created_at)"
echo "lateness to its publication:                  $(lateness sent_at)"
DOUBLE=$(sqlq "SELECT COUNT(*) - COUNT(DISTINCT JSON_VALUE(payload, '\$.aggregate_id')) FROM $OD.outbox
	WHERE subject = 'ticketing.expiration.complete' AND JSON_VALUE(payload, '\$.aggregate_id') LIKE '$TAG-%'")
echo "expired twice: $DOUBLE"
