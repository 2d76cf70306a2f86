#!/usr/bin/env bash
# bench/pages.sh: every catalogue page a buyer sees, each against the very
# same bytes served by nginx from a file in the same run (bench/lib.sh):
# the home page signed out and signed in, an event page signed out and
# signed in, and a search. Prints requests/s and p99 of each and the
# ratios to static, with the targets (a ratio of nginx's static rate):
# home 0.30 signed out and 0.25 signed in, the event page 0.25, search
# 0.20.
#
# The event page shows LISTINGS listings (default 10) written straight
# into the events database's stock_replica for the run and removed at the
# end, standing in for the listings of the tickets and orders services.
#
# Needs the local stack with its demo catalogue and accounts (scripts/dev
# up) and wrk. Knobs: see bench/lib.sh, SEARCH (the search's query
# string, default q=jazz), LISTINGS, MEMBER (default alice@example.com).
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SEARCH=${SEARCH:-q=jazz}
LISTINGS=${LISTINGS:-10}
MEMBER=${MEMBER:-alice@example.com}
SOCK=$RUN_DIR/mariadb.sock
SELLER=00000000-0000-7000-8000-00000000bec4 # marks this run's listings

sql() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B ticketing_events -e "$1"; }
remove() { sql "DELETE FROM stock_replica WHERE seller_id = '$SELLER'"; }

[ -S "$SOCK" ] || die "no MariaDB socket at $SOCK: is the stack up?"
EVENT=$(curl -fsS --noproxy '*' "$BASE/" | grep -o 'href="/events/[0-9a-f-]\{36\}"' |
	head -n 1 | sed 's/^href="\/events\///; s/"$//') || true
[ -n "$EVENT" ] || die "the home page lists no event: seed the catalogue (scripts/dev up)"
remove
trap remove EXIT
sql "INSERT INTO stock_replica (id, event_id, seller_id, section, seat_row, seat, price,
	currency, state, ticket_version, offered, quantity, reserved, sold, available,
	sold_amount, version)
	SELECT UUID(), '$EVENT', '$SELLER', CONCAT('Section ', seq), 'A', '', 2000 + 250 * seq,
	'EUR', 'active', 1, 4, 4, 0, 0, 4, 0, 1 FROM seq_1_to_$LISTINGS"
SESSION=$(session "$MEMBER")
[ -n "$SESSION" ] || die "$MEMBER could not sign in"
sleep 1.1 # the signed-out copies of the pages outlive no change

snapshot / home.html
snapshot / home-member.html "$SESSION"
snapshot "/events/$EVENT" event.html
snapshot "/events/$EVENT" event-member.html "$SESSION"
snapshot "/events?$SEARCH" search.html

header
echo "  event page $(wc -c <"$RUN_DIR/bench/event.html") bytes with $LISTINGS listings"
compare "home, signed out" / home.html 0.30
compare "home, signed in" / home-member.html 0.25 "$SESSION"
compare "event, signed out" "/events/$EVENT" event.html 0.25
compare "event, signed in" "/events/$EVENT" event-member.html 0.25 "$SESSION"
compare "search" "/events?$SEARCH" search.html 0.20
