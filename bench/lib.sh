# bench/lib.sh: what the page benchmarks share. A page rendered by a service
# is measured against the very same bytes served by nginx from a file, in
# one run on one machine, with wrk through the local stack's nginx.
#
# Knobs: PORT (default: the port of the stack in RUN_DIR, else 8080),
# RUN_DIR (default run/), THREADS (2), CONNECTIONS (32), DURATION (10s).
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

# cookie_args [SESSION]: the curl and wrk arguments that send the session
# cookie SESSION, into the array COOKIE_ARGS (none without SESSION).
cookie_args() {
	COOKIE_ARGS=()
	if [ -n "${1:-}" ]; then COOKIE_ARGS=(-H "Cookie: tk_session=$1"); fi
}

# session EMAIL [PASSWORD]: the session cookie of a sign-in by EMAIL
# (PASSWORD defaults to the demo accounts' one).
session() {
	local jar=$RUN_DIR/bench/session.jar token
	rm -f "$jar"
	token=$(curl -fsS --noproxy '*' -c "$jar" -b "$jar" "$BASE/auth/signin" |
		sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -sS --noproxy '*' -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=$1" \
		--data-urlencode "password=${2:-demo-password-123}" --data-urlencode "csrf_token=$token" \
		"$BASE/auth/signin"
	awk -F '\t' 'NF >= 7 && $6 == "tk_session" { print $7 }' "$jar"
}

# snapshot URL_PATH FILE [SESSION]: the page as the service renders it for
# a first-time visitor (or the holder of session cookie SESSION), saved
# where the local stack's nginx serves /bench/ from, and checked to come
# back from nginx byte for byte.
snapshot() {
	cookie_args "${3:-}"
	curl -fsS --noproxy '*' "${COOKIE_ARGS[@]}" -o "$RUN_DIR/bench/$2" "$BASE$1" ||
		die "GET $BASE$1 failed: is the stack up on port $PORT?"
	curl -fsS --noproxy '*' -o "$RUN_DIR/bench/$2.check" "$BASE/bench/$2" ||
		die "nginx does not serve $BASE/bench/$2"
	cmp -s "$RUN_DIR/bench/$2" "$RUN_DIR/bench/$2.check" ||
		die "the static copy of $1 differs from the page"
	rm -f "$RUN_DIR/bench/$2.check"
}

# wrk_run WRK_ARGS...: one wrk run (-t, -c, -d, the URL and any script are
# the caller's), summed up on one line: requests/s, p50 and p99 in ms,
# requests answered, socket errors (connect, read, write, timeout), non-2xx
# answers. The lines a wrk script prints after wrk's report and that start
# with "status ", "cache " or "503_without" (bench/status.lua) follow it.
wrk_run() {
	wrk --latency "$@" | awk '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /m$/) return v * 60000
			if (v ~ /s$/) return v * 1000
			return v
		}
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/ requests in / { n = $1 }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		/Socket errors:/ {
			gsub(/,/, "")
			conn = $4; rd = $6; wr = $8; to = $10
		}
		/^status |^cache |^503_without/ { extra = extra $0 "\n" }
		END {
			printf "%s %s %s %s %d %d %d %d %d\n", rps, p50, p99, n, conn, rd, wr, to, bad
			printf "%s", extra
		}'
}

# measure URL [SESSION]: "requests_per_second p99_in_ms" from one wrk run
# (sending session cookie SESSION).
measure() {
	local rps p50 p99 n conn rd wr to bad
	cookie_args "${2:-}"
	read -r rps p50 p99 n conn rd wr to bad < <(wrk_run -t"$THREADS" -c"$CONNECTIONS" \
		-d"$DURATION" "${COOKIE_ARGS[@]}" "$1")
	[ "$bad" = 0 ] || printf 'warning: %s non-2xx answers\n' "$bad" >&2
	[ $((conn + rd + wr + to)) = 0 ] ||
		printf 'warning: socket errors: connect %s, read %s, write %s, timeout %s\n' \
			"$conn" "$rd" "$wr" "$to" >&2
	printf '%s %s\n' "$rps" "$p99"
}

# compare LABEL URL_PATH FILE [TARGET [SESSION]]: measure the page at
# URL_PATH (as the holder of session cookie SESSION, if given) and its
# static copy FILE (made by snapshot), print both and the ratios; with
# TARGET, the ratio of requests/s the page should reach at least.
compare() {
	local dyn_rps dyn_p99 sta_rps sta_p99
	read -r dyn_rps dyn_p99 < <(measure "$BASE$2" "${5:-}")
	read -r sta_rps sta_p99 < <(measure "$BASE/bench/$3")
	awk -v l="$1" -v u="$2" -v f="$3" -v t="${4:-}" -v dr="$dyn_rps" -v dp="$dyn_p99" \
		-v sr="$sta_rps" -v sp="$sta_p99" 'BEGIN {
		printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET " u " (" l ")", dr, dp
		printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET /bench/" f " (nginx, same bytes)", sr, sp
		if (sr > 0 && sp > 0)
			printf "%s/static: %.2f of the requests/s, %.2fx the p99 latency%s\n", l, dr / sr,
				dp / sp, t != "" ? " (target: at least " t ")" : ""
	}'
}

# header: the run's settings.
header() {
	echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against $BASE"
}

# cpu_ticks PID...: the user + system CPU time the processes PID... have
# used so far, in clock ticks (getconf CLK_TCK a second); a process that
# is gone counts 0.
cpu_ticks() {
	local pid n=0
	for pid in "$@"; do
		n=$((n + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo "$n"
}
