#!/usr/bin/env bash
# bench/home.sh: the home page and a search page rendered by the events
# service (nginx, FastCGI, one prepared query with the page's total, the
# template) against the very same bytes served by nginx from a file, in one
# run on one machine. Prints requests/s and p99 latency of each and the
# ratios. The target: the home page at no less than 25% of nginx's static
# rate.
#
# Needs the local stack with its demo catalogue (scripts/dev up) and wrk.
# Knobs: see bench/lib.sh, and SEARCH (the search page's query string,
# default q=jazz).
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SEARCH=${SEARCH:-q=jazz}

snapshot / home.html
snapshot "/events?$SEARCH" search.html
grep -q 'class="cards"' "$RUN_DIR/bench/home.html" ||
	die "the home page lists no event: seed the catalogue (scripts/dev up)"

header
echo "  home page $(wc -c <"$RUN_DIR/bench/home.html") bytes, search page $(wc -c <"$RUN_DIR/bench/search.html") bytes"
compare home / home.html 0.25
compare search "/events?$SEARCH" search.html
