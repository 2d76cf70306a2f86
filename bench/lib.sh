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

# measure URL [SESSION]: "requests_per_second p99_in_ms requests" from one
# wrk run (sending session cookie SESSION).
measure() {
	local rps p50 p99 n conn rd wr to bad
	cookie_args "${2:-}"
	read -r rps p50 p99 n conn rd wr to bad < <(wrk_run -t"$THREADS" -c"$CONNECTIONS" \
		-d"$DURATION" "${COOKIE_ARGS[@]}" "$1")
	[ "$bad" = 0 ] || printf 'warning: %s non-2xx answers\n' "$bad" >&2
	[ $((conn + rd + wr + to)) = 0 ] ||
		printf 'warning: socket errors: connect %s, read %s, write %s, timeout %s\n' \
			"$conn" "$rd" "$wr" "$to" >&2
	printf '%s %s %s\n' "$rps" "$p99" "$n"
}

# compare LABEL URL_PATH FILE [TARGET [SESSION]]: measure the page at
# URL_PATH (as the holder of session cookie SESSION, if given) and its
# static copy FILE (made by snapshot), print both and the ratios; with
# TARGET, the ratio of requests/s the page should reach at least.
compare() {
	local dyn_rps dyn_p99 dyn_n sta_rps sta_p99 cpu=$RUN_DIR/bench/cpu
	stack_pids "$cpu.programs" "$cpu.servers"
	cpu_each "$cpu.programs" "$cpu.servers" >"$cpu.before"
	read -r dyn_rps dyn_p99 dyn_n < <(measure "$BASE$2" "${5:-}")
	cpu_each "$cpu.programs" "$cpu.servers" >"$cpu.after"
	read -r sta_rps sta_p99 _ < <(measure "$BASE/bench/$3")
	awk -v l="$1" -v u="$2" -v f="$3" -v t="${4:-}" -v dr="$dyn_rps" -v dp="$dyn_p99" \
		-v sr="$sta_rps" -v sp="$sta_p99" 'BEGIN {
		printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET " u " (" l ")", dr, dp
		printf "%-46s %10.0f req/s   p99 %8.2f ms\n", "GET /bench/" f " (nginx, same bytes)", sr, sp
		if (sr > 0 && sp > 0)
			printf "%s/static: %.2f of the requests/s, %.2fx the p99 latency%s\n", l, dr / sr,
				dp / sp, t != "" ? " (target: at least " t ")" : ""
	}'
	cpu_per "$dyn_n" "requests/s" "$cpu.before" "$cpu.after" |
		awk '$1 == "total" || $2 >= 0.005 {
			printf "%s%s %.0f us", (k++ ? ", " : "  CPU per request: "), $1, $2 * 1000 }
			END { print "" }'
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

# --- the stack's database and its real flows (bench/reserve.sh, bench/purchase.sh)

# SOCK: the local stack's MariaDB socket; DRIVE and MINT: the request
# driver and the session minter of this build (bench_tools builds them).
SOCK=
[ ! -f "$RUN_DIR/stack.env" ] || SOCK=$(sed -n 's/^MARIADB_SOCK=//p' "$RUN_DIR/stack.env")
DRIVE=$ROOT/bench/drive
MINT=$ROOT/tests/integration/mint_tokens

# sqlq QUERY: the rows of QUERY, tab-separated, run as the database
# administrator (the OS user over the stack's socket).
sqlq() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B -e "$1"; }
# ctl ARGS...: supervisorctl of the stack.
ctl() { supervisorctl -c "$RUN_DIR/supervisord.conf" "$@"; }
# field NAME FILE: the value of the line "NAME VALUE..." of bench/drive's
# report FILE (all words after NAME), 0 when absent.
field() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; f = 1 } END { if (!f) print 0 }' "$2"; }
# status_count CODE FILE: the answers with status CODE in report FILE.
status_count() { awk -v c="$1" '$1 == "status" && $2 == c { n = $3 } END { print n + 0 }' "$2"; }
# keys N: N fresh idempotency keys (32 hex characters), one a line.
keys() { head -c $((16 * $1)) /dev/urandom | od -An -v -tx1 -w16 | tr -d ' '; }
# wait_until SECONDS SQL: until the query answers 1; 1 on timeout.
wait_until() {
	local end=$((SECONDS + $1))
	while [ "$(sqlq "$2")" != 1 ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.5 # the query may join every listing of the run: not too often
	done
}

# bench_tools: the stack answers, its database is reachable, and
# bench/drive and mint_tokens are built (made when missing).
bench_tools() {
	local p
	[ -f "$RUN_DIR/stack.env" ] || die "no local stack in $RUN_DIR (start it with scripts/dev up)"
	curl -fsS --noproxy '*' -o /dev/null "$BASE/" || die "the stack does not answer at $BASE"
	[ -S "$SOCK" ] || die "no MariaDB socket at $SOCK"
	for p in bench/drive tests/integration/mint_tokens; do
		[ -x "$ROOT/$p" ] || make -s -C "$ROOT" "$p" >/dev/null || die "cannot build $p"
	done
}

# verified_accounts N TAG: make N member accounts with verified addresses
# (ticketingctl create-user --verified, as an operator vouches for an
# address), wait until the tickets service knows them as verified (only
# such a member may list tickets), and print their ids comma-separated:
# MINT_USERS for mint_tokens, so a benchmark's sellers are real accounts.
verified_accounts() {
	local i id ids=''
	for i in $(seq "$1"); do
		head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' |
			"$ROOT/tools/ticketingctl" --config "$RUN_DIR/conf/auth.conf" create-user \
				--email "seller$i-$2@bench.example" --name "Bench seller $i" --role member \
				--verified >/dev/null || die "cannot make a verified seller"
		id=$(sqlq "SELECT id FROM ticketing_auth.users WHERE email = 'seller$i-$2@bench.example'")
		wait_until 30 "SELECT COUNT(*) = 1 FROM ticketing_tickets.users_replica
			WHERE id = '$id' AND email_verified = 1" ||
			die "the tickets service did not learn of seller $i"
		ids=${ids:+$ids,}$id
	done
	printf '%s\n' "$ids"
}

# bench_event: the id of a scheduled event more than a day ahead that both
# the tickets and the orders services know (the latest such); dies when
# there is none.
bench_event() {
	local ev
	ev=$(sqlq "SELECT t.id FROM ticketing_tickets.events_replica t
		JOIN ticketing_orders.events_replica o ON o.id = t.id
		WHERE t.status = 'scheduled' AND o.status = 'scheduled'
		AND o.starts_at > UTC_TIMESTAMP() + INTERVAL 1 DAY ORDER BY o.starts_at DESC LIMIT 1")
	[ -n "$ev" ] || die "no scheduled event in the replicas: seed the catalogue (scripts/dev up)"
	printf '%s\n' "$ev"
}

# listings_new TOKEN CSRF EVENT SECTION COUNT QUANTITY: COUNT listings of
# QUANTITY units at 10.00 of EVENT by the member of session TOKEN (CSRF
# its form token), through the tickets service's form (POST /tickets/new,
# sent by bench/drive), in section SECTION, rows R1..RCOUNT; dies unless
# every one was made.
listings_new() {
	local dir
	dir=$(mktemp -d)
	keys "$5" | awk -v t="$1" -v c="$2" -v tag="$4" -v q="$6" '{
		printf "tk_session=%s section=%s&row=R%d&quantity=%d&price=10.00&idempotency_key=%s&csrf_token=%s\n",
			t, tag, NR, q, $1, c }' >"$dir/listings"
	"$DRIVE" 127.0.0.1 "$PORT" POST "/tickets/new?event_id=$3" 8 0 "$dir/listings" \
		>"$dir/listings.out" || die "bench/drive failed"
	[ "$(status_count 303 "$dir/listings.out")" = "$5" ] ||
		die "not every listing was made: $(grep status "$dir/listings.out" | tr '\n' ' ')"
	rm -rf "$dir"
}

# stack_pids SERVICES OTHERS: the stack's processes, looked up once
# (supervisorctl is too slow to run while measuring), as "program pid"
# lines: the running FastCGI services and workers into file SERVICES,
# MariaDB, NATS and nginx's workers into file OTHERS (their CPU counts,
# their memory is not the services'). On a cluster stack (scripts/dev up
# --cluster) each instance and node is a program of its own (events-1,
# nats-2, mariadb-replica). Dies when no service runs.
stack_pids() {
	local pid servers='^(mariadb(-replica)?|nats(-[0-9]+)?)$'
	# (supervisorctl status fails when any program is not running.)
	{ ctl status || true; } | tr -d , >"$1.status"
	awk -v s="$servers" '$2 == "RUNNING" && $1 !~ s && $1 != "nginx" { print $1, $4 }' \
		"$1.status" >"$1"
	{
		awk -v s="$servers" '$2 == "RUNNING" && $1 ~ s { print $1, $4 }' "$1.status"
		for pid in $(pgrep -P "$(ctl pid nginx)"); do echo "nginx $pid"; done
	} >"$2"
	rm -f "$1.status"
	[ -s "$1" ] || die "supervisorctl lists no running service"
}

# cpu_each FILE...: "program ticks" of every process of the "program pid"
# files FILE... (stack_pids), now.
cpu_each() {
	cat "$@" | while read -r p pid; do echo "$p $(cpu_ticks "$pid")"; done
}

# cpu_per COUNT RATE BEFORE AFTER: the CPU (ms) each program spent per
# one of COUNT things done between the cpu_each files BEFORE and AFTER,
# one line each (those that spent any), and the total with the rate the
# machine's cores would sustain at that cost, in the unit RATE (e.g.
# "reservations/s").
cpu_per() {
	awk -v n="$1" -v rate="$2" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" '
		NR == FNR { t0[$1] += $2; next }
		{ d[$1] += $2 - 0; if (!($1 in seen)) { seen[$1] = 1; o[++k] = $1 } }
		END {
			for (i = 1; i <= k; i++) {
				ms = (d[o[i]] - t0[o[i]]) * 1000 / hz / (n > 0 ? n : 1)
				total += ms
				if (ms > 0) printf "   %-20s %8.3f\n", o[i], ms
			}
			printf "   %-20s %8.3f: at this cost %d cores sustain at most %.0f %s\n",
				"total", total, cores, (total > 0 ? cores * 1000 / total : 0), rate
		}' "$3" "$4"
}
