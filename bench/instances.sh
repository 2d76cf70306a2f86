#!/usr/bin/env bash
# bench/instances.sh: what the second instance of every FastCGI service
# buys, on the cluster stack (scripts/dev up --cluster), in one run:
# bench/pages.sh (every page a buyer sees, against nginx static) and
# bench/reserve.sh (reservations without contention, propagation, the
# burst) first with both instances of every service behind nginx, then
# with instance 2 of each stopped (nginx's upstream sends everything to
# instance 1; the workers keep their two instances), then instance 2
# started again, also after a failure. Prints each run's figures and a
# table of requests/s, one instance against two. On one machine both
# instances share its cores: the ratio says what a second process costs
# or buys on the same cores, not what a second host would add.
#
# Knobs: RUN_DIR (default run-cluster/), DURATION (4s, each wrk run of
# pages.sh and the load of reserve.sh), BUYERS (reserve.sh's, 20000).
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
export RUN_DIR=${RUN_DIR:-$HERE/../run-cluster}
export DURATION=${DURATION:-4s} BUYERS=${BUYERS:-20000}
. "$HERE/lib.sh"

SERVICES=$(sed -n 's/^TK_FCGI_SERVICES = //p' "$ROOT/deploy/programs.mk")
for svc in $SERVICES; do
	ctl status "$svc-2" 2>/dev/null | grep -q RUNNING ||
		die "$svc-2 does not run: start the cluster stack (scripts/dev up --cluster)"
done
OUT=$RUN_DIR/bench/instances
mkdir -p "$OUT"

second() { for svc in $SERVICES; do ctl "$1" "$svc-2" >/dev/null; done; }
trap 'second start' EXIT

# run N: both benchmarks with N instances of every service, into OUT/N.*.
run() {
	echo "=== $1 instance(s) of every FastCGI service"
	"$HERE/pages.sh" | tee "$OUT/$1.pages"
	"$HERE/reserve.sh" | tee "$OUT/$1.reserve"
}

run 2
second stop
run 1
second start

# The requests/s of each page and of the reservations, one against two.
rates() {
	awk '/^GET / && !/\/bench\// { sub(/.*\(/, ""); l = $0; sub(/\).*/, "", l)
			print l "|" $(NF - 4) }' "$OUT/$1.pages"
	awk '/^   POST \/orders:/ { print "reservations|" $3 }
		/answers in/ { print "burst (refusals included)|" $6 }' "$OUT/$1.reserve"
}
echo
echo "=== requests/s, one instance of every service against two"
printf '%-28s %10s %10s %8s\n' what two one "two/one"
join -t'|' <(rates 2 | sort -t'|' -k1,1) <(rates 1 | sort -t'|' -k1,1) |
	awk -F'|' '{ printf "%-28s %10.0f %10.0f %8.2f\n", $1, $2, $3, ($3 > 0 ? $2 / $3 : 0) }'
