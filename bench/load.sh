#!/usr/bin/env bash
# bench/load.sh: the event page under thousands of concurrent connections,
# the way an on-sale brings them. For each level of LEVELS it runs wrk on an
# event page rendered by the events service and, in the same run, on the
# very same bytes served by nginx from a file (what the machine can do at
# that concurrency at all), and prints requests/s, p50 and p99 latency,
# socket errors and the answers by status. Targets (docs/DECISIONS.md,
# "Load beyond a thousand connections"):
#   - up to 2,000 connections: no socket error (nothing dropped), p99 at
#     most 250 ms;
#   - beyond (10,000): no 500, 502 or 504; what is not served is a 503
#     with Retry-After.
# Each level's verdict is printed; the exit status is 1 when one failed.
# The load generator shares the machine with the stack, and the machine's
# load (uptime) is printed before and after: compare only within a run.
#
# Answers by nginx's X-Cache-Status (the micro-cache of signed-out pages:
# HIT, MISS, UPDATING...) are counted too.
#
# Needs the local stack with its demo catalogue (scripts/dev up) and wrk.
# Knobs: see bench/lib.sh (THREADS, DURATION), and LEVELS (default
# "2000 10000"), EVENT_PATH (default: the first event of the home page),
# SIGNED_IN (an email of the demo accounts: the page is asked for with
# that member's session, which nginx never caches; the p99 target is the
# signed-out page's and is not judged then).
# wrk needs one file descriptor per connection: the limits are raised as far
# as the machine lets (the hard one to fs.nr_open where that is allowed,
# the soft one to the hard one), and a level above them is skipped with a
# note.
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LEVELS=${LEVELS:-2000 10000}
STATUS_LUA=$ROOT/bench/status.lua

if [ -z "${EVENT_PATH:-}" ]; then
	EVENT_PATH=$(curl -fsS --noproxy '*' "$BASE/" | grep -o 'href="/events/[0-9a-f-]\{36\}"' |
		head -n 1 | sed 's/^href="//; s/"$//') || true
fi
[ -n "$EVENT_PATH" ] || die "the home page lists no event: seed the catalogue (scripts/dev up)"
SESSION=
if [ -n "${SIGNED_IN:-}" ]; then
	SESSION=$(session "$SIGNED_IN")
	[ -n "$SESSION" ] || die "$SIGNED_IN could not sign in"
fi
snapshot "$EVENT_PATH" event.html "$SESSION"
cookie_args "$SESSION"

ulimit -Hn "$(cat /proc/sys/fs/nr_open 2>/dev/null || echo 1048576)" 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)

# level C: measure the event page and its static copy with C connections;
# print the figures and the verdict; 1 when a target was missed.
level() {
	local c=$1 rc=0 what path rps p50 p99 n conn rd wr to bad extra errs other
	local args
	for what in page static; do
		path=$EVENT_PATH
		args=("${COOKIE_ARGS[@]}")
		[ "$what" = static ] && path=/bench/event.html && args=()
		{
			read -r rps p50 p99 n conn rd wr to bad
			extra=$(cat)
		} < <(wrk_run -t"$THREADS" -c"$c" -d"$DURATION" --timeout 10s -s "$STATUS_LUA" \
			"${args[@]}" "$BASE$path")
		errs=$((conn + rd + wr + to))
		printf '%-8s %6d conn  %8.0f req/s  p50 %8.1f ms  p99 %8.1f ms  %8d answers\n' \
			"$what" "$c" "$rps" "$p50" "$p99" "$n"
		printf '         socket errors: connect %d, read %d, write %d, timeout %d\n' \
			"$conn" "$rd" "$wr" "$to"
		printf '%s\n' "$extra" | awk '$1 == "status" { printf "         status %s: %s\n", $2, $3 }'
		printf '%s\n' "$extra" | awk '$1 == "cache" { printf "         cache %s: %s\n", $2, $3 }'
		[ "$what" = page ] || continue
		other=$(printf '%s\n' "$extra" | awk '$1 == "status" && $2 >= 500 && $2 != 503 { n += $3 }
			END { print n + 0 }')
		local no_retry
		no_retry=$(printf '%s\n' "$extra" | awk '$1 == "503_without_retry_after" { print $2 }')
		if ((c <= 2000)) && [ -n "$SESSION" ]; then
			echo "         signed in: $errs socket errors, p99 $p99 ms (the target is the signed-out page's)"
		elif ((c <= 2000)); then
			if ((errs == 0)) && awk -v p="$p99" 'BEGIN { exit !(p <= 250) }'; then
				echo "         target met: no socket error, p99 <= 250 ms"
			else
				echo "         TARGET MISSED: $errs socket errors, p99 $p99 ms (target: 0, <= 250 ms)"
				rc=1
			fi
		fi
		if ((other == 0 && ${no_retry:-1} == 0)); then
			echo "         no 500, 502 or 504; every 503 carries Retry-After"
		else
			echo "         TARGET MISSED: $other answers 500/502/504, ${no_retry:-?} 503 without Retry-After"
			rc=1
		fi
	done
	return "$rc"
}

echo "load on $BASE$EVENT_PATH (${SIGNED_IN:-signed out}, $(wc -c <"$RUN_DIR/bench/event.html") bytes), wrk -t$THREADS -d$DURATION, ulimit -n $NOFILE"
echo "before: $(uptime)"
status=0
for c in $LEVELS; do
	if ((c + 64 > NOFILE)); then
		echo "skipped: $c connections need more than ulimit -n $NOFILE file descriptors"
		continue
	fi
	level "$c" || status=1
done
echo "after:  $(uptime)"
exit "$status"
