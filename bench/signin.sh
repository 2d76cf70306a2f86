#!/usr/bin/env bash
# bench/signin.sh: the sign-in page rendered by the auth service (nginx,
# FastCGI, template, CSRF token, visitor cookie) against the very same bytes
# served by nginx from a file, in one run on one machine. Prints requests/s
# and p99 latency of each and their ratios.
#
# Then the time of a failed sign-in POST for a known email (the demo
# account alice@example.com, a wrong password) and for unknown emails,
# TRIES of each (default 20), alternating, each pair from a fresh loopback
# address so the throttle of guesses never answers: their medians and
# their ratio, which should be close to 1.
#
# Needs the local stack (scripts/dev up) and wrk. Knobs: see bench/lib.sh.
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

TRIES=${TRIES:-20}

snapshot /auth/signin signin.html
header
echo "  sign-in page $(wc -c <"$RUN_DIR/bench/signin.html") bytes"
compare "auth service" /auth/signin signin.html

# attempt ADDR EMAIL: one failed sign-in from ADDR; prints "STATUS SECONDS".
attempt() {
	curl -sS --noproxy '*' -o /dev/null -w '%{http_code} %{time_total}\n' \
		--interface "$1" -b "$JAR" --data-urlencode "email=$2" \
		--data-urlencode "password=not-the-password-$RANDOM" \
		--data-urlencode "csrf_token=$TOKEN" "$BASE/auth/signin"
}

JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
TOKEN=$(curl -fsS --noproxy '*' -c "$JAR" "$BASE/auth/signin" |
	sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$TOKEN" ] || die "no CSRF token on the sign-in page"
NET="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
for i in $(seq "$TRIES"); do
	printf 'known %s\n' "$(attempt "$NET.$i" alice@example.com)"
	printf 'unknown %s\n' "$(attempt "$NET.$i" "nobody-$$-$i-$RANDOM@example.com")"
done | awk '
	$2 != 422 { bad[$1]++ }
	{ t[$1, ++n[$1]] = $3 * 1000 }
	function median(k,    i, j, v, m) {
		m = n[k]
		for (i = 1; i <= m; i++) v[i] = t[k, i]
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { x = v[j]; v[j] = v[j - 1]; v[j - 1] = x }
		return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	END {
		for (k in bad) printf "warning: %d %s answers were not 422\n", bad[k], k > "/dev/stderr"
		mk = median("known"); mu = median("unknown")
		printf "%-46s %10.1f ms median of %d\n", "POST /auth/signin, known email", mk, n["known"]
		printf "%-46s %10.1f ms median of %d\n", "POST /auth/signin, unknown email", mu, n["unknown"]
		if (mk > 0) printf "unknown/known: %.2f of the time\n", mu / mk
	}'
