#!/usr/bin/env bash
# bench/home.sh: the home page and a search page rendered by the events
# service (nginx, FastCGI, one prepared query with the page's total, the
# template) against the very same bytes served by nginx from a file, in one
# run on one machine. Prints requests/s and p99 latency of each and the
# ratios. The target: the home page at no less than 25% of nginx's static
# rate.
#
# Needs the local stack with its demo catalogue (scripts/dev up) and wrk.
# Knobs: PORT (default: the port of the stack in RUN_DIR, else 8080),
# RUN_DIR (default run/), THREADS (2), CONNECTIONS (32), DURATION (10s),
# SEARCH (the search page's query string, default q=jazz).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RUN_DIR=${RUN_DIR:-$ROOT/run}
if [ -z "${PORT:-}" ] && [ -f "$RUN_DIR/stack.env" ]; then
	PORT=$(sed -n 's/^PORT=//p' "$RUN_DIR/stack.env")
fi
PORT=${PORT:-8080}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
SEARCH=${SEARCH:-q=jazz}
BASE=http://127.0.0.1:$PORT

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
[ -d "$RUN_DIR/bench" ] || die "no local stack in $RUN_DIR (start it with scripts/dev up)"

# snapshot URL_PATH FILE: the page as the service renders it for a
# first-time visitor, saved where the local stack's nginx serves /bench/.
snapshot() {
	curl -fsS --noproxy '*' -o "$RUN_DIR/bench/$2" "$BASE$1" ||
		die "GET $BASE$1 failed: is the stack up on port $PORT?"
	curl -fsS --noproxy '*' -o "$RUN_DIR/bench/$2.check" "$BASE/bench/$2" ||
		die "nginx does not serve $BASE/bench/$2"
	cmp -s "$RUN_DIR/bench/$2" "$RUN_DIR/bench/$2.check" ||
		die "the static copy of $1 differs from the page"
	rm -f "$RUN_DIR/bench/$2.check"
}
snapshot / home.html
snapshot "/events?$SEARCH" search.html
grep -q 'class="cards"' "$RUN_DIR/bench/home.html" ||
	die "the home page lists no event: seed the catalogue (scripts/dev up)"

# measure URL: "requests_per_second p99_in_ms" from one wrk run.
measure() {
	wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /m$/) return v * 60000
			if (v ~ /s$/) return v * 1000
			return v
		}
		/^Requests\/sec:/ { rps = $2 }
		$1 == "99%" { p99 = ms($2) }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		/Socket errors:/ { errs = $0 }
		END {
			if (bad) printf "warning: %s non-2xx answers\n", bad > "/dev/stderr"
			if (errs) printf "warning: %s\n", errs > "/dev/stderr"
			printf "%s %s\n", rps, p99
		}'
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against $BASE"
echo "  home page $(wc -c <"$RUN_DIR/bench/home.html") bytes, search page $(wc -c <"$RUN_DIR/bench/search.html") bytes"
read -r home_rps home_p99 < <(measure "$BASE/")
read -r hsta_rps hsta_p99 < <(measure "$BASE/bench/home.html")
read -r srch_rps srch_p99 < <(measure "$BASE/events?$SEARCH")
read -r ssta_rps ssta_p99 < <(measure "$BASE/bench/search.html")

awk -v hr="$home_rps" -v hp="$home_p99" -v hsr="$hsta_rps" -v hsp="$hsta_p99" \
	-v sr="$srch_rps" -v sp="$srch_p99" -v ssr="$ssta_rps" -v ssp="$ssta_p99" \
	-v q="$SEARCH" 'BEGIN {
	printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET / (events service)", hr, hp
	printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET /bench/home.html (nginx, same bytes)", hsr, hsp
	printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET /events?" q " (events service)", sr, sp
	printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET /bench/search.html (nginx, same bytes)", ssr, ssp
	if (hsr > 0 && hsp > 0)
		printf "home/static:   %.2f of the requests/s, %.2fx the p99 latency (target: at least 0.25)\n", hr / hsr, hp / hsp
	if (ssr > 0 && ssp > 0)
		printf "search/static: %.2f of the requests/s, %.2fx the p99 latency\n", sr / ssr, sp / ssp
}'
