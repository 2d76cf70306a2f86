#!/usr/bin/env bash
# bench/reserve.sh: the reservation path (POST /orders) on the local stack,
# in one run:
#   1. reservations/s without contention: BUYERS distinct buyers, each
#      taking one unit of one of many listings (UNITS units each), sent by
#      bench/drive over CONNECTIONS kept-alive connections for DURATION;
#      p50/p99 latency, the answers that were not 303 (must be 0), and the
#      ratio to nginx serving a small static file in the same run (wrk,
#      bench/lib.sh). Goal: >= 2,000 reservations/s on 2 cores.
#   2. propagation under that load: for each listing, the time from the
#      write of its last stock change in orders (stock.updated_at, the row
#      of its final version) to the row of that version in
#      ticketing_tickets.stock_replica and in ticketing_events.stock_replica
#      (their updated_at): p50/p99/max, and the stock.changed events/s
#      delivered; the same up to the event's publication (the orders
#      outbox row's sent_at) tells the relay's share from the replicators'. A replica row keeps only its latest version, so each
#      listing gives one sample, its final version. The buyers are ordered
#      so that these finals are spread over the whole load: the listings
#      come in groups of GROUP, and the buyers of a group take one unit of
#      each of its listings in turn (consecutive requests hit distinct
#      rows, so no lock is contended) until the group is sold out; then
#      the next group. So every GROUP * UNITS requests a group's GROUP
#      listings get their final versions, under the full load. (Recording
#      every version's arrival would need a history table the replicators
#      do not keep, or polling that loads the very database measured.) All
#      times are stamped by the one MariaDB server; they are the times of
#      the writes inside their transactions, a fraction of a millisecond
#      before the commits. Goal: p50 <= 5 ms, p99 <= 50 ms at >= 1,000
#      events/s.
#   3. PSS (/proc/PID/smaps_rollup) of every FastCGI service and worker,
#      sampled each second during 1: the largest sample and the last.
#   4. the contention burst: BURST buyers (distinct sessions) at once for
#      one listing of BURST_UNITS units: exactly BURST_UNITS orders exist,
#      BURST_UNITS answers are 303 and the rest 409, none is 5xx; the
#      requests/s of the whole burst, refusals included (goal >= 1,000).
#
# Set-up through the real flows: the listings are made through the tickets
# service's form (POST /tickets/new) by one seller, and reach the orders
# service's stock and both stock replicas through the backbone, as any
# listing does. Sessions (seller and buyers) are minted with the stack's
# own keys by tests/integration/mint_tokens, with their CSRF tokens (what
# test_race.sh does; no Argon2id sign-up per buyer). At the end every row
# the run made is deleted, in the sources and in the replicas alike, once
# the backbone has carried its last event: listings, stock, orders, their
# expiry schedule, idempotency keys and rows in the payments service's
# replica (the outbox rows stay, as history, and are pruned as any). Pages
# cached by the events service may show the run's listings until their
# cache expires.
#
# Needs the local stack (scripts/dev up) and an in-tree build (bench/drive
# and tests/integration/mint_tokens are built when missing). The machine's
# load (uptime) is printed before and after: compare only within a run.
# Knobs: PORT, RUN_DIR, THREADS and CONNECTIONS (32) as in bench/lib.sh;
# DURATION (10s, the load of 1), BUYERS (40000: at most that many
# reservations in 1; raise it if 1 ends before DURATION), UNITS (10 a
# listing), GROUP (100 listings), BURST (500 buyers), BURST_UNITS (10),
# SETTLE (120 s: the longest wait for the backbone to catch up).
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
BUYERS=${BUYERS:-40000}
UNITS=${UNITS:-10}
GROUP=${GROUP:-100}
BURST=${BURST:-500}
BURST_UNITS=${BURST_UNITS:-10}
SETTLE=${SETTLE:-120}
LOAD_SECONDS=${DURATION%s}
[[ $LOAD_SECONDS =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, like 10s"
KEYS=$RUN_DIR/keys
TAG=bench$$x$RANDOM
TMP=$(mktemp -d)
LISTINGS=$(((BUYERS + UNITS - 1) / UNITS))

bench_tools

# --- set-up: an event on sale, the seller, the listings ---------------------
EVENT=$(bench_event)
SELLERS=$(verified_accounts 1 "$TAG") || exit 1
MINT_USERS=$SELLERS "$MINT" "$KEYS/session.key" $((1 + BUYERS + BURST)) \
	"$KEYS/csrf.key" >"$TMP/tokens" || die "mint_tokens failed"
read -r SELLER_TOKEN SELLER_CSRF <"$TMP/tokens"

cleanup() {
	local seller orders
	set +e
	seller=$(sqlq "SELECT seller_id FROM ticketing_tickets.listings WHERE section = '$TAG' LIMIT 1")
	if [ -n "$seller" ]; then
		echo "cleaning up (run $TAG): waiting for the backbone to carry the run's last events"
		orders="SELECT id FROM ticketing_orders.orders WHERE seller_id = '$seller'"
		wait_until "$SETTLE" "SELECT (SELECT COUNT(*) FROM ticketing_orders.outbox
			WHERE sent_at IS NULL) = 0 AND (SELECT COUNT(*) FROM ticketing_tickets.outbox
			WHERE sent_at IS NULL) = 0 AND (SELECT COUNT(*) FROM
			ticketing_orders.expiry_schedule WHERE order_id IN ($orders)) =
			(SELECT COUNT(*) FROM ticketing_orders.orders WHERE seller_id = '$seller') AND
			(SELECT COUNT(*) FROM ticketing_payments.orders_replica WHERE id IN ($orders)) =
			(SELECT COUNT(*) FROM ticketing_orders.orders WHERE seller_id = '$seller')" ||
			echo "warning: the backbone had not caught up after $SETTLE s" >&2
		sleep 1
		sqlq "DELETE FROM ticketing_orders.expiry_schedule WHERE order_id IN ($orders);
			DELETE FROM ticketing_payments.orders_replica WHERE id IN ($orders);
			DELETE FROM ticketing_orders.idempotency_keys WHERE form = 'order'
				AND result_id IN ($orders);
			DELETE FROM ticketing_orders.orders WHERE seller_id = '$seller';
			DELETE FROM ticketing_orders.stock WHERE listing_id IN
				(SELECT id FROM ticketing_orders.listings_replica WHERE seller_id = '$seller');
			DELETE FROM ticketing_orders.listings_replica WHERE seller_id = '$seller';
			DELETE FROM ticketing_notify.listings_replica WHERE seller_id = '$seller';
			DELETE FROM ticketing_events.stock_replica WHERE seller_id = '$seller';
			DELETE FROM ticketing_tickets.stock_replica WHERE id IN
				(SELECT id FROM ticketing_tickets.listings WHERE seller_id = '$seller');
			DELETE FROM ticketing_tickets.idempotency_keys WHERE actor_id = '$seller';
			DELETE FROM ticketing_tickets.listings WHERE seller_id = '$seller'"
	fi
	[ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# listings COUNT QUANTITY: COUNT listings of QUANTITY units at 10.00 by the
# seller, through the tickets service's form (section TAG).
listings() { listings_new "$SELLER_TOKEN" "$SELLER_CSRF" "$EVENT" "$TAG" "$1" "$2"; }

echo "reserve: run $TAG on $BASE, event $EVENT"
echo "before: $(uptime)"
t=$SECONDS
listings "$LISTINGS" "$UNITS"
listings 1 "$BURST_UNITS"
SELLER_ID=$(sqlq "SELECT seller_id FROM ticketing_tickets.listings WHERE section = '$TAG' LIMIT 1")
BURST_LISTING=$(sqlq "SELECT id FROM ticketing_tickets.listings WHERE section = '$TAG'
	ORDER BY created_at DESC, id DESC LIMIT 1")
# Every listing in stock and in both replicas.
IN_REPLICAS="SELECT COUNT(*) = $((LISTINGS + 1)) FROM ticketing_tickets.listings l
	JOIN ticketing_orders.stock s ON s.listing_id = l.id
	JOIN ticketing_tickets.stock_replica t ON t.id = l.id AND t.version = s.version
	JOIN ticketing_events.stock_replica e ON e.id = l.id AND e.version = s.version
	WHERE l.seller_id = '$SELLER_ID'"
wait_until "$SETTLE" "$IN_REPLICAS" || die "the listings did not reach stock and the replicas"
echo "set-up: $((LISTINGS + 1)) listings through POST /tickets/new and the backbone in $((SECONDS - t)) s"

# The buyers of 1: line k (from 0) is in group g = k / (GROUP * UNITS) and
# takes a unit of listing GROUP * g + (k - GROUP * UNITS * g) % m (in the
# order the listings were made), m the listings of the group (GROUP, fewer
# in the last); with a fresh idempotency key, as the Buy form carries.
sqlq "SELECT id FROM ticketing_tickets.listings WHERE seller_id = '$SELLER_ID'
	AND id <> '$BURST_LISTING' ORDER BY created_at, id" >"$TMP/ids"
keys $((BUYERS + BURST)) >"$TMP/keys"
sed -n "2,$((BUYERS + 1))p" "$TMP/tokens" | paste -d ' ' - <(head -n "$BUYERS" "$TMP/keys") |
	awk -v g="$GROUP" -v u="$UNITS" 'NR == FNR { id[NR - 1] = $1; n = NR; next } {
		k = FNR - 1; grp = int(k / (g * u)); m = n - g * grp; if (m > g) m = g
		i = g * grp + (k - g * u * grp) % m
		printf "tk_session=%s ticket_id=%s&quantity=1&idempotency_key=%s&csrf_token=%s\n",
			$1, id[i], $3, $2 }' "$TMP/ids" - >"$TMP/buyers"

# --- the static reference ---------------------------------------------------
printf 'reserved\n' >"$RUN_DIR/bench/reserve.txt"
read -r STATIC_RPS STATIC_P99 _ < <(measure "$BASE/bench/reserve.txt")

# --- 1. reservations without contention, 3. PSS sampled meanwhile ----------
# The processes; the services' PSS is sampled, everyone's CPU counted.
stack_pids "$TMP/pids" "$TMP/pids.other"
(
	while :; do
		while read -r p pid; do
			awk -v p="$p" '$1 == "Pss:" { print p, $2 }' "/proc/$pid/smaps_rollup"
		done <"$TMP/pids"
		sleep 1
	done
) >"$TMP/pss" 2>/dev/null &
SAMPLER=$!
cpu_each "$TMP/pids" "$TMP/pids.other" >"$TMP/cpu0"
OUTBOX0=$(sqlq "SELECT COALESCE(MAX(id), 0) FROM ticketing_orders.outbox")
LOAD_T0=$(sqlq "SELECT UTC_TIMESTAMP(6)")
"$DRIVE" 127.0.0.1 "$PORT" POST /orders "$CONNECTIONS" "$LOAD_SECONDS" "$TMP/buyers" \
	>"$TMP/load.out" || die "bench/drive failed"
kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=

N=$(field requests "$TMP/load.out")
RPS=$(field rps "$TMP/load.out")
read -r P50 P99 MAX < <(field latency "$TMP/load.out")
OK=$(status_count 303 "$TMP/load.out")
ERRORS=$(field errors "$TMP/load.out")
MADE=$(sqlq "SELECT COUNT(*) FROM ticketing_orders.orders WHERE seller_id = '$SELLER_ID'")
echo "1. reservations, $CONNECTIONS connections for ${LOAD_SECONDS} s, one unit each of $LISTINGS listings"
printf '   POST /orders: %.0f reservations/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d answers)\n' \
	"$RPS" "$P50" "$P99" "$MAX" "$N"
printf '   nginx static (wrk, same connections): %.0f req/s, p99 %.2f ms; ratio %.3f of the requests/s\n' \
	"$STATIC_RPS" "$STATIC_P99" "$(awk -v a="$RPS" -v b="$STATIC_RPS" 'BEGIN { print (b > 0 ? a / b : 0) }')"
echo "   answers not 303: $((N - OK)) (must be 0); connection errors: $ERRORS; orders made: $MADE"
[ "$N" -lt "$BUYERS" ] || echo "   warning: every buyer was used before DURATION ended: raise BUYERS" >&2
awk -v r="$RPS" 'BEGIN { exit !(r >= 2000) }' && echo "   goal >= 2,000/s: met" ||
	echo "   goal >= 2,000/s: MISSED"

# --- 2. propagation ---------------------------------------------------------
wait_until "$SETTLE" "$IN_REPLICAS" || die "the replicas did not catch up within $SETTLE s"
cpu_each "$TMP/pids" "$TMP/pids.other" >"$TMP/cpu1"
# The listings that took reservations in 1: the write of the final
# version in orders, its publication (the orders outbox row's sent_at: the
# relay's share), its rows in the two replicas.
RUN_LISTINGS="FROM ticketing_orders.stock s
	JOIN ticketing_tickets.stock_replica t ON t.id = s.listing_id
	JOIN ticketing_events.stock_replica e ON e.id = s.listing_id
	JOIN ticketing_tickets.listings l ON l.id = s.listing_id
	LEFT JOIN (SELECT JSON_VALUE(payload, '\$.aggregate_id') a,
		JSON_VALUE(payload, '\$.aggregate_version') v, sent_at FROM ticketing_orders.outbox
		WHERE id > $OUTBOX0 AND subject = 'ticketing.stock.changed') o
		ON o.a = s.listing_id AND o.v = s.version
	WHERE l.seller_id = '$SELLER_ID' AND s.listing_id <> '$BURST_LISTING' AND s.version > 1"
sqlq "SELECT TIMESTAMPDIFF(MICROSECOND, s.updated_at, o.sent_at) / 1000,
		TIMESTAMPDIFF(MICROSECOND, s.updated_at, t.updated_at) / 1000,
		TIMESTAMPDIFF(MICROSECOND, s.updated_at, e.updated_at) / 1000 $RUN_LISTINGS" >"$TMP/lat"
read -r EVENTS SPAN_O SPAN_T SPAN_E < <(sqlq "SELECT SUM(s.version - 1),
		TIMESTAMPDIFF(MICROSECOND, '$LOAD_T0', MAX(o.sent_at)) / 1000000,
		TIMESTAMPDIFF(MICROSECOND, '$LOAD_T0', MAX(t.updated_at)) / 1000000,
		TIMESTAMPDIFF(MICROSECOND, '$LOAD_T0', MAX(e.updated_at)) / 1000000 $RUN_LISTINGS")
echo "2. propagation under 1: write in orders -> row of the same version ($(wc -l <"$TMP/lat") listings)"
for col in 1 2 3; do
	case $col in
	1) span=$SPAN_O name="published (relay-orders)" ;;
	2) span=$SPAN_T name="ticketing_tickets.stock_replica" ;;
	3) span=$SPAN_E name="ticketing_events.stock_replica" ;;
	esac
	cut -f "$col" "$TMP/lat" | sort -n | awk -v name="$name" -v ev="$EVENTS" -v span="$span" \
		-v goal="$((col > 1))" '
		function pct(p,   i) { i = int(NR * p + 0.5); if (i < 1) i = 1; return v[i] }
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "   no samples"; exit }
			printf "   %-32s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms; %d stock.changed by %.2f s: %.0f/s\n",
				name, pct(0.50), pct(0.99), v[NR], ev, span, (span > 0 ? ev / span : 0)
			if (goal)
				printf "   %-32s goal p50 <= 5 ms, p99 <= 50 ms: %s\n", "",
					pct(0.50) <= 5 && pct(0.99) <= 50 ? "met" : "MISSED"
		}'
done

# --- 3. PSS -----------------------------------------------------------------
echo "3. PSS during 1 (/proc/PID/smaps_rollup, sampled each second)"
awk '{ if ($2 > max[$1]) max[$1] = $2; last[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } }
	END {
		printf "   %-20s %10s %10s\n", "process", "max MB", "last MB"
		for (i = 1; i <= n; i++)
			printf "   %-20s %10.1f %10.1f\n", o[i], max[o[i]] / 1024, last[o[i]] / 1024
	}' "$TMP/pss"

echo "   CPU per reservation of 1, until its events were replicated (ms; from /proc/PID/stat):"
cpu_per "$OK" "reservations/s with their events replicated" "$TMP/cpu0" "$TMP/cpu1"

# --- 4. the burst -----------------------------------------------------------
tail -n "$BURST" "$TMP/tokens" | paste -d ' ' - <(tail -n "$BURST" "$TMP/keys") |
	awk -v l="$BURST_LISTING" '{
		printf "tk_session=%s ticket_id=%s&quantity=1&idempotency_key=%s&csrf_token=%s\n",
			$1, l, $3, $2 }' >"$TMP/burst"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$DRIVE" 127.0.0.1 "$PORT" POST /orders "$BURST" 0 "$TMP/burst" >"$TMP/burst.out" ||
	die "bench/drive failed"
B_OK=$(status_count 303 "$TMP/burst.out")
B_409=$(status_count 409 "$TMP/burst.out")
B_5XX=$(awk '$1 == "status" && $2 >= 500 { n += $3 } END { print n + 0 }' "$TMP/burst.out")
B_MADE=$(sqlq "SELECT COUNT(*) FROM ticketing_orders.orders WHERE listing_id = '$BURST_LISTING'")
read -r BP50 BP99 BMAX < <(field latency "$TMP/burst.out")
echo "4. burst: $BURST buyers at once for one listing of $BURST_UNITS units"
printf '   %d answers in %.3f s: %.0f requests/s (goal >= 1,000), %.3f of nginx static; p50 %.1f ms, p99 %.1f ms\n' \
	"$(field requests "$TMP/burst.out")" "$(field seconds "$TMP/burst.out")" \
	"$(field rps "$TMP/burst.out")" \
	"$(awk -v a="$(field rps "$TMP/burst.out")" -v b="$STATIC_RPS" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
	"$BP50" "$BP99"
echo "   303: $B_OK, 409: $B_409, 5xx: $B_5XX, connection errors: $(field errors "$TMP/burst.out"); orders: $B_MADE"
if [ "$B_MADE" = "$BURST_UNITS" ] && [ "$B_OK" = "$BURST_UNITS" ] &&
	[ "$B_409" = $((BURST - BURST_UNITS)) ] && [ "$B_5XX" = 0 ]; then
	echo "   exactly $BURST_UNITS won, the other $((BURST - BURST_UNITS)) got 409: met"
else
	echo "   exactly $BURST_UNITS won, the other $((BURST - BURST_UNITS)) got 409: FAILED"
	BURST_FAILED=1
fi
echo "after: $(uptime)"
[ -z "${BURST_FAILED:-}" ]
