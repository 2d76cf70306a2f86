#!/usr/bin/env bash
# bench/signin.sh: the sign-in page rendered by the auth service (nginx,
# FastCGI, template, CSRF token, visitor cookie) against the very same bytes
# served by nginx from a file, in one run on one machine. Prints requests/s
# and p99 latency of each and their ratios.
#
# Needs the local stack (scripts/dev up) and wrk. Knobs: see bench/lib.sh.
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

snapshot /auth/signin signin.html
header
echo "  sign-in page $(wc -c <"$RUN_DIR/bench/signin.html") bytes"
compare "auth service" /auth/signin signin.html
