#!/usr/bin/env bash
# The listing page's copy (fcgi/tickets/tickets.h STORE_LISTING_TTL_MS,
# docs/DECISIONS.md "The listing page's copy"): while a crowd asks for a
# listing, each request thread of the tickets service answers from its
# copy of the listing and its stock for a moment, yet its seller always
# sees the counts as they are. A buyer keeps every thread's copy warm in
# the background while another buyer reserves through the orders service;
# as soon as the tickets service's stock replica has each reservation, the
# seller's page must show it, and the crowd's page shows it within the
# copy's lifetime.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

account_browser org organizer
account_browser seller member "Seller $$" --verified
account_browser buyer member
account_browser crowd member

EVENT=$(event_create_future org "Copy $$-$RANDOM")
check "the organizer's event is made" [ -n "$EVENT" ]
L=$(listing_on_sale seller "$EVENT" 10 20)
check "the seller lists 10 tickets, on sale" [ -n "$L" ]

# reserved_replica: units reserved as the tickets service's replica has it.
reserved_replica() {
	sql "SELECT reserved FROM ticketing_tickets.stock_replica WHERE id = '$L'"
}

# The crowd: 8 parallel requests at a time for the listing, over and over,
# each status code on a line of crowd.codes, until crowd.stop exists.
crowd() {
	local urls=() i
	for i in $(seq 16); do urls+=(-o /dev/null "$BASE/tickets/$L"); done
	while [ ! -e "$TK_TMP/crowd.stop" ]; do
		curl -s --noproxy '*' -b "$TK_TMP/crowd.jar" --parallel --parallel-max 8 \
			-w '%{http_code}\n' "${urls[@]}" >>"$TK_TMP/crowd.codes" 2>/dev/null || true
	done
}
crowd_stop() {
	: >"$TK_TMP/crowd.stop"
	wait "$CROWD" 2>/dev/null || true
}
crowd &
CROWD=$!
at_exit crowd_stop
check "the crowd is being answered" wait_for 20 eval '[ -s "$TK_TMP/crowd.codes" ]'

for i in 1 2 3; do
	reserve buyer "$L" 1
	check_status "reservation $i answers 303" 303
	check "... the tickets service's replica has it" \
		wait_for 20 eval '[ "$(reserved_replica)" = '"$i"' ]'
	req seller GET "/tickets/$L"
	check "... the seller's page shows it at once: reserved $i, available $((10 - i))" \
		has "$(text)" "Available $((10 - i)) Reserved $i Sold 0"
	crowd_sees() {
		req crowd GET "/tickets/$L"
		has "$(text)" "Available $((10 - i)) tickets"
	}
	check "... the crowd's page within the copy's lifetime" wait_for 5 crowd_sees
done

crowd_stop
check "the crowd was answered many times" \
	[ "$(wc -l <"$TK_TMP/crowd.codes")" -ge 100 ]
check_eq "... every time with 200" "" "$(grep -v '^200$' "$TK_TMP/crowd.codes" | sort | uniq -c)"

check "the consistency checker passes" checker

finish
