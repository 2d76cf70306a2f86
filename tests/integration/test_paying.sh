#!/usr/bin/env bash
# Integration tests of the orders side of payments (docs/PAYMENTS.md): the
# orders-payments consumer turns payment.* events into order states. The
# test plays the payments service: it publishes each payment.* envelope
# with ticketingctl publish, waits for the consumer to apply it and
# deletes it from the stream again (lib.sh play_event). Covered: an
# authorisation in time makes the order paying, its settlement complete
# with the units sold and the tickets and events replicas following; an
# authorisation after the deadline cancels the order (units free once) and
# is refused; a second payment of a paying order, a wrong amount: refused;
# the admin's Refund form and a cancelled event ask for refunds;
# a replayed and an older event change nothing; a failed capture cancels a
# paying order; expiry leaves a paying order alone; a refund takes the
# amount out of sold_amount and keeps the units sold. The consistency
# checker runs at the end.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_orders
TAG=pay$$x$RANDOM

order_col() { sql "SELECT $2 FROM $DB.orders WHERE id = '$1'"; }
stock_col() { sql "SELECT $2 FROM $DB.stock WHERE listing_id = '$1'"; }
outbox_count() { sql "SELECT COUNT(*) FROM $DB.outbox WHERE $1"; }

# payment TYPE PAYMENT ORDER VERSION STATE [AMOUNT] [EVENT_ID]: the
# envelope of payment event TYPE of payment PAYMENT for ORDER (its buyer,
# its amount unless AMOUNT, EUR), as docs/PAYMENTS.md defines it.
payment() {
	local amount=${6:-$(order_col "$3" amount)} buyer
	buyer=$(order_col "$3" buyer_id)
	envelope "$1" "$2" "$4" "$(printf '{"id":"%s","order_id":"%s","buyer_id":"%s",'`
		`'"amount":%s,"currency":"EUR","provider":"sandbox",'`
		`'"provider_session_id":"cs_%s","charge_id":"ch_%s","state":"%s",'`
		`'"failure_code":"","version":%s}' "$2" "$3" "$buyer" "$amount" "${2//-/}" \
		"${2//-/}" "$5" "$4")" "${7:-}"
}
# pay: play_event of the orders-payments consumer.
pay() { play_event "$DB" orders-payments "$1"; }
# new_order LISTING N: the buyer reserves N units of LISTING; prints the order id.
new_order() {
	reserve buyer "$1" "$2"
	[ "$STATUS" = 303 ] || return 1
	local l
	l=$(location)
	printf '%s\n' "${l#/orders/}"
}
# past_deadline ORDER: ORDER's deadline moved a second into the past (the
# expiry worker's schedule keeps the original one).
past_deadline() {
	sql "UPDATE $DB.orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND
		WHERE id = '$1'"
}

account_browser org organizer "Org $TAG"
account_browser seller member "Seller $TAG" --verified
account_browser buyer member "Buyer $TAG"
account_browser admin admin "Admin $TAG"

EV=$(event_fixture org "$TAG")
check "the event reaches the orders service" [ -n "$EV" ]
L=$(listing_on_sale seller "$EV" 6 25.00)
check "the listing is on sale" [ -n "$L" ]

# --- authorised in time -> paying -> settled -> complete ---------------------
O1=$(new_order "$L" 2)
check "the buyer reserves 2 units" [ -n "$O1" ]
P1=$(uuid)
AUTH1=$(payment payment.authorized "$P1" "$O1" 1 authorized)
check "payment.authorized is applied" pay "$AUTH1"
check_eq "the order is paying" paying "$(order_col "$O1" state)"
check_eq "it records the payment" "$P1" "$(order_col "$O1" payment_id)"
check_eq "it records the charge" "ch_${P1//-/}" "$(order_col "$O1" charge_id)"
check_eq "it records the amount authorised" 5000 "$(order_col "$O1" paid_amount)"
check_eq "order.paying is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.order.paying' AND JSON_VALUE(payload, '$.aggregate_id') = '$O1'")"
check_eq "order.paying carries the payment" "$P1" "$(sql "SELECT JSON_VALUE(payload, '$.data.payment_id')
	FROM $DB.outbox WHERE subject = 'ticketing.order.paying'
	AND JSON_VALUE(payload, '$.aggregate_id') = '$O1'")"
V=$(order_col "$O1" version)
req buyer GET "/orders/$O1"
check "the paying order's page says so" \
	has "$BODY" "Payment received, confirming with the card issuer"
check "and reloads" has "$BODY" '<meta http-equiv="refresh" content="5">'
check "it has no Pay form" lacks "$BODY" 'action="/payments"'

check "the same event again" pay "$AUTH1"
check_eq "the stream drops it as a duplicate" duplicate "$PLAYED"
check_eq "it changes nothing" "$V" "$(order_col "$O1" version)"

# Expiry never cancels a paying order, even past its deadline.
past_deadline "$O1"
check "an expiration of the paying order is applied" expire "$O1"
check_eq "the paying order stays paying" paying "$(order_col "$O1" state)"
check_eq "its units stay reserved" 2 "$(stock_col "$L" reserved)"

SV=$(stock_col "$L" version)
# Version 3: the payments service's version 2 (say, a capture attempt)
# emitted nothing; its older event comes below.
SETTLED1=$(payment payment.settled "$P1" "$O1" 3 captured)
check "payment.settled is applied" pay "$SETTLED1"
check_eq "the order is complete" complete "$(order_col "$O1" state)"
check_eq "its units are sold" "0 2" "$(stock_col "$L" "CONCAT(reserved, ' ', sold)")"
check_eq "sold_amount grows by the order's amount" 5000 "$(stock_col "$L" sold_amount)"
check_eq "order.completed is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.order.completed' AND JSON_VALUE(payload, '$.aggregate_id') = '$O1'")"
check_eq "one stock.changed" $((SV + 1)) "$(stock_col "$L" version)"
check "the replicas follow" stock_settled "$L"
check_eq "the seller's counts (tickets replica)" "2 5000" "$(sql "SELECT CONCAT(sold, ' ',
	sold_amount) FROM ticketing_tickets.stock_replica WHERE id = '$L'")"
check_eq "the event page's counts (events replica)" "2 4" "$(sql "SELECT CONCAT(sold, ' ',
	available) FROM ticketing_events.stock_replica WHERE id = '$L'")"
req seller GET /tickets/mine
# Earnings are after the test stack's platform fee of 2.5 %.
check "the seller's listings show the 2 sold" has "$(text)" "sold 2 · earnings €48.75"
req buyer GET "/events/$EV"
check "the event page offers 4" has "$BODY" \
	'<td data-label="Price each">€25.00</td><td data-label="Available">4</td>'

req buyer GET "/orders/$O1"
check "the complete order's page says paid" has "$(text)" "Paid"
check "the buyer sees no Refund form" lacks "$BODY" "/refund"
check "the buyer's page is valid HTML" valid_html
post buyer "/orders/$O1/refund" "csrf_token=$(csrf)"
check_status "a member's refund is refused" 403
req admin GET "/orders/$O1"
check "the admin sees the Refund form" has "$BODY" "action=\"/orders/$O1/refund\""
post admin "/orders/$O1/refund" "csrf_token=invalid"
check_status "a refund without the CSRF token is refused" 403
post admin "/orders/$O1/refund" "csrf_token=$(csrf)"
check_status "the admin's refund is accepted" 303
REFUND_REQ="subject = 'ticketing.order.refund_requested' AND JSON_VALUE(payload, '$.aggregate_id') = '$O1'"
check_eq "order.refund_requested is in the outbox" 1 "$(outbox_count "$REFUND_REQ")"
check_eq "with reason admin" "admin complete" "$(sql "SELECT CONCAT(JSON_VALUE(payload, '$.data.reason'),
	' ', JSON_VALUE(payload, '$.data.state')) FROM $DB.outbox WHERE $REFUND_REQ")"
req admin GET "/orders/$O1"
check "the page says the refund is requested" has "$(text)" "Paid, refund requested"
check "the form is gone" lacks "$BODY" "/refund"
post admin "/orders/$O1/refund" "csrf_token=$(csrf)"
check_status "a second request answers 303 too" 303
check_eq "and asks for nothing more" 1 "$(outbox_count "$REFUND_REQ")"
req admin GET "/orders/$O1"
post admin "/orders/$(uuid)/refund" "csrf_token=$(csrf)"
check_status "an unknown order's refund is not found" 404

V=$(order_col "$O1" version)
SV=$(stock_col "$L" version)
check "the settlement again" pay "$SETTLED1"
check_eq "the stream drops it as a duplicate" duplicate "$PLAYED"
check "an older event of the payment (version 2) after it" \
	pay "$(payment payment.authorized "$P1" "$O1" 2 authorized)"
check_eq "changes nothing" "$V $SV" "$(order_col "$O1" version) $(stock_col "$L" version)"
check_eq "and refuses nothing" 0 "$(outbox_count "subject = 'ticketing.order.payment_refused'
	AND JSON_VALUE(payload, '$.aggregate_id') = '$O1'")"
check "payment.voided is acknowledged" pay "$(payment payment.voided "$(uuid)" "$O1" 1 voided)"
check_eq "and changes nothing" "$V" "$(order_col "$O1" version)"

# --- authorised after the deadline -> cancelled, refused ---------------------
O2=$(new_order "$L" 1)
check "a second order of 1 unit" [ -n "$O2" ]
check_eq "3 units are taken" "1 2" "$(stock_col "$L" "CONCAT(reserved, ' ', sold)")"
past_deadline "$O2"
P2=$(uuid)
check "a late payment.authorized is applied" \
	pay "$(payment payment.authorized "$P2" "$O2" 1 authorized)"
check_eq "the order is cancelled as expired" "cancelled expired" \
	"$(order_col "$O2" "CONCAT(state, ' ', cancel_reason)")"
check_eq "its unit is free again" "0 2" "$(stock_col "$L" "CONCAT(reserved, ' ', sold)")"
check_eq "order.payment_refused names the payment to void" "$P2 ch_${P2//-/} expired" \
	"$(sql "SELECT CONCAT_WS(' ', JSON_VALUE(payload, '$.data.payment_id'), JSON_VALUE(payload, '$.data.charge_id'),
	JSON_VALUE(payload, '$.data.reason')) FROM $DB.outbox WHERE subject = 'ticketing.order.payment_refused'
	AND JSON_VALUE(payload, '$.aggregate_id') = '$O2'")"
check_eq "the order records the refused payment" "$P2" "$(order_col "$O2" refused_payment_id)"
req buyer GET "/orders/$O2"
check "its page says the late payment was released" \
	has "$(text)" "the payment arrived after the reservation expired and was released"
SV=$(stock_col "$L" version)
check "its expiration is applied later" expire "$O2"
check_eq "the unit is not freed twice" "0 2 $SV" \
	"$(stock_col "$L" "CONCAT(reserved, ' ', sold, ' ', version)")"

# --- a second payment, a wrong amount -> refused -----------------------------
O3=$(new_order "$L" 1)
P3=$(uuid)
check "an order becomes paying" pay "$(payment payment.authorized "$P3" "$O3" 1 authorized)"
check_eq "paying" paying "$(order_col "$O3" state)"
P4=$(uuid)
check "another payment of the paying order" \
	pay "$(payment payment.authorized "$P4" "$O3" 1 authorized)"
check_eq "is refused" "paying $P3 $P4" \
	"$(order_col "$O3" "CONCAT_WS(' ', state, payment_id, refused_payment_id)")"
check_eq "as another payment's" other_payment "$(sql "SELECT JSON_VALUE(payload, '$.data.reason')
	FROM $DB.outbox WHERE subject = 'ticketing.order.payment_refused'
	AND JSON_VALUE(payload, '$.aggregate_id') = '$O3'")"

O4=$(new_order "$L" 1)
check "a payment of another amount" \
	pay "$(payment payment.authorized "$(uuid)" "$O4" 1 authorized 1)"
check_eq "is refused, the order still awaiting payment" "awaiting_payment amount" \
	"$(order_col "$O4" "CONCAT_WS(' ', state, reason)")"
req buyer GET "/orders/$O4"
check "the awaiting order's page has the Pay form" has "$BODY" 'action="/payments"'
check "which names the order" has "$BODY" "name=\"order_id\" value=\"$O4\""
check "and carries the CSRF token" has "$BODY" 'name="csrf_token"'
check "the page is valid HTML" valid_html
req admin GET "/orders/$O4"
check "an admin opens any order" [ "$STATUS" = 200 ]
check "but gets no Pay form" lacks "$BODY" 'action="/payments"'
req seller GET "/orders/$O4"
check_status "another member's order is not found" 404
req admin GET "/orders/$O4"
post admin "/orders/$O4/refund" "csrf_token=$(csrf)"
check_status "an order awaiting payment cannot be refunded" 409

# --- capture failed -> cancelled, units free ---------------------------------
check_eq "before the failed capture" "2 2" "$(stock_col "$L" "CONCAT(reserved, ' ', sold)")"
check "payment.failed is applied" pay "$(payment payment.failed "$P3" "$O3" 2 failed)"
check_eq "the order is cancelled, capture failed" "cancelled capture_failed" \
	"$(order_col "$O3" "CONCAT(state, ' ', cancel_reason)")"
check_eq "its unit is free again" "1 2" "$(stock_col "$L" "CONCAT(reserved, ' ', sold)")"
check_eq "order.cancelled is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.order.cancelled' AND JSON_VALUE(payload, '$.aggregate_id') = '$O3'")"
req buyer GET "/orders/$O3"
check "its page says the card issuer did not confirm" \
	has "$(text)" "the card issuer did not confirm the payment"

# --- refunded -> sold_amount down, units stay sold ---------------------------
check "payment.refunded is applied" pay "$(payment payment.refunded "$P1" "$O1" 4 refunded)"
check_eq "the order is refunded" refunded "$(order_col "$O1" state)"
check_eq "its units stay sold, the amount leaves sold_amount" "1 2 0" \
	"$(stock_col "$L" "CONCAT(reserved, ' ', sold, ' ', sold_amount)")"
check_eq "order.refunded is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.order.refunded' AND JSON_VALUE(payload, '$.aggregate_id') = '$O1'")"
check "the replicas follow" stock_settled "$L"
check_eq "the seller's earnings go down" "2 0" "$(sql "SELECT CONCAT(sold, ' ', sold_amount)
	FROM ticketing_tickets.stock_replica WHERE id = '$L'")"
req buyer GET "/orders/$O1"
check "the refunded order's page says why" has "$(text)" "Refunded by the platform"
req buyer GET /orders
check "the orders list says each state in words" has "$(text)" "Refunded by the platform"

# --- the event cancelled -> refunds requested --------------------------------
EV2=$(event_fixture org "${TAG}b")
L2=$(listing_on_sale seller "$EV2" 4 10.00)
check "a second event's listing is on sale" [ -n "$L2" ]
O5=$(new_order "$L2" 1)
P5=$(uuid)
check "an order of it is paid" pay "$(payment payment.authorized "$P5" "$O5" 1 authorized)"
check "and settled" pay "$(payment payment.settled "$P5" "$O5" 2 captured)"
O6=$(new_order "$L2" 1)
P6=$(uuid)
check "another one is paying" pay "$(payment payment.authorized "$P6" "$O6" 1 authorized)"
check_eq "complete and paying" "complete paying" \
	"$(order_col "$O5" state) $(order_col "$O6" state)"
req org GET "/events/$EV2/cancel"
post org "/events/$EV2/cancel" "csrf_token=$(csrf)"
check_status "the organizer cancels the event" 303
REQ5="subject = 'ticketing.order.refund_requested' AND JSON_VALUE(payload, '$.aggregate_id') = '$O5'"
check "the complete order's refund is requested" \
	wait_for 20 eval '[ "$(outbox_count "$REQ5")" = 1 ]'
check_eq "for the event's cancellation" event_cancelled \
	"$(sql "SELECT JSON_VALUE(payload, '$.data.reason') FROM $DB.outbox WHERE $REQ5")"
check "the paying order's capture succeeds later" \
	pay "$(payment payment.settled "$P6" "$O6" 2 captured)"
check_eq "it completes and its refund is requested at once" "complete event_cancelled" \
	"$(order_col "$O6" "CONCAT(state, ' ', refund_reason)")"
check "payment.refunded of the first is applied" \
	pay "$(payment payment.refunded "$P5" "$O5" 3 refunded)"
req buyer GET "/orders/$O5"
check "its page says the event was cancelled" has "$(text)" "Refunded: the event was cancelled"
check "payment.refunded of the second is applied" \
	pay "$(payment payment.refunded "$P6" "$O6" 3 refunded)"

# The awaiting order is cancelled by its buyer, so the stack is settled.
req buyer GET "/orders/$O4"
post buyer "/orders/$O4/cancel" "csrf_token=$(csrf)"
check_status "the buyer cancels the last order" 303

check "the consistency checker passes" checker
finish
