#!/usr/bin/env bash
# bench/signin.sh: the sign-in page rendered by the auth service (nginx,
# FastCGI, template, CSRF token, visitor cookie) against the very same bytes
# served by nginx from a file, in one run on one machine. Prints requests/s
# and p99 latency of each and their ratios.
#
# Needs the local stack (scripts/dev up) and wrk. Knobs: PORT (default: the
# port of the stack in RUN_DIR, else 8080), RUN_DIR (default run/),
# THREADS (2), CONNECTIONS (32), DURATION (10s).
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
BASE=http://127.0.0.1:$PORT

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
[ -d "$RUN_DIR/bench" ] || die "no local stack in $RUN_DIR (start it with scripts/dev up)"

# The page as the service renders it for a first-time visitor, saved where
# the local stack's nginx serves /bench/ from.
PAGE=$RUN_DIR/bench/signin.html
curl -fsS --noproxy '*' -o "$PAGE" "$BASE/auth/signin" ||
	die "GET $BASE/auth/signin failed: is the stack up on port $PORT?"
curl -fsS --noproxy '*' -o "$PAGE.check" "$BASE/bench/signin.html" ||
	die "nginx does not serve $BASE/bench/signin.html"
cmp -s "$PAGE" "$PAGE.check" || die "the static copy differs from the page"
rm -f "$PAGE.check"

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

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against $BASE ($(wc -c <"$PAGE") bytes per page)"
read -r dyn_rps dyn_p99 < <(measure "$BASE/auth/signin")
read -r sta_rps sta_p99 < <(measure "$BASE/bench/signin.html")

awk -v dr="$dyn_rps" -v dp="$dyn_p99" -v sr="$sta_rps" -v sp="$sta_p99" 'BEGIN {
	printf "%-44s %10.0f req/s   p99 %8.2f ms\n", "GET /auth/signin (auth service)", dr, dp
	printf "%-44s %10.0f req/s   p99 %8.2f ms\n", "GET /bench/signin.html (nginx, same bytes)", sr, sp
	if (sr > 0 && dp > 0)
		printf "service/static: %.2f of the requests/s, %.2fx the p99 latency\n", dr / sr, dp / sp
}'
