#!/usr/bin/env bash
# bench/pages.sh: every catalogue page a buyer sees, each against the very
# same bytes served by nginx from a file in the same run (bench/lib.sh):
# the home page signed out and signed in, an event page signed out and
# signed in, a search, a listing's page (tickets service) and the
# member's own order (orders service), both signed in. Prints requests/s
# and p99 of each and the ratios to static, with the targets (a ratio of
# nginx's static rate): home 0.30 signed out and 0.25 signed in, the
# event page 0.25, search, the listing and the order 0.20.
#
# The event page shows LISTINGS listings (default 10) written straight
# into the events database's stock_replica for the run and removed at the
# end, standing in for the listings of the tickets and orders services.
# The listing page is one of SELLER's demo listings with units left, seen
# by MEMBER (with the Buy form); the order page is MEMBER's reservation of
# one unit of it, made through the Buy form before the runs and cancelled
# through the order's Cancel form at the end.
#
# Needs the local stack with its demo catalogue and accounts (scripts/dev
# up) and wrk. Knobs: see bench/lib.sh, SEARCH (the search's query
# string, default q=jazz), LISTINGS, MEMBER (default alice@example.com),
# SELLER (default bob@example.com).
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SEARCH=${SEARCH:-q=jazz}
LISTINGS=${LISTINGS:-10}
MEMBER=${MEMBER:-alice@example.com}
SELLER=${SELLER:-bob@example.com}
SOCK=$RUN_DIR/mariadb.sock
FAKE_SELLER=00000000-0000-7000-8000-00000000bec4 # marks this run's listings
ORDER=

sql() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B ticketing_events -e "$1"; }

# form_post PAGE ACTION FIELDS...: send the form of URL path PAGE whose
# action is ACTION, as the holder of $SESSION, with its hidden fields (the
# CSRF token, an idempotency key) and FIELDS (name=value); prints the
# Location answered.
form_post() {
	local page=$1 action=$2 field args=()
	shift 2
	while read -r field; do args+=(--data-urlencode "$field"); done < <(
		curl -fsS --noproxy '*' -H "Cookie: tk_session=$SESSION" "$BASE$page" |
			sed -n "\#action=\"$action\"#,\#</form>#p" |
			sed -n 's/.*type="hidden" name="\([^"]*\)" value="\([^"]*\)".*/\1=\2/p')
	for field in "$@"; do args+=(--data-urlencode "$field"); done
	curl -sS --noproxy '*' -o /dev/null -w '%{redirect_url}' -H "Cookie: tk_session=$SESSION" \
		"${args[@]}" "$BASE$action"
}

cleanup() {
	sql "DELETE FROM stock_replica WHERE seller_id = '$FAKE_SELLER'"
	if [ -n "$ORDER" ]; then
		form_post "/orders/$ORDER" "/orders/$ORDER/cancel" >/dev/null ||
			printf 'bench: could not cancel order %s\n' "$ORDER" >&2
	fi
}

[ -S "$SOCK" ] || die "no MariaDB socket at $SOCK: is the stack up?"
EVENT=$(curl -fsS --noproxy '*' "$BASE/" | grep -o 'href="/events/[0-9a-f-]\{36\}"' |
	head -n 1 | sed 's/^href="\/events\///; s/"$//') || true
[ -n "$EVENT" ] || die "the home page lists no event: seed the catalogue (scripts/dev up)"
LISTING=$(sql "SELECT l.id FROM ticketing_tickets.listings l
	JOIN ticketing_auth.users u ON u.id = l.seller_id
	JOIN ticketing_orders.stock s ON s.listing_id = l.id
	WHERE u.email = '$SELLER' AND l.state = 'active'
	AND s.offered - s.reserved - s.sold >= 2 ORDER BY l.id LIMIT 1")
[ -n "$LISTING" ] || die "$SELLER offers no listing with two units left (scripts/dev up seeds them)"
SESSION=$(session "$MEMBER")
[ -n "$SESSION" ] || die "$MEMBER could not sign in"
trap cleanup EXIT
sql "DELETE FROM stock_replica WHERE seller_id = '$FAKE_SELLER'"
sql "INSERT INTO stock_replica (id, event_id, seller_id, section, seat_row, seat, price,
	currency, state, ticket_version, offered, quantity, reserved, sold, available,
	sold_amount, version)
	SELECT UUID(), '$EVENT', '$FAKE_SELLER', CONCAT('Section ', seq), 'A', '', 2000 + 250 * seq,
	'EUR', 'active', 1, 4, 4, 0, 0, 4, 0, 1 FROM seq_1_to_$LISTINGS"
ORDER=$(form_post "/tickets/$LISTING" /orders quantity=1 | sed -n 's#.*/orders/\([0-9a-f-]\{36\}\)$#\1#p')
[ -n "$ORDER" ] || die "$MEMBER could not reserve a unit of listing $LISTING"
sleep 1.1 # the signed-out copies of the pages outlive no change

snapshot / home.html
snapshot / home-member.html "$SESSION"
snapshot "/events/$EVENT" event.html
snapshot "/events/$EVENT" event-member.html "$SESSION"
snapshot "/events?$SEARCH" search.html
snapshot "/tickets/$LISTING" listing-member.html "$SESSION"
snapshot "/orders/$ORDER" order-member.html "$SESSION"

header
echo "  event page $(wc -c <"$RUN_DIR/bench/event.html") bytes with $LISTINGS listings"
compare "home, signed out" / home.html 0.30
compare "home, signed in" / home-member.html 0.25 "$SESSION"
compare "event, signed out" "/events/$EVENT" event.html 0.25
compare "event, signed in" "/events/$EVENT" event-member.html 0.25 "$SESSION"
compare "search" "/events?$SEARCH" search.html 0.20
compare "listing, signed in" "/tickets/$LISTING" listing-member.html 0.20 "$SESSION"
compare "order, signed in" "/orders/$ORDER" order-member.html 0.20 "$SESSION"
