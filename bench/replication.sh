#!/usr/bin/env bash
# bench/replication.sh: what replicating the event stream costs, on the
# cluster stack (scripts/dev up --cluster), in one run: bench/backbone.sh
# at one controlled rate with the stream and its consumers kept by three
# NATS nodes (R3, the stack's setting), then by one (R1), then three
# again (also after a failure). Between the runs `ticketingctl
# setup-backbone` changes the replicas (with a copy of the stack's
# admin.conf that differs only in stream_replicas) and waits until the
# stream and every consumer have followed; `stream-status` must then
# say so, or the run stops. Prints each run's figures (commit -> replica
# in the tickets and events databases, the MariaDB replica's lag, the
# CPU of the relays, replicators, NATS nodes and MariaDB servers) and a
# table of the figures, R3 against R1.
#
# Knobs: RUN_DIR (default run-cluster/), RATE (events/s, default 200: the
# cluster stack on two cores commits about 400 a second at most, and a
# rate it sustains measures the path, not a queue), SECONDS_EACH (10).
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$HERE/.." && pwd -P)
export RUN_DIR=${RUN_DIR:-$ROOT/run-cluster}
RATE=${RATE:-200}
export SECONDS_EACH=${SECONDS_EACH:-10}
CTL=$ROOT/tools/ticketingctl
ADMIN=$RUN_DIR/conf/admin.conf

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

[ -f "$RUN_DIR/stack.env" ] || die "no stack in $RUN_DIR (start it with scripts/dev up --cluster)"
grep -qx 'CLUSTER=1' "$RUN_DIR/stack.env" || die "the stack in $RUN_DIR is not the cluster stack"
STACK_R=$(sed -n 's/^stream_replicas = //p' "$ADMIN")
[ "${STACK_R:-1}" -gt 1 ] || die "the stack's stream has one replica (admin.conf)"
OUT=$RUN_DIR/bench/replication
mkdir -p "$OUT"

# replicas N: the stream and its consumers on N nodes, all current
# (asked for 30 s: a follower may be a moment behind after the change).
replicas() {
	local conf=$ADMIN line i
	if [ "$1" != "$STACK_R" ]; then
		conf=$OUT/admin-R$1.conf
		(umask 077 && sed "s/^stream_replicas = .*/stream_replicas = $1/" "$ADMIN" >"$conf")
	fi
	"$CTL" --config "$conf" setup-backbone >"$OUT/setup" 2>&1 ||
		die "setup-backbone R$1 failed: $(cat "$OUT/setup")"
	for i in $(seq 30); do
		line=$("$CTL" --config "$ADMIN" stream-status | sed -n 's/^replicas: //p')
		# "N configured; the stream on N nodes, N current; C of C consumers
		# on N nodes, all current"
		[ "$(sed -n "s/^$1 configured; the stream on $1 nodes, $1 current; \([0-9]*\) of \1 consumers on $1 nodes, all current$/ok/p" <<<"$line")" != ok ] || break
		[ "$i" -lt 30 ] || die "after 30 s, not all on $1 nodes: $line"
		sleep 1
	done
	echo "R$1: $line"
}
trap 'replicas "$STACK_R" >/dev/null' EXIT

# run N: bench/backbone.sh at RATE with the stream on N nodes, into OUT/RN.
run() {
	echo "=== the stream and its consumers on $1 NATS node(s)"
	replicas "$1"
	RATES=$RATE "$HERE/backbone.sh" | tee "$OUT/R$1"
}

run "$STACK_R"
run 1

# figures FILE: "what|value" of a backbone.sh report.
figures() {
	awk '/commit -> replica/ { print $1 " p50|" $6; print $1 " p99|" $9 }
		/lag p50/ { print "replica lag p50|" $5; print "replica lag p99|" $8 }
		/CPU ms\/s/ { sub(/.*CPU ms\/s: /, ""); sub(/; load.*/, ""); n = split($0, a, ", ")
			for (i = 1; i <= n; i++) { split(a[i], w, " "); print "CPU ms/s " w[1] "|" w[2] } }' "$1"
}
echo
echo "=== $RATE events/s for $SECONDS_EACH s: the stream on $STACK_R nodes against 1"
printf '%-36s %10s %10s %8s\n' what "R$STACK_R" R1 "R$STACK_R/R1"
join -t'|' <(figures "$OUT/R$STACK_R" | sort -t'|' -k1,1) <(figures "$OUT/R1" | sort -t'|' -k1,1) |
	awk -F'|' '{ printf "%-36s %10.1f %10.1f %8.2f\n", $1, $2, $3, ($3 > 0 ? $2 / $3 : 0) }'
