#!/usr/bin/env bash
# bench/backbone.sh: the event backbone alone at a controlled rate, on the
# local stack. For each rate of RATES, bench/stockload commits RATE stock
# changes a second for SECONDS_EACH seconds in the orders database, each as
# the orders service commits one (the stock row and its stock.changed in
# one transaction, by fcgi/orders/ledger.c, then the relay's nudge), on
# listings made for the run. The orders relay publishes them, the
# replicator applies them to ticketing_tickets.stock_replica (consumer
# tickets-stock) and ticketing_events.stock_replica (events-stock). The
# figures per rate and replica:
#   - the rate the commits reached;
#   - latency from the commit (the outbox row's created_at) to the replica
#     row (its updated_at), both stamped by the one MariaDB server: p50,
#     p99, max (goal: p50 <= 5 ms and p99 <= 50 ms at >= 1,000 events/s);
#   - delivered events/s: the changes over the time from the first commit
#     to the last replica write;
#   - the CPU the orders relay, the replicators, NATS and MariaDB spent
#     per second of the run, every instance and node of each together on
#     the cluster stack (scripts/dev up --cluster), and the load average
#     before and after (the machine's other work shows there: compare
#     runs by their ratios);
#   - where the stack has a MariaDB replica (the cluster stack), its lag
#     during the run: a heartbeat row written on the primary every
#     BEAT_MS (50 commits a second more on the primary at the default)
#     and read on the replica every BEAT_READ_MS; each beat's lag is the
#     replica's clock when it first saw the beat less the primary's when
#     it wrote it (one machine, one clock), p50/p99/max, so a figure is
#     at most BEAT_READ_MS above the true lag.
# Each listing is changed once, so each replica row carries the stamp of
# its own event. The run's rows (stock, listings_replica, both
# stock_replica) are removed at the end, also after a failure; the outbox
# rows stay, as the service's would.
#
# Needs the local stack (scripts/dev up) and bench/stockload (make). Knobs:
# RUN_DIR (default run/), RATES (events/s, default "1000 2000 4000"),
# SECONDS_EACH (5), THREADS (stockload's connections, 4), WAIT (seconds to
# wait for the replicas after the last commit, 120), BEAT_MS (20),
# BEAT_READ_MS (5).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RUN_DIR=${RUN_DIR:-$ROOT/run}
RATES=${RATES:-1000 2000 4000}
SECONDS_EACH=${SECONDS_EACH:-5}
THREADS=${THREADS:-4}
WAIT=${WAIT:-120}
BEAT_MS=${BEAT_MS:-20}
BEAT_READ_MS=${BEAT_READ_MS:-5}
OD=ticketing_orders
REPLICAS="ticketing_tickets ticketing_events"

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

[ -f "$RUN_DIR/stack.env" ] || die "no local stack in $RUN_DIR (start it with scripts/dev up)"
[ -x "$ROOT/bench/stockload" ] || die "bench/stockload is not built (make)"
SOCK=$(sed -n 's/^MARIADB_SOCK=//p' "$RUN_DIR/stack.env")
sqlq() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B -e "$1"; }
ctl() { supervisorctl -c "$RUN_DIR/supervisord.conf" "$@"; }
sqlq "SELECT 1" >/dev/null || die "MariaDB does not answer on $SOCK"
# The programs whose CPU is counted, each with all its instances (NAME,
# or NAME-1, NAME-2... on the cluster stack); the replica where it runs.
PROGRAMS="relay-orders replicator-tickets replicator-events nats mariadb"
STATUS=$({ ctl status || true; } | tr -d ,)
declare -A PID
for p in $PROGRAMS mariadb-replica; do
	PID[$p]=$(awk -v p="$p" '$2 == "RUNNING" && ($1 == p || $1 ~ "^" p "-[0-9]+$") {
		printf "%s ", $4 }' <<<"$STATUS")
	[ -n "${PID[$p]}" ] || [ "$p" = mariadb-replica ] || die "$p does not run"
done
RSOCK=
if [ -n "${PID[mariadb-replica]}" ]; then
	PROGRAMS="$PROGRAMS mariadb-replica"
	RSOCK=$(sed -n 's/^MARIADB_REPLICA_SOCK=//p' "$RUN_DIR/stack.env")
fi

# ticks PID...: user + system CPU time of the processes so far, in clock
# ticks.
ticks() {
	local pid n=0
	for pid in "$@"; do n=$((n + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
	echo "$n"
}
HZ=$(getconf CLK_TCK)
now() { date +%s.%N; }
load() { cut -d ' ' -f 1-3 /proc/loadavg; }

# This run's ids start with TAG (8 hex digits: every id is a UUID, as
# the replicas' reader of stock.changed demands).
TAG=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
HB_PIDS=
cleanup() {
	[ -z "$HB_PIDS" ] || kill $HB_PIDS 2>/dev/null || true
	[ -z "$RSOCK" ] || sqlq "DROP DATABASE IF EXISTS $HB" ||
		printf 'bench: could not drop %s\n' "$HB" >&2
	sqlq "DELETE FROM $OD.stock WHERE listing_id LIKE '$TAG%';
		DELETE FROM $OD.listings_replica WHERE id LIKE '$TAG%';
		DELETE FROM ticketing_tickets.stock_replica WHERE id LIKE '$TAG%';
		DELETE FROM ticketing_events.stock_replica WHERE id LIKE '$TAG%'" ||
		printf 'bench: could not remove the rows of %s\n' "$TAG" >&2
}
trap cleanup EXIT

# The replica's heartbeat: one row in a database of its own, made for the
# run and dropped at its end (the drop replicates too).
HB=tk_bench_heartbeat
# beats MS SQL: SQL and a pause of MS milliseconds, again and again, for
# one client that runs them one after the other (it ends when the client
# does).
beats() {
	local pause
	pause=$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')
	shift
	while :; do printf '%s; DO SLEEP(%s);\n' "$1" "$pause"; done
}
rsqlq() { mariadb --no-defaults -u"$(id -un)" --socket="$RSOCK" -N -B -e "$1"; }
# heartbeat_start FILE: beats written on the primary and read on the
# replica, the replica's readings ("beat lag_us", one a line) into FILE.
heartbeat_start() {
	local i
	sqlq "CREATE DATABASE IF NOT EXISTS $HB;
		CREATE OR REPLACE TABLE $HB.beat (id TINYINT PRIMARY KEY, n BIGINT NOT NULL,
			at DATETIME(6) NOT NULL);
		INSERT INTO $HB.beat VALUES (1, 0, NOW(6))"
	for i in $(seq 50); do
		[ "$(rsqlq "SELECT COUNT(*) FROM $HB.beat" 2>/dev/null)" != 1 ] || break
		[ "$i" -lt 50 ] || die "the replica does not follow the primary"
		sleep 0.2
	done
	beats "$BEAT_MS" "UPDATE $HB.beat SET n = n + 1, at = NOW(6) WHERE id = 1" |
		mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" >/dev/null &
	HB_PIDS=$!
	beats "$BEAT_READ_MS" "SELECT n, TIMESTAMPDIFF(MICROSECOND, at, NOW(6)) FROM $HB.beat" |
		mariadb --no-defaults -u"$(id -un)" --socket="$RSOCK" -N -B --unbuffered >"$1" &
	HB_PIDS="$HB_PIDS $!"
}
# heartbeat_stop FILE: the beats stopped; the lag of each beat the
# replica saw (its first reading), p50/p99/max.
heartbeat_stop() {
	kill $HB_PIDS 2>/dev/null || true
	wait $HB_PIDS 2>/dev/null || true
	HB_PIDS=
	awk '$1 > 0 && (!($1 in m) || $2 < m[$1]) { m[$1] = $2 } END { for (b in m) print m[b] / 1000 }' \
		"$1" | sort -n | awk -v ms="$BEAT_READ_MS" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "   MariaDB replica: no beat seen"; exit }
			printf "   MariaDB replica    lag p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms;", \
				v[int(NR * 0.50 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR]
			printf "  %d beats, each read within %d ms\n", NR, ms
		}'
}

# listings PREFIX N: N active listings with their stock rows, ids
# PREFIX-7000-8000-000000000001.. (PREFIX is TAG-xxxx), for an event and a
# seller that exist nowhere else.
listings() {
	sqlq "INSERT INTO $OD.listings_replica (id, event_id, seller_id, quantity, price, currency,
		state, version)
		SELECT CONCAT('$1-7000-8000-', LPAD(seq, 12, '0')),
		'$TAG-0000-7000-8000-0000000e0e47', '$TAG-0000-7000-8000-00000005e11e', 10, 2500,
		'EUR', 'active', 1 FROM $OD.seq_1_to_$2;
		INSERT INTO $OD.stock (listing_id, offered, quantity, ticket_version)
		SELECT CONCAT('$1-7000-8000-', LPAD(seq, 12, '0')), 10, 10, 1
		FROM $OD.seq_1_to_$2"
}

# arrived DB PREFIX: replica rows of DB holding the run's change.
arrived() {
	sqlq "SELECT COUNT(*) FROM $1.stock_replica WHERE id LIKE '$2-%' AND version >= 2"
}

# figures DB PREFIX FROM_ID: latency p50/p99/max and delivered events/s of
# the replica of DB, from the outbox rows after FROM_ID.
figures() {
	sqlq "SELECT TIMESTAMPDIFF(MICROSECOND, o.created_at, r.updated_at) / 1000,
		UNIX_TIMESTAMP(o.created_at), UNIX_TIMESTAMP(r.updated_at)
		FROM $OD.outbox o JOIN $1.stock_replica r
		ON r.id = JSON_VALUE(o.payload, '\$.aggregate_id')
		WHERE o.id > $3 AND o.subject = 'ticketing.stock.changed' AND r.id LIKE '$2-%'" |
		sort -n | awk -v db="$1" '
		{ v[NR] = $1; if (NR == 1 || $2 < first) first = $2; if ($3 > last) last = $3 }
		END {
			if (NR == 0) { print "   " db ": nothing arrived"; exit }
			p50 = v[int(NR * 0.50 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)]
			printf "   %-18s commit -> replica p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms;", db,
				p50, p99, v[NR]
			printf "  delivered %d at %.0f events/s\n", NR, NR / (last - first)
		}'
}

echo "backbone: rates $RATES events/s, $SECONDS_EACH s each, $THREADS connections (run $TAG)"
for rate in $RATES; do
	n=$((rate * SECONDS_EACH))
	prefix=$TAG-$(printf '%04x' "$rate")
	listings "$prefix" "$n"
	from=$(sqlq "SELECT COALESCE(MAX(id), 0) FROM $OD.outbox")
	echo "rate $rate/s: $n changes; load average $(load)"
	declare -A T0
	for p in $PROGRAMS; do T0[$p]=$(ticks ${PID[$p]}); done
	[ -z "$RSOCK" ] || heartbeat_start "$RUN_DIR/bench/heartbeat.$rate"
	s0=$(now)
	printf '   '
	"$ROOT/bench/stockload" --config "$RUN_DIR/conf/orders.conf" --rate "$rate" \
		--threads "$THREADS" "$prefix" || die "stockload failed"
	for db in $REPLICAS; do
		until [ "$(arrived "$db" "$prefix")" -ge "$n" ]; do
			awk -v a="$(now)" -v b="$s0" -v l="$((SECONDS_EACH + WAIT))" \
				'BEGIN { exit !(a < b + l) }' ||
				die "$db: $(arrived "$db" "$prefix") of $n changes arrived within $WAIT s"
			sleep 0.2
		done
	done
	s1=$(now)
	cpu=""
	for p in $PROGRAMS; do
		cpu="$cpu$(awk -v p="$p" -v a="${T0[$p]}" -v b="$(ticks ${PID[$p]})" \
			-v t0="$s0" -v t1="$s1" -v hz="$HZ" \
			'BEGIN { printf "%s %.0f, ", p, (b - a) * 1000 / hz / (t1 - t0) }')"
	done
	for db in $REPLICAS; do figures "$db" "$prefix" "$from"; done
	[ -z "$RSOCK" ] || heartbeat_stop "$RUN_DIR/bench/heartbeat.$rate"
	echo "   CPU ms/s: ${cpu%, }; load average $(load)"
done
