#!/usr/bin/env bash
# bench/propagation.sh: the event backbone under load, on the local stack.
#
#   1. propagation: sign-ups at a steady RATE for SECONDS; for each, the time
#      from its commit at auth (users.created_at) to its row in the events
#      service's replica (users_replica.updated_at), both stamped by the one
#      MariaDB server: p50, p95, p99, max, and the events/s delivered
#   2. sign-up requests/s with the backbone running
#   3. sign-up requests/s with the relays and the replicator stopped (the
#      outbox insert stays in the sign-up transaction: what is compared is
#      the cost of the running backbone: nudges, relay, JetStream,
#      replicator), the ratio to 2, then how fast the backlog drains once
#      they start again (events/s through relay, JetStream and replicator,
#      from the first to the last replica write)
#
# Needs the local stack (scripts/dev up). Every sign-up comes from its own
# loopback address so nginx's per-address limit does not interfere. Knobs:
# PORT and RUN_DIR as for scripts/dev; RATE (5/s: keep it below what
# sign-up itself sustains, Argon2id bound, or the latency measures a queue in
# front of auth), SECONDS_STEADY (20), COUNT (200 sign-ups in 2 and 3),
# CONCURRENCY (8).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RUN_DIR=${RUN_DIR:-$ROOT/run}
[ -f "$RUN_DIR/stack.env" ] || { echo "bench: no local stack in $RUN_DIR" >&2; exit 1; }
PORT=${PORT:-$(sed -n 's/^PORT=//p' "$RUN_DIR/stack.env")}
SOCK=$(sed -n 's/^MARIADB_SOCK=//p' "$RUN_DIR/stack.env")
RATE=${RATE:-5}
SECONDS_STEADY=${SECONDS_STEADY:-20}
COUNT=${COUNT:-200}
CONCURRENCY=${CONCURRENCY:-8}
BASE=http://127.0.0.1:$PORT
TAG=bench$$x$RANDOM
NET="127.$((RANDOM % 200 + 20))"
PW=bench-password-1234
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

sql() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B -e "$1"; }
ctl() { supervisorctl -c "$RUN_DIR/supervisord.conf" "$@" >/dev/null; }
now_ms() { date +%s%3N; }

# signup N PHASE: sign-up number N of PHASE from its own address; prints
# the HTTP status.
signup() {
	local n=$1 jar=$TMP/jar.$1.$2 addr token
	addr=$NET.$(((n / 250) % 250 + 1)).$((n % 250 + 2))
	[ "$2" = b ] && addr=$NET.$(((n / 250) % 250 + 100)).$((n % 250 + 2))
	[ "$2" = c ] && addr=$NET.$(((n / 250) % 250 + 200)).$((n % 250 + 2))
	token=$(curl -s --noproxy '*' --interface "$addr" -c "$jar" -b "$jar" "$BASE/auth/signup" |
		sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s --noproxy '*' --interface "$addr" -c "$jar" -b "$jar" -o /dev/null \
		-w '%{http_code}\n' --data-urlencode "name=Bench $n" \
		--data-urlencode "email=$TAG-$2-$n@example.com" --data-urlencode "password=$PW" \
		--data-urlencode "csrf_token=$token" "$BASE/auth/signup"
	rm -f "$jar"
}

# burst PHASE: COUNT sign-ups, CONCURRENCY at a time; prints requests/s.
burst() {
	local t0 t1
	t0=$(now_ms)
	seq 1 "$COUNT" | xargs -P "$CONCURRENCY" -I{} bash -c "$(declare -f signup); \
		TMP=$TMP NET=$NET BASE=$BASE TAG=$TAG PW=$PW signup {} $1" >"$TMP/status.$1"
	t1=$(now_ms)
	awk -v n="$COUNT" -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", n * 1000 / ms }'
	if grep -qv '^303$' "$TMP/status.$1"; then
		echo " (warning: $(grep -cv '^303$' "$TMP/status.$1") sign-ups did not answer 303)" >&2
	fi
}

replicated() {
	sql "SELECT COUNT(*) FROM ticketing_events.users_replica r
		JOIN ticketing_auth.users u ON u.id = r.id WHERE u.email LIKE '$TAG-$1-%'"
}

wait_replicated() {
	local want=$1 phase=$2 i
	for i in $(seq 1 600); do
		[ "$(replicated "$phase")" -ge "$want" ] && return 0
		sleep 0.05
	done
	echo "bench: only $(replicated "$phase") of $want events arrived" >&2
	return 1
}

curl -fsS --noproxy '*' -o /dev/null --interface "$NET.1.1" "$BASE/auth/signup" ||
	{ echo "bench: the stack does not answer at $BASE from $NET.1.1" >&2; exit 1; }

# --- 1. steady rate -------------------------------------------------------
total=$((RATE * SECONDS_STEADY))
echo "1. propagation at $RATE sign-ups/s for $SECONDS_STEADY s ($total events)"
gap=$(awk -v r="$RATE" 'BEGIN { printf "%.4f", 1 / r }')
for n in $(seq 1 "$total"); do
	(TMP=$TMP signup "$n" a >/dev/null) &
	sleep "$gap"
done
wait
wait_replicated "$total" a
sql "SELECT TIMESTAMPDIFF(MICROSECOND, u.created_at, r.updated_at) / 1000
	FROM ticketing_events.users_replica r JOIN ticketing_auth.users u ON u.id = r.id
	WHERE u.email LIKE '$TAG-a-%'" | sort -n >"$TMP/lat"
span=$(sql "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(u.created_at), MAX(r.updated_at)) / 1000000
	FROM ticketing_events.users_replica r JOIN ticketing_auth.users u ON u.id = r.id
	WHERE u.email LIKE '$TAG-a-%'")
awk -v span="$span" '
	function pct(p,   i) { i = int(NR * p + 0.5); if (i < 1) i = 1; return v[i] }
	{ v[NR] = $1 }
	END {
		printf "   latency commit -> replica (ms): p50 %.1f  p95 %.1f  p99 %.1f  max %.1f\n",
			pct(0.50), pct(0.95), pct(0.99), v[NR]
		printf "   delivered %d events in %.2f s: %.1f events/s\n", NR, span, NR / span
	}' "$TMP/lat"

# --- 2. with the backbone ---------------------------------------------------
echo "2. $COUNT sign-ups, $CONCURRENCY at a time, backbone running"
with=$(burst c)
echo "   sign-ups: $with req/s"
wait_replicated "$COUNT" c

# --- 3. without the backbone, then the drain --------------------------------
echo "3. $COUNT sign-ups, $CONCURRENCY at a time, relays and replicator stopped"
ctl stop relay-auth relay-events replicator-events
without=$(burst b)
echo "   sign-ups: $without req/s"
awk -v a="$with" -v b="$without" 'BEGIN {
	printf "   ratio with/without backbone: %.2f\n", a / b }'
ctl start relay-auth relay-events replicator-events
wait_replicated "$COUNT" b
sql "SELECT COUNT(*), TIMESTAMPDIFF(MICROSECOND, MIN(r.updated_at), MAX(r.updated_at)) / 1000000
	FROM ticketing_events.users_replica r JOIN ticketing_auth.users u ON u.id = r.id
	WHERE u.email LIKE '$TAG-b-%'" | awk '{
	printf "   backlog of %d events replicated in %.3f s: %.0f events/s\n", $1, $2,
		($2 > 0 ? $1 / $2 : 0) }'
