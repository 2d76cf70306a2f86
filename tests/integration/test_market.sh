#!/usr/bin/env bash
# The marketplace end to end, through nginx and the backbone only: an
# organizer's event reaches the tickets and orders services; a seller lists
# it through the tickets form; the orders service's stock and the events
# service's catalogue follow; a buyer reserves; the seller lowers the
# quantity below what is reserved (docs/MARKETPLACE.md rule 2: only free
# units go, held ones stay until their order ends); the buyer cancels and
# the units held beyond the seller's wish vanish instead of coming back.
# Every step is checked where each service keeps it, and the consistency
# checker passes at the end.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

TAG=run$$x$RANDOM
ORG=$(fresh_email org)
SELLER=$(fresh_email seller)
BUYER=$(fresh_email buyer)
account_create "$ORG" organizer "Org $TAG"
account_create "$SELLER" member "Seller $TAG" --verified
account_create "$BUYER" member "Buyer $TAG"
browser org
account_signin org "$ORG"
browser seller
account_signin seller "$SELLER"
browser buyer
account_signin buyer "$BUYER"

# stock L: "quantity reserved sold" of listing L in the orders service.
stock() {
	sql "SELECT CONCAT_WS(' ', quantity, reserved, sold) FROM ticketing_orders.stock
		WHERE listing_id = '$1'"
}
# seller_view L / catalogue L: the same as the tickets and the events
# services' replicas hold it (quantity, reserved, sold, available).
seller_view() {
	sql "SELECT CONCAT_WS(' ', quantity, reserved, sold, available)
		FROM ticketing_tickets.stock_replica WHERE id = '$1'"
}
catalogue() {
	sql "SELECT CONCAT_WS(' ', quantity, reserved, sold, available)
		FROM ticketing_events.stock_replica WHERE id = '$1'"
}
# event_page_has TEXT: the event page, as the buyer sees it, shows TEXT.
event_page_has() {
	req buyer GET "/events/$EVENT"
	has "$BODY" "$1"
}

EVENT=$(event_create_future org "Market $TAG")
check "the organizer's event is made" [ -n "$EVENT" ]
L=$(listing_create seller "$EVENT" 3 25.50)
check "the seller lists 3 tickets through the tickets form" [ -n "$L" ]

check "the orders service's stock holds the 3 units" \
	wait_for 20 eval '[ "$(stock "$L")" = "3 0 0" ]'
check "the seller's replica shows 3 available" \
	wait_for 20 eval '[ "$(seller_view "$L")" = "3 0 0 3" ]'
check "the catalogue's replica shows 3 available" \
	wait_for 20 eval '[ "$(catalogue "$L")" = "3 0 0 3" ]'
check "the event page offers them" wait_for 10 event_page_has "from €25.50 · 3 tickets"
check "... with a link to the listing" has "$BODY" "/tickets/$L"

# The buyer reserves two through the listing page's form, and sends it
# twice (a double click, or the back button and Reserve again): its
# idempotency key makes the second submission lead to the same order.
req buyer GET "/tickets/$L"
check_status "the listing page answers the buyer" 200
KEY=$(input_tag idempotency_key | sed -n 's/.*value="\([0-9a-f]*\)".*/\1/p')
check "the Buy form carries an idempotency key" matches "$KEY" '^[0-9a-f]{32}$'
TOKEN=$(csrf)
post buyer /orders "csrf_token=$TOKEN" "idempotency_key=$KEY" "ticket_id=$L" "quantity=2"
check_status "the reservation answers 303" 303
ORDER=$(location)
check "... to the order page" matches "$ORDER" '^/orders/[0-9a-f-]{36}$'
post buyer /orders "csrf_token=$TOKEN" "idempotency_key=$KEY" "ticket_id=$L" "quantity=2"
check_status "the same form sent again answers 303" 303
check_eq "... to the same order" "$ORDER" "$(location)"
check_eq "one order exists for the listing" 1 \
	"$(sql "SELECT COUNT(*) FROM ticketing_orders.orders WHERE listing_id = '$L'")"
req buyer GET "$ORDER"
check "the order page shows the total" has "$BODY" "€51.00"
check "the orders service holds 2 of 3" [ "$(stock "$L")" = "3 2 0" ]
check "the seller sees 2 reserved" wait_for 20 eval '[ "$(seller_view "$L")" = "3 2 0 1" ]'
check "the catalogue shows 1 left" wait_for 20 eval '[ "$(catalogue "$L")" = "3 2 0 1" ]'
check "the event page says 1 ticket" wait_for 10 event_page_has "from €25.50 · 1 ticket"

# The seller lowers the quantity to 1 while 2 are reserved: the free unit
# goes, the held ones stay.
req seller GET "/tickets/$L/edit"
check_status "the seller's edit form answers" 200
VERSION=$(input_tag version | sed -n 's/.*value="\([0-9]*\)".*/\1/p')
post seller "/tickets/$L/edit" "csrf_token=$(csrf)" "version=$VERSION" "price=25.50" \
	"quantity=1"
check_status "the edit answers 303" 303
check "the orders service applies it to free units only: 2 exist, both reserved" \
	wait_for 20 eval '[ "$(stock "$L")" = "2 2 0" ]'
check "the seller sees what happened: 2 exist, 2 reserved, none available" \
	wait_for 20 eval '[ "$(seller_view "$L")" = "2 2 0 0" ]'
check "the event page says sold out" wait_for 20 event_page_has "Sold out"
check_eq "the seller's wish is kept as asked" 1 \
	"$(sql "SELECT quantity FROM ticketing_tickets.listings WHERE id = '$L'")"

# The buyer cancels: the held units beyond the wish vanish.
req buyer GET "$ORDER"
post buyer "$ORDER/cancel" "csrf_token=$(csrf)"
check_status "the buyer's cancel answers 303" 303
check "the orders service now holds the 1 unit asked for, free" \
	[ "$(stock "$L")" = "1 0 0" ]
check "the seller sees 1 available" wait_for 20 eval '[ "$(seller_view "$L")" = "1 0 0 1" ]'
check "the catalogue shows 1 available" wait_for 20 eval '[ "$(catalogue "$L")" = "1 0 0 1" ]'

check "the checker passes" checker
finish
