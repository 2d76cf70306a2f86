#!/usr/bin/env bash
# Availability on the catalogue pages: search results and the home page say
# per event "from €25.00 · 12 tickets" (the lowest price among active
# listings with units left, and the sum of those units), "Sold out" when
# listings exist and none has units left, "No tickets listed yet" when none
# exist; the event page lists each active listing with units left, cheapest
# first, with a link to it, and offers members to sell tickets. The
# listings are made through the tickets service's form, their units taken
# by real reservations, and the catalogue's stock_replica filled by the
# orders service's stock.changed events. Runs against the stack of
# scripts/dev test (see lib.sh for the harness).
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

TAG=avail$$x$RANDOM
# Two days on, at midday: in the future in the venue's time zone whatever
# the hour of the run.
DAY=$(date -d '+2 days' +%Y-%m-%d)

# new_event NAME HH:MM: an event of the run's venue on DAY; its id.
new_event() {
	post org /events/new "csrf_token=$(csrf)" "idempotency_key=$(form_key)" "name=$1" \
		"venue_id=$VENUE" "starts_at=${DAY}T$2" "ends_at=${DAY}T23:30" \
		"description=" >/dev/null
	location | sed 's|^/events/||'
}

# card ID: the home or search card of event ID in the last body, as text.
card() {
	printf '%s' "$BODY" | awk -v id="/events/$1\"" 'BEGIN { RS = "</article>" }
		index($0, id) { print; exit }'
}

ORG=$(fresh_email org)
MEMBER=$(fresh_email member)
account_create "$ORG" organizer "Org $TAG"
account_create "$MEMBER" member "Member $TAG" --verified
browser org
account_signin org "$ORG"
browser member
account_signin member "$MEMBER"
account_browser buyer member "Buyer $TAG"
browser visitor

req org GET /venues/new
post org /venues/new "csrf_token=$(csrf)" "idempotency_key=$(form_key)" "name=Hall $TAG" \
	"city=Paris$TAG" "address=1 rue X" "capacity=500" "timezone=Europe/Paris"
check_status "the venue is made" 303
VENUE=$(location)
VENUE=${VENUE##*#venue-}
req org GET /events/new
ON_SALE=$(new_event "On sale $TAG" 12:10)
SOLD_OUT=$(new_event "Sold out $TAG" 12:20)
NONE=$(new_event "Nothing yet $TAG" 12:30)
check "three events are made" [ ${#ON_SALE} = 36 ] && [ ${#SOLD_OUT} = 36 ] && [ ${#NONE} = 36 ]

# The listings, by the member: three of the first event (one with no unit
# left, which neither sets the lowest price nor counts), one of the second
# with no unit left, and a withdrawn one of the third. "No unit left" is a
# listing of one unit the buyer reserved.
L25=$(listing_on_sale member "$ON_SALE" 5 25.00)
L18=$(listing_on_sale member "$ON_SALE" 1 18.00)
L30=$(listing_on_sale member "$ON_SALE" 7 30.50)
L40=$(listing_on_sale member "$SOLD_OUT" 1 40.00)
LW=$(listing_on_sale member "$NONE" 3 10.00)
check "five listings are on sale" [ ${#L25} = 36 ] && [ ${#L18} = 36 ] && [ ${#L30} = 36 ] &&
	[ ${#L40} = 36 ] && [ ${#LW} = 36 ]
reserve buyer "$L18" 1
check_status "the buyer reserves the one unit of a listing" 303
reserve buyer "$L40" 1
check_status "... and of another" 303
check "the member withdraws a listing" listing_withdraw member "$LW"
check "the withdrawal reaches the orders service" wait_for 20 eval \
	'[ "$(sql "SELECT state FROM ticketing_orders.listings_replica WHERE id = '"'$LW'"'")" = withdrawn ]'
for l in "$L25" "$L18" "$L30" "$L40" "$LW"; do
	check "the catalogue's replica holds the orders service's counts of $l" stock_settled "$l"
done

# --- search results and the home page ----------------------------------------

req visitor GET "/events?q=$TAG"
check_status "the search answers 200" 200
check "the search page is valid HTML" valid_html
check "an event on sale says from the lowest price with units, and the units" \
	has "$(card "$ON_SALE")" "from €25.00 · 12 tickets"
check "an event whose listings have no unit left says Sold out" \
	has "$(card "$SOLD_OUT")" "Sold out"
check "... and not that none are listed" lacks "$(card "$SOLD_OUT")" "No tickets listed yet"
check "an event with only a withdrawn listing says none are listed yet" \
	has "$(card "$NONE")" "No tickets listed yet"
check "lynx reads the summary" readable_text "from €25.00 · 12 tickets"

# The home page is kept for a second: wait for a fresh copy.
home_says() { req visitor GET / && has "$(card "$ON_SALE")" "$1"; }
check "the home page says the same" wait_for 5 home_says "from €25.00 · 12 tickets"
check "the home page is valid HTML" valid_html
req member GET /
check "... signed in too" has "$(card "$SOLD_OUT")" "Sold out"

# --- the event page ----------------------------------------------------------

req visitor GET "/events/$ON_SALE"
check_status "the event page answers 200" 200
check "the event page is valid HTML" valid_html
check "it says the summary" has "$BODY" "from €25.00 · 12 tickets"
check "it links the listings with units left" has "$BODY" "href=\"/tickets/$L25\""
check "... both of them" has "$BODY" "href=\"/tickets/$L30\""
check "... and not the one with none" lacks "$BODY" "/tickets/$L18"
check "the cheapest comes first" matches "$(printf '%s' "$BODY" | tr '\n' ' ')" \
	"/tickets/$L25.*/tickets/$L30"
check "prices carry the currency" has "$BODY" "€30.50"
check "lynx reads a listing's place" readable_text "Stalls"
check "... and its link" readable_text "See and buy"
check "a visitor is not offered to sell" lacks "$BODY" "/tickets/new?event_id="
req member GET "/events/$ON_SALE"
check "a member is offered to sell tickets for the event" \
	has "$BODY" "href=\"/tickets/new?event_id=$ON_SALE\""
check "... and the page is valid HTML" valid_html

# What the page reads is kept per thread for signed-in visitors too
# (lib/dbcache.h), but what is the visitor's own is not. burst NAME: the
# event page 32 times for browser NAME in one curl run, quick enough that
# every thread of the service (16) serves it while copies made for the
# burst before are fresh; prints how many of the pages name the organizer,
# the member and the organizer's edit link.
burst() {
	local urls=() i
	for i in $(seq 32); do urls+=("$BASE/events/$ON_SALE"); done
	curl -s --noproxy '*' -b "$TK_TMP/$1.jar" \
		${TK_ADDR[$1]:+--interface "${TK_ADDR[$1]}"} "${urls[@]}" | awk -v tag="$TAG" \
		-v edit="/events/$ON_SALE/edit" '
		index($0, "Signed in as Org " tag) { org++ }
		index($0, "Signed in as Member " tag) { member++ }
		index($0, edit) { links++ }
		END { printf "%d %d %d\n", org, member, links }'
}
own_pages() {
	local round
	for round in 1 2 3; do
		[ "$(burst org)" = "32 0 32" ] || return 1
		[ "$(burst member)" = "0 32 0" ] || return 1
	done
}
check "each signed-in visitor gets their own page of the event, every time" own_pages

req visitor GET "/events/$SOLD_OUT"
check "a sold-out event page says so" has "$BODY" "Sold out."
check "... and lists no listing" lacks "$BODY" 'href="/tickets/'
req visitor GET "/events/$NONE"
check "an event with no active listing says none are listed" has "$BODY" "No tickets listed yet"
check "... not the withdrawn one" lacks "$BODY" "/tickets/$LW"

# A signed-out visitor's page is kept for at most a second by each thread
# of the service: a change of the replica shows within it (the cache's lag,
# docs/DECISIONS.md). warm: enough requests for every thread to keep a copy.
warm() {
	local _
	for _ in $(seq 48); do req visitor GET "$1"; done
}
warm "/events/$ON_SALE"
reserve buyer "$L25" 5
check_status "the buyer reserves the 5 units of the cheapest listing" 303
check "the catalogue's replica learns it" wait_for 20 eval \
	'[ "$(sql "SELECT available FROM ticketing_events.stock_replica WHERE id = '"'$L25'"'")" = 0 ]'
event_says() { req visitor GET "/events/$ON_SALE" && has "$BODY" "$1"; }
check "a change of the units shows on the event page within the cache's life" \
	wait_for 5 event_says "from €30.50 · 7 tickets"

# Cancelled: nothing is on offer, whatever the replica holds, and the copies
# kept for visitors are dropped at once by the service; nginx's copy
# expires within 2 s (the micro-cache, docs/DECISIONS.md).
warm "/events/$ON_SALE"
req org GET "/events/$ON_SALE/cancel"
post org "/events/$ON_SALE/cancel" "csrf_token=$(csrf)"
check_status "the organizer cancels the event" 303
req org GET "/events/$ON_SALE"
check "the organizer's page lists no listing, at once" lacks "$BODY" "href=\"/tickets/$L30\""
no_listing() { req visitor GET "/events/$ON_SALE" && lacks "$BODY" 'href="/tickets/'; }
check "a visitor's lists none within the micro-cache's validity" wait_for 3 no_listing

finish
