#!/usr/bin/env bash
# Integration tests of the orders service through nginx: reservations and
# their refusals (own listing, unknown and withdrawn listings, every bad
# quantity, CSRF, not enough units), the order page and list with their
# owner checks, the buyer's cancel releasing units, and the cancelling side
# of expiry (an expiration.complete event cancels only an order still
# awaiting payment whose deadline passed), and a cancelled event (the
# orders-events replica) refusing reservations. Short deadlines come from a
# stand-in orders instance with reservation_seconds = 5 (lib.sh stand_in).
# Listings are made through the tickets service's form and reach the
# orders service over the backbone (lib.sh listing_on_sale). The
# consistency checker runs after each scenario.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_orders
TAG=run$$x$RANDOM

orders_count() { sql "SELECT COUNT(*) FROM $DB.orders WHERE $1"; }
outbox_count() { sql "SELECT COUNT(*) FROM $DB.outbox WHERE $1"; }
reserved() { sql "SELECT reserved FROM $DB.stock WHERE listing_id = '$1'"; }
page_ok() {
	check "$1 is valid HTML" valid_html
	check "$1 has no script" lacks_i "$BODY" "<script"
}
# refresh: the seconds of the last page's <meta http-equiv="refresh">
# ("" when it has none).
refresh() {
	printf '%s' "$BODY" | grep -o '<meta http-equiv="refresh" content="[0-9]*">' |
		sed 's/.*content="\([0-9]*\)".*/\1/'
}
# left_text: the seconds of the last order page's "(14 min 5 s left)".
left_text() {
	text | sed -n 's/.*(\(\([0-9]*\) min \)\{0,1\}\([0-9]*\) s left).*/\2 \3/p' |
		awk '{ print $2 == "" ? $1 : $1 * 60 + $2 }'
}
# deadline_left: seconds from now to the deadline in the last order
# page's <time datetime>.
deadline_left() {
	local iso
	iso=$(printf '%s' "$BODY" | grep -o '<time datetime="[^"]*"' | head -n 1 | cut -d '"' -f 2)
	echo $(($(date -u -d "$iso" +%s) - $(date -u +%s)))
}
# expired ORDER: the stack's expiry worker's expiration of ORDER has been
# applied by the orders service (waits up to 20 s).
expired() {
	wait_for 20 eval '[ "$(sql "SELECT COUNT(*) FROM '"$DB"'.processed_events
		WHERE consumer = '"'orders-expirations'"' AND aggregate_id = '"'$1'"'")" = 1 ]'
}
ORG=$(fresh_email org)
SELLER=$(fresh_email seller)
BUYER=$(fresh_email buyer)
OTHER=$(fresh_email other)
account_create "$ORG" organizer "Org $TAG"
account_create "$SELLER" member "Seller $TAG" --verified
account_create "$BUYER" member "Buyer $TAG"
account_create "$OTHER" member "Other $TAG"
browser org
account_signin org "$ORG"
browser seller
account_signin seller "$SELLER"
browser buyer
account_signin buyer "$BUYER"
browser other
account_signin other "$OTHER"

EVENT=$(event_fixture org "$TAG")
check "an event for the listings is made and replicated" [ -n "$EVENT" ]
L=$(listing_on_sale seller "$EVENT" 5 25.50)
check "the seller's listing is on sale in the orders service" [ -n "$L" ]

# --- refusals -------------------------------------------------------------

req buyer GET /orders
post buyer /orders "ticket_id=$L" "quantity=1"
check_status "a reservation without CSRF token gets 403" 403
post buyer /orders "csrf_token=wrong" "ticket_id=$L" "quantity=1"
check_status "a reservation with a wrong CSRF token gets 403" 403
browser visitor
post visitor /orders "ticket_id=$L" "quantity=1"
check "a visitor cannot reserve" [ "$STATUS" = 403 ] || [ "$STATUS" = 303 ]

for q in 0 11 -1 x "" 1.5 " 2x"; do
	reserve buyer "$L" "$q"
	check_status "quantity '$q' answers 422" 422
	check "quantity '$q': the page keeps the form" has "$(input_tag quantity)" "name=\"quantity\""
done
reserve buyer "$L" 11
check "over the limit: the page says the most" has "$BODY" "at most 10 tickets"
page_ok "the refused quantity page"
reserve buyer "$L" x
check "not a number: the page says so" has "$BODY" "whole number"
check_eq "no order was made by the refusals" 0 "$(orders_count "listing_id = '$L'")"

reserve seller "$L" 1
check_status "the seller's own listing answers 403" 403
check "... and says why" has "$BODY" "your own listing"
reserve buyer 00000000-0000-7000-8000-000000000000 1
check_status "an unknown listing answers 404" 404
reserve buyer "not-an-id" 1
check_status "a malformed listing id answers 404" 404
check "the checker passes after the refusals" checker

# --- a reservation, its page and the owner checks --------------------------

reserve buyer "$L" 2
check_status "a reservation of 2 answers 303" 303
O=$(location)
O=${O#/orders/}
check "... to the order's page" matches "$O" '^[0-9a-f-]{36}$'
check_eq "the stock holds 2 reserved" 2 "$(reserved "$L")"
check_eq "order.created is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.order.created' AND payload LIKE '%$O%'")"
check_eq "stock.changed is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.stock.changed' AND payload LIKE '%\"reserved\":2%' AND payload LIKE '%$L%'")"
req buyer GET "/orders/$O"
check_status "the buyer's order page answers 200" 200
page_ok "the order page"
check "it shows the state" has "$BODY" "Reserved, awaiting payment"
check "it shows the unit price with its currency" has "$BODY" "€25.50"
check "it shows the total" has "$BODY" "€51.00"
check "it shows the time left" matches "$(text)" "\(1[45] min [0-9]+ s left\)"
LEFT=$(left_text)
check "the time left agrees with the deadline (${LEFT:-?} s, deadline in $(deadline_left) s)" \
	[ -n "$LEFT" ] && [ $(($(deadline_left) - LEFT)) -ge -2 ] && [ $(($(deadline_left) - LEFT)) -le 2 ]
check_eq "it reloads itself a second after the time left" "$((LEFT + 1))" "$(refresh)"
check "it offers the cancel form" has "$BODY" "action=\"/orders/$O/cancel\""
req buyer GET /orders
check "the order list links the order" has "$BODY" "/orders/$O"
req other GET "/orders/$O"
check_status "someone else's order page answers 404" 404
req other GET /orders
post other "/orders/$O/cancel" "csrf_token=$(csrf)"
check_status "someone else's cancel answers 404" 404
check_eq "... and the order still awaits payment" 1 \
	"$(orders_count "id = '$O' AND state = 'awaiting_payment'")"

reserve buyer "$L" 4
check_status "4 more of the 3 left answers 409" 409
check "... saying how many are left" has "$BODY" "Only 3 left"
check "... with the form kept" has "$(input_tag quantity)" 'value="4"'
check "the checker passes after the reservation" checker

# --- the buyer's cancel -----------------------------------------------------

req buyer GET "/orders/$O"
post buyer "/orders/$O/cancel" "csrf_token=$(csrf)"
check_status "the buyer's cancel answers 303" 303
check_eq "the order is cancelled by the buyer" 1 \
	"$(orders_count "id = '$O' AND state = 'cancelled' AND cancel_reason = 'buyer'")"
check_eq "its units are released" 0 "$(reserved "$L")"
check_eq "order.cancelled is in the outbox" 1 \
	"$(outbox_count "subject = 'ticketing.order.cancelled' AND payload LIKE '%$O%'")"
check_eq "stock.changed says 5 available" 1 \
	"$(outbox_count "subject = 'ticketing.stock.changed' AND payload LIKE '%$L%' AND payload LIKE '%\"available\":5%' AND payload LIKE '%\"version\":3%'")"
req buyer GET "/orders/$O"
check "the page says it was cancelled" has "$BODY" "Cancelled by you"
check_eq "... and does not reload itself" "" "$(refresh)"
check "... and offers no cancel" lacks "$BODY" "/cancel\""
post buyer "/orders/$O/cancel" "csrf_token=$(csrf)"
check_status "cancelling again answers 409" 409
check "the checker passes after the cancel" checker

# --- expiry's cancelling side ----------------------------------------------

reserve buyer "$L" 1
FRESH=$(location)
FRESH=${FRESH#/orders/}
expire "$FRESH"
check_eq "an expiration before the deadline changes nothing" 1 \
	"$(orders_count "id = '$FRESH' AND state = 'awaiting_payment'")"

# The short-deadline mode: a stand-in with reservation_seconds = 5 (long
# enough for the steps below to come before the deadline on a loaded
# machine, where 2 s was not: the short order expired before its units
# were counted).
CONF=$TK_TMP/orders.conf
grep -v '^reservation_seconds' "$TK_TEST_RUN_DIR/conf/orders.conf" >"$CONF"
echo "reservation_seconds = 5" >>"$CONF"
stand_in orders "$CONF"
check "the short-deadline stand-in answers" wait_for 15 eval 'req buyer GET /orders; [ "$STATUS" = 200 ]'
# The stack's expiry worker waits until the units are counted: with the
# stand-in's restart in between, a backbone quicker than that could
# expire the short order first.
ctl stop expiry-orders >/dev/null
reserve buyer "$L" 2
SHORT=$(location)
SHORT=${SHORT#/orders/}
reserve buyer "$L" 1
PAYING=$(location)
PAYING=${PAYING#/orders/}
# A paying order is never cancelled by expiry (SPEC section 3): marked
# paying before its deadline, as the expiry worker of the stack runs too.
sql "UPDATE $DB.orders SET state = 'paying' WHERE id = '$PAYING'"
# Counted before the stand-in stops: that can take longer than the deadline.
check_eq "4 units are reserved (1 fresh, 3 short)" 4 "$(reserved "$L")"
stand_in_end
check "two short orders made" [ -n "$SHORT" ] && [ -n "$PAYING" ]
ctl start expiry-orders >/dev/null
check "the expiry worker expires the short order" expired "$SHORT"
check_eq "an expired order is cancelled with reason expired" 1 \
	"$(orders_count "id = '$SHORT' AND state = 'cancelled' AND cancel_reason = 'expired'")"
check_eq "... and its units are released" 2 "$(reserved "$L")"
check_eq "... with order.cancelled" 1 \
	"$(outbox_count "subject = 'ticketing.order.cancelled' AND payload LIKE '%$SHORT%' AND payload LIKE '%expired%'")"
check "the expiry worker expires the paying order too" expired "$PAYING"
check_eq "a paying order past its deadline stays paying" 1 \
	"$(orders_count "id = '$PAYING' AND state = 'paying'")"
expire "$O"
check_eq "an order cancelled before stays cancelled by the buyer" 1 \
	"$(orders_count "id = '$O' AND state = 'cancelled' AND cancel_reason = 'buyer'")"
check_eq "the units held are still the fresh and the paying orders'" 2 "$(reserved "$L")"
# Leave nothing paying behind: this stack has no payments to settle it.
sql "UPDATE $DB.orders SET state = 'awaiting_payment' WHERE id = '$PAYING'"
req buyer GET "/orders/$PAYING"
post buyer "/orders/$PAYING/cancel" "csrf_token=$(csrf)"
check_status "the buyer cancels the last short order" 303
# Its deadline passed while the expiry worker has nothing for it (expire
# took its schedule row): the page says 0 s left and reloads every
# ORDERS_REFRESH_PAST_S (5 s) until the order changes.
sql "UPDATE $DB.orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = '$FRESH'"
req buyer GET "/orders/$FRESH"
check "past its deadline, the page says 0 s left" matches "$(text)" "\(0 s left\)"
check_eq "... and reloads itself every 5 s" 5 "$(refresh)"
post buyer "/orders/$FRESH/cancel" "csrf_token=$(csrf)"
check_status "the buyer cancels the fresh order" 303
check_eq "no order of the test awaits payment" 0 \
	"$(orders_count "listing_id = '$L' AND state = 'awaiting_payment'")"

# --- a withdrawn listing ------------------------------------------------------

LW=$(listing_on_sale seller "$EVENT" 2 25.50)
check "the seller withdraws a second listing" listing_withdraw seller "$LW"
check "the orders service learns it" wait_for 20 eval \
	'[ "$(sql "SELECT state FROM '"$DB"'.listings_replica WHERE id = '"'$LW'"'")" = withdrawn ]'
reserve buyer "$LW" 1
check_status "a withdrawn listing answers 404" 404
check "... saying it is not on sale" has "$BODY" "not on sale"

# --- a backlog of stock changes: one upsert statement per batch ---------------

# While the tickets service's replicator is stopped, six reservations of
# one listing queue six stock.changed. Started again, its tickets-stock
# consumer fetches them together and applies them as rows of one upsert
# (worker_rows, lib/worker.h): begin, the processed_events statement, the
# upsert, the applied_versions statement and commit, 5 statements per
# transaction, where one upsert per event would make it 4 + 1 per event.
LB=$(listing_on_sale seller "$EVENT" 10 25.50)
check "a listing for the backlog is on sale" [ -n "$LB" ]
check "its stock is replicated" stock_settled "$LB"
RLOG=$TK_TEST_RUN_DIR/logs/replicator-tickets-output.log
ctl stop replicator-tickets >/dev/null
at_exit 'ctl start replicator-tickets >/dev/null'
SKIP=$(wc -l <"$RLOG")
made=0
for _ in 1 2 3 4 5 6; do
	reserve buyer "$LB" 1
	[ "$STATUS" = 303 ] && made=$((made + 1))
done
check_eq "six reservations while the replicator is stopped" 6 "$made"
ctl start replicator-tickets >/dev/null
check "the tickets replica catches up with the last of them" stock_settled "$LB"
ctl stop replicator-tickets >/dev/null
consumer_stopped "$RLOG" "$SKIP" "replicator tickets-stock"
check "the six were applied in fewer transactions than events" \
	eval '[ "${HANDLED:-0}" -ge 6 ] && [ "${TXS:-6}" -lt "${HANDLED:-0}" ]'
check "5 statements per transaction, none per event" \
	eval '[ "${STMTS:-0}" -gt 0 ] && [ "${STMTS:-0}" -le $((5 * ${TXS:-0})) ]'
ctl start replicator-tickets >/dev/null
check "the tickets replicator runs again" wait_for 10 running replicator-tickets

# --- a cancelled event (orders-events) -----------------------------------------

# The cancellation reaches the orders service twice: as event.updated
# (orders-events) and, through the tickets service, as ticket.updated of
# each listing (rule 4). The tickets service's replicator is held while
# the first is tried, so the listing is still active here and only the
# event's state refuses the reservation.
ctl stop replicator-tickets >/dev/null
at_exit 'ctl start replicator-tickets >/dev/null'
req org GET "/events/$EVENT/cancel"
post org "/events/$EVENT/cancel" "csrf_token=$(csrf)"
check_status "the organizer cancels the event" 303
check "the orders service's replica learns it" wait_for 20 eval \
	'[ "$(sql "SELECT status FROM '"$DB"'.events_replica WHERE id = '"'$EVENT'"'")" = cancelled ]'
check_eq "... while the listing is still active there" active \
	"$(sql "SELECT state FROM $DB.listings_replica WHERE id = '$L'")"
reserve buyer "$L" 1
check_status "a listing of a cancelled event answers 409" 409
check "... saying its tickets are no longer on sale" has "$BODY" "no longer on sale"
check_eq "... and no order is made" 0 "$(orders_count "listing_id = '$L' AND state = 'awaiting_payment'")"
ctl start replicator-tickets >/dev/null
check "the listing is cancelled with its event (rule 4)" wait_for 20 eval \
	'[ "$(sql "SELECT state FROM '"$DB"'.listings_replica WHERE id = '"'$L'"'")" = cancelled ]'

finish
