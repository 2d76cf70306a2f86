#!/usr/bin/env bash
# Integration tests of the tickets service through nginx: listing tickets
# for an event an organizer created (through the real forms), every bad
# value of every field, CSRF, escaping, the listing page for buyers,
# sellers and visitors, the seller's edit and withdrawal (404 for another
# member), the admin's hiding with a reason, the seller's page with the
# orders service's counts, a cancelled event cancelling its listings
# (ticket.updated published), and events that take no listing. Every page
# is checked with tidy. Runs against the stack of scripts/dev test.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_tickets
TAG=run$$x$RANDOM
EVIL='<script>alert(1)</script>'
EVIL_ESC='&lt;script&gt;alert(1)&lt;/script&gt;'

# signin BROWSER EMAIL: a new browser signed in as EMAIL.
signin() {
	browser "$1"
	account_signin "$1" "$2"
}

page_ok() {
	check "$1 is valid HTML" valid_html
	check "$1 has no script" lacks_i "$BODY" "<script"
}

listing_sql() { sql "SELECT $2 FROM $DB.listings WHERE id = '$1'"; }
# units L: the orders service's stock row of listing L: "ticket_version
# offered quantity reserved sold".
units() {
	sql "SELECT CONCAT_WS(' ', ticket_version, offered, quantity, reserved, sold)
		FROM ticketing_orders.stock WHERE listing_id = '$1'"
}
count_outbox() { sql "SELECT COUNT(*) FROM $DB.outbox WHERE $1"; }

ORG=$(fresh_email org)
SELLER=$(fresh_email seller)
BUYER=$(fresh_email buyer)
ADMIN=$(fresh_email admin)
account_create "$ORG" organizer "Org $TAG"
account_create "$SELLER" member "Seller $TAG" --verified
account_create "$BUYER" member "Buyer $TAG" --verified
account_create "$ADMIN" admin "Admin $TAG"
signin org "$ORG"
signin seller "$SELLER"
signin buyer "$BUYER"
signin admin "$ADMIN"
browser visitor

EV=$(event_create_future org "Concert $TAG")
check "the organizer creates an event" matches "$EV" '^[0-9a-f-]{36}$'
EV_GONE=$(event_create_future org "Doomed $TAG")
EV_PAST=$(event_create_future org "Bygone $TAG")

# --- the form ----------------------------------------------------------------

req visitor GET "/tickets/new?event_id=$EV"
check_status "signed out, the listing form sends to sign-in" 303
check "... with next" starts_with "$(location)" "/auth/signin?next="
wait_for 10 eval 'req seller GET "/tickets/new?event_id=$EV"; [ "$STATUS" = 200 ]'
check_status "a member gets the listing form" 200
page_ok "the listing form"
check "it names the event" has "$BODY" "Concert $TAG"
check "it shows the start in the venue's time zone" has "$BODY" "19:30"
for f in section row seat quantity price note; do
	check "field $f is labelled" has "$BODY" "<label for=\"$f\""
done
check "the quantity's range comes from the table" has "$(input_tag quantity)" 'min="1" max="50"'
check "the price names the currency" has "$BODY" "(EUR)"
TOKEN=$(csrf)
KEY=$(printf '%s' "$BODY" | grep -o 'name="idempotency_key" value="[0-9a-f]*"' | sed 's/.*value="//; s/"//')
check "the form carries an idempotency key" matches "$KEY" '^[0-9a-f]{32}$'
BEFORE=$(sql "SELECT COUNT(*) FROM $DB.listings")

# good VALUES...: the fields of a valid listing, overridden by VALUES.
good() {
	local -A v=([section]="Stalls $TAG" [row]=K [seat]=12-13 [quantity]=4 [price]=25.5
		[note]="Aisle seats")
	local a
	for a in "$@"; do v[${a%%=*}]=${a#*=}; done
	for a in section row seat quantity price note; do printf '%s=%s\n' "$a" "${v[$a]}"; done
}
# post_listing TOKEN VALUES...: the form posted by the seller.
post_listing() {
	local token=$1 f=()
	shift
	mapfile -t f < <(good "$@")
	post seller "/tickets/new?event_id=$EV" "csrf_token=$token" \
		"idempotency_key=$(form_key)" "${f[@]}"
}

post_listing ""
check_status "a listing without CSRF token is refused" 403
post_listing wrong
check_status "a listing with a wrong CSRF token is refused" 403
post visitor "/tickets/new?event_id=$EV" "section=A" "row=1" "quantity=1" "price=5"
check_status "a signed-out POST is refused" 403
check_eq "... and nothing is listed" "$BEFORE" "$(sql "SELECT COUNT(*) FROM $DB.listings")"

# Every bad value of every field: 422, its message, the value kept.
LONG61=$(printf 'b%.0s' {1..61})
LONG21=$(printf 'r%.0s' {1..21})
LONG41=$(printf 's%.0s' {1..41})
LONG501=$(printf 'n%.0s' {1..501})
while IFS='|' read -r field value message; do
	post_listing "$TOKEN" "$field=$value"
	check_status "$field='${value:0:12}' answers 422" 422
	check "... saying: $message" has "$BODY" "$message"
	if [ "$field" = note ]; then
		check "... the note is kept" has "$BODY" ">$value</textarea>"
	else
		check "... the value is kept" has "$(input_tag "$field")" "value=\"$value\""
	fi
	check "... the field is marked" has "$BODY" "id=\"$field-error\""
done <<EOF2
section||Enter the section
section|$LONG61|at most 60 characters
row||Enter the row
row|$LONG21|at most 20 characters
seat|$LONG41|at most 40 characters
quantity||Enter how many tickets
quantity|0|whole number from 1 to 50
quantity|51|whole number from 1 to 50
quantity|-1|whole number from 1 to 50
quantity|2.5|whole number from 1 to 50
quantity|two|whole number from 1 to 50
price||Enter the price of one ticket
price|-5|without a sign
price|0|must be more than zero
price|25.505|at most two digits after the decimal point
price|abc|Enter the price as a number
price|1000000|too high for a ticket
price|1e3|Enter the price as a number
note|$LONG501|at most 500 characters
EOF2
page_ok "the form with an error"
check_eq "... and nothing is listed" "$BEFORE" "$(sql "SELECT COUNT(*) FROM $DB.listings")"
post_listing "$TOKEN" "section=" "price=25.5"
check "a valid price is kept as money, not minor units" has "$(input_tag price)" 'value="25.50"'

# --- a listing -----------------------------------------------------------------

post seller "/tickets/new?event_id=$EV" "csrf_token=$TOKEN" "idempotency_key=$KEY" \
	"section=$EVIL" "row=K" "seat=12-13" "quantity=4" "price=25.5" "note=$EVIL
second line"
check_status "a valid listing answers 303" 303
L=$(location)
L=${L#/tickets/}
check "... to the listing" matches "$L" '^[0-9a-f-]{36}$'
check_eq "the price is stored in minor units" 2550 "$(listing_sql "$L" price)"
check_eq "... with the currency" EUR "$(listing_sql "$L" currency)"
check_eq "ticket.created is in the outbox with it" 1 \
	"$(count_outbox "subject = 'ticketing.ticket.created' AND payload LIKE '%$L%'")"
PAYLOAD=$(sql "SELECT payload FROM $DB.outbox WHERE subject = 'ticketing.ticket.created' AND payload LIKE '%$L%'")
for m in '"price":2550' '"currency":"EUR"' '"state":"active"' '"quantity":4' '"row":"K"' \
	'"seat":"12-13"' '"hidden_reason":""' '"version":1' "\"seller_id\":"; do
	check "its data has $m" has "$PAYLOAD" "$m"
done
post seller "/tickets/new?event_id=$EV" "csrf_token=$TOKEN" "idempotency_key=$KEY" \
	"section=Again" "row=K" "quantity=4" "price=25.5"
check_status "the same form sent again answers 303" 303
check_eq "... to the first listing" "/tickets/$L" "$(location)"
check_eq "... and lists nothing more" 1 \
	"$(sql "SELECT COUNT(*) FROM $DB.listings WHERE seller_id = (SELECT seller_id FROM $DB.listings WHERE id = '$L')")"

req seller GET "/tickets/$L"
check_status "the seller sees the listing" 200
page_ok "the seller's listing page"
check "the flash says it is listed" has "$BODY" "Your tickets are listed."
check "the section is escaped" has "$BODY" "$EVIL_ESC"
check "the note is escaped" has "$BODY" "<p>$EVIL_ESC</p>"
check "the price shows with its currency" has "$BODY" "€25.50"
check "the seller gets the edit link" has "$BODY" "/tickets/$L/edit"
check "... and the withdraw form" has "$BODY" "action=\"/tickets/$L/withdraw\""
check "... but no Buy form" lacks "$BODY" 'action="/orders"'
req buyer GET "/tickets/$L"
check_status "another member sees the listing" 200
page_ok "the buyer's listing page"
check "it has a Buy form to the orders service" has "$BODY" 'action="/orders"'
check "... with the ticket id" has "$BODY" "name=\"ticket_id\" value=\"$L\""
check "... a quantity" has "$(input_tag quantity)" 'max="4"'
check "... and the CSRF token" has "$BODY" 'name="csrf_token"'
check "it shows the venue" has "$BODY" "Hall of Concert $TAG, Paris"
check "... and the local start" has "$BODY" "19:30"
check "a buyer gets no edit link" lacks "$BODY" "/tickets/$L/edit"
check "lynx reads the price" readable_text "€25.50 per ticket"
req visitor GET "/tickets/$L"
check_status "a visitor sees the listing" 200
check "... with a link to sign in to buy" has "$BODY" "/auth/signin?next=/tickets/$L"
req visitor GET "/tickets/0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"
check_status "an unknown listing answers 404" 404
req visitor GET "/tickets/not-an-id"
check_status "a malformed id answers 404" 404

# --- the seller's edit ------------------------------------------------------------

req buyer GET "/tickets/$L/edit"
check_status "another member's edit form answers 404" 404
post buyer "/tickets/$L/edit" "csrf_token=$(csrf)" "version=1" "price=1" "quantity=1"
check_status "another member's edit answers 404" 404
post buyer "/tickets/$L/withdraw" "csrf_token=$(csrf)"
check_status "another member's withdrawal answers 404" 404
check_eq "... and the listing is unchanged" "1 active" "$(listing_sql "$L" "CONCAT(version, ' ', state)")"
req seller GET "/tickets/$L/edit"
check_status "the seller gets the edit form" 200
page_ok "the edit form"
check "it shows the price as typed money" has "$(input_tag price)" 'value="25.50"'
check "... and the quantity" has "$(input_tag quantity)" 'value="4"'
TOKEN=$(csrf)
post seller "/tickets/$L/edit" "csrf_token=$TOKEN" "version=1" "price=12.345" "quantity=4"
check_status "a price with too many decimals answers 422" 422
check "... kept" has "$(input_tag price)" 'value="12.345"'
post seller "/tickets/$L/edit" "csrf_token=$TOKEN" "version=1" "price=30" "quantity=51"
check_status "a quantity of 51 answers 422" 422
check "... kept" has "$(input_tag quantity)" 'value="51"'
post seller "/tickets/$L/edit" "version=1" "price=30" "quantity=3"
check_status "an edit without CSRF token is refused" 403
post seller "/tickets/$L/edit" "csrf_token=$TOKEN" "version=1" "price=30" "quantity=3"
check_status "a valid edit answers 303" 303
check_eq "price, quantity and version change" "3000 3 2" \
	"$(listing_sql "$L" "CONCAT(price, ' ', quantity, ' ', version)")"
check_eq "ticket.updated is in the outbox with it" 1 \
	"$(count_outbox "subject = 'ticketing.ticket.updated' AND payload LIKE '%$L%' AND payload LIKE '%\"version\":2%'")"
post seller "/tickets/$L/edit" "csrf_token=$TOKEN" "version=1" "price=31" "quantity=3"
check_status "an edit of an old version answers 409" 409
check "... with the newer version" has "$BODY" 'name="version" value="2"'

# The orders service's counts (stock_replica, which its stock.changed
# events keep): the buyer reserves 2 units and then the last one, which is
# paid through the pay form and the sandbox's card page (lib.sh order_pay).
check "the orders service applies the edit" wait_for 20 eval \
	'[ "$(sql "SELECT ticket_version FROM ticketing_orders.stock WHERE listing_id = '"'$L'"'")" = 2 ]'
reserve buyer "$L" 2
check_status "the buyer reserves 2" 303
reserve buyer "$L" 1
check_status "... and the last one" 303
PAID=$(location)
PAID=${PAID#/orders/}
check "the last one is paid" order_pay buyer "$PAID"
check "the orders service's counts reach the replica" wait_for 20 eval \
	'[ "$(sql "SELECT reserved + sold FROM $DB.stock_replica WHERE id = '"'$L'"'")" = 3 ]'
post seller "/tickets/$L/edit" "csrf_token=$TOKEN" "version=2" "price=30" "quantity=2"
check_status "a quantity below the reserved and sold units is accepted" 303
req seller GET "/tickets/$L"
check "... and the page says only free tickets are removed" has "$BODY" \
	"only free tickets are removed now"
check "the orders service applies it to free units only" wait_for 20 eval \
	'[ "$(units "$L")" = "3 2 3 2 1" ]'
check "... and both replicas follow" stock_settled "$L"
req seller GET /tickets/mine
check_status "the seller's listings answer 200" 200
page_ok "my listings"
check "it lists the listing" has "$BODY" "/tickets/$L"
check "... with what the seller offers" has "$BODY" "You offer 2"
check "... the counts" has "$BODY" "available 0 · reserved 2 · sold 1"
check "... the earnings after the test stack's fee of 2.5 %" has "$BODY" "earnings €29.25"
check "... and the removed units still held" has "$BODY" \
	"1 tickets you removed are still held by reservations"
check "the layout links to it" has "$BODY" 'href="/tickets/mine"'
req buyer GET "/tickets/$L"
check "sold out shows to buyers" has "$BODY" "Sold out"
check "... with no Buy form" lacks "$BODY" 'action="/orders"'
req buyer GET /tickets/mine
check "another member's listings page does not list it" lacks "$BODY" "/tickets/$L"

# --- withdrawal ---------------------------------------------------------------------

post seller "/tickets/$L/withdraw" "csrf_token=$TOKEN"
check_status "the seller withdraws the listing: 303" 303
check_eq "... it is withdrawn, version 4" "4 withdrawn" "$(listing_sql "$L" "CONCAT(version, ' ', state)")"
check_eq "... with ticket.updated" 1 \
	"$(count_outbox "subject = 'ticketing.ticket.updated' AND payload LIKE '%$L%' AND payload LIKE '%\"state\":\"withdrawn\"%'")"
post seller "/tickets/$L/withdraw" "csrf_token=$TOKEN"
check_status "withdrawing again is harmless" 303
check_eq "... nothing changes" 4 "$(listing_sql "$L" version)"
req buyer GET "/tickets/$L"
check "a withdrawn listing says so" has "$BODY" "withdrawn these tickets"
check "... and offers no Buy form" lacks "$BODY" 'action="/orders"'
req seller GET "/tickets/$L/edit"
check_status "a withdrawn listing cannot be edited" 409

# --- hiding -------------------------------------------------------------------------

L2=$(listing_create seller "$EV" 2 40)
check "listing_create lists through the form" matches "$L2" '^[0-9a-f-]{36}$'
req buyer GET "/tickets/$L2"
post buyer "/tickets/$L2/hide" "csrf_token=$(csrf)" "reason=spam"
check_status "a member cannot hide a listing" 403
req admin GET "/tickets/$L2"
check "the admin gets the hide form" has "$BODY" "action=\"/tickets/$L2/hide\""
page_ok "the admin's listing page"
ATOKEN=$(csrf)
post admin "/tickets/$L2/hide" "reason=spam"
check_status "hiding without CSRF token is refused" 403
post admin "/tickets/$L2/hide" "csrf_token=$ATOKEN" "reason="
check_status "hiding without a reason answers 422" 422
check "... saying so" has "$BODY" "Enter the reason the seller will see."
post admin "/tickets/$L2/hide" "csrf_token=$ATOKEN" "reason=Seats $EVIL do not exist"
check_status "the admin hides the listing: 303" 303
check_eq "... it is hidden" hidden "$(listing_sql "$L2" state)"
check_eq "... with ticket.updated carrying the reason" 1 \
	"$(count_outbox "subject = 'ticketing.ticket.updated' AND payload LIKE '%$L2%' AND payload LIKE '%\"state\":\"hidden\"%' AND payload LIKE '%do not exist%'")"
req buyer GET "/tickets/$L2"
check_status "a hidden listing is 404 for other members" 404
req visitor GET "/tickets/$L2"
check_status "... and for visitors" 404
req seller GET "/tickets/$L2"
check_status "the seller still sees it" 200
check "... with the reason, escaped" has "$BODY" "Seats $EVIL_ESC do not exist"
req seller GET /tickets/mine
check "my listings show the reason" has "$BODY" "Seats $EVIL_ESC do not exist"

# --- a cancelled event cancels its listings ------------------------------------------

L3=$(listing_create seller "$EV_GONE" 5 10)
L4=$(listing_create buyer "$EV_GONE" 1 99.99)
check "two listings for the doomed event" matches "$L3 $L4" '^[0-9a-f-]{36} [0-9a-f-]{36}$'
req buyer GET "/tickets/$L4"
post buyer "/tickets/$L4/withdraw" "csrf_token=$(csrf)"
check_status "the other seller withdraws theirs" 303
req org GET "/events/$EV_GONE/cancel"
post org "/events/$EV_GONE/cancel" "csrf_token=$(csrf)"
check_status "the organizer cancels the event" 303
cancelled() { [ "$(listing_sql "$L3" state)/$(listing_sql "$L4" state)" = cancelled/cancelled ]; }
check "its listings become cancelled" wait_for 20 cancelled
check_eq "... each one version further" "2 3" "$(listing_sql "$L3" version) $(listing_sql "$L4" version)"
published() {
	[ "$(count_outbox "subject = 'ticketing.ticket.updated' AND payload LIKE '%$L3%' AND payload LIKE '%\"state\":\"cancelled\"%' AND sent_at IS NOT NULL")" = 1 ]
}
check "... and ticket.updated is published" wait_for 20 published
req buyer GET "/tickets/$L3"
check "the listing says the event is cancelled" has "$BODY" "The event is cancelled."
check "... with no Buy form" lacks "$BODY" 'action="/orders"'
req seller GET "/tickets/new?event_id=$EV_GONE"
check_status "a cancelled event takes no listing: 409" 409
page_ok "the refusal page"
check "... the page says why" has "$BODY" "is cancelled: nobody can sell or buy tickets"
post seller "/tickets/new?event_id=$EV_GONE" "csrf_token=$TOKEN" "idempotency_key=$(form_key)" \
	"section=A" "row=1" "quantity=1" "price=5"
check_status "... nor a posted one" 409

# --- events that take no listing ------------------------------------------------------

req seller GET "/tickets/new?event_id=0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"
check_status "an unknown event answers 404" 404
check "... with a page that says so" has "$BODY" "We do not know this event."
page_ok "the unknown event page"
req seller GET "/tickets/new?event_id=nonsense"
check_status "a malformed event id answers 404" 404
req seller GET "/tickets/new"
check_status "no event id answers 404" 404
# An event that has started: moved into the past at the source and in the
# replica alike (same version), as if time had passed.
wait_for 10 eval '[ "$(sql "SELECT COUNT(*) FROM $DB.events_replica WHERE id = '"'$EV_PAST'"'")" = 1 ]'
# The same times, read once, for both rows (statements a second apart
# must not make them differ).
NOW=$(sql "SELECT UTC_TIMESTAMP()")
wait_for 10 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.events_replica
	WHERE id = '"'$EV_PAST'"'")" = 1 ]'
for t in ticketing_events.events $DB.events_replica; do
	sql "UPDATE $t SET starts_at = '$NOW' - INTERVAL 2 HOUR,
		ends_at = '$NOW' + INTERVAL 1 HOUR WHERE id = '$EV_PAST'"
done
# The orders service and the notifications worker keep the start time too.
wait_for 10 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_notify.events_replica
	WHERE id = '"'$EV_PAST'"'")" = 1 ]'
for t in ticketing_orders.events_replica ticketing_notify.events_replica; do
	sql "UPDATE $t SET starts_at = '$NOW' - INTERVAL 2 HOUR WHERE id = '$EV_PAST'"
done
req seller GET "/tickets/new?event_id=$EV_PAST"
check_status "an event that has started answers 409" 409
check "... with a page that says so" has "$BODY" "tickets can only be sold for events that have not started"
post seller "/tickets/new?event_id=$EV_PAST" "csrf_token=$TOKEN" "idempotency_key=$(form_key)" \
	"section=A" "row=1" "quantity=1" "price=5"
check_status "... nor a posted one" 409
check_eq "no listing exists for these events" 0 \
	"$(sql "SELECT COUNT(*) FROM $DB.listings WHERE event_id IN ('$EV_PAST') OR (event_id = '$EV_GONE' AND state <> 'cancelled')")"

finish
