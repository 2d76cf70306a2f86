#!/usr/bin/env bash
# "Never oversell", raced: 200 members, each with a session of their own,
# POST /orders for one unit of a listing of 5 at the same moment (curl in
# parallel). Exactly 5 orders are made, the other 195 answers are 409, none
# is a 5xx, and the stock row holds 5 reserved. While another transaction
# holds the sold-out listing's stock row lock, a reservation of it is
# still refused at once: refusals are decided without the lock. The
# negative control runs
# the same race, with the same members, against a stand-in orders instance
# of the test-only program tests/integration/orders_unlocked (its
# reservation reads the stock row without the lock and waits between check
# and write; docs/DECISIONS.md): it must oversell, or this test cannot see an oversell
# and reports itself invalid. Listings are made through the tickets
# service's form (lib.sh listing_on_sale).
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_orders
BUYERS=200
UNITS=5
TAG=run$$x$RANDOM
orders_count() { sql "SELECT COUNT(*) FROM $DB.orders WHERE $1"; }

ORG=$(fresh_email org)
SELLER=$(fresh_email seller)
account_create "$ORG" organizer "Org $TAG"
browser org
account_signin org "$ORG"
EVENT=$(event_fixture org "$TAG")
check "an event for the listings is made and replicated" [ -n "$EVENT" ]
account_create "$SELLER" member "Seller $TAG" --verified
browser seller
account_signin seller "$SELLER"

# The buyers: distinct members, each with a session of their own
# (buyers_mint), used by both races.
buyers_mint "$BUYERS" "$TK_TMP/buyers"
check_eq "$BUYERS buyers are signed in, each with a CSRF token" "$BUYERS" \
	"$(awk 'length($2) > 20' "$TK_TMP/buyers" | sort -u -k2,2 | wc -l)"

# race LISTING: every buyer POSTs one unit of LISTING at once; one line
# per answer in $TK_TMP/answers: status, Location, the buyer's session and
# CSRF tokens; the status codes alone in $TK_TMP/codes.
race() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	xargs -P "$BUYERS" -L 1 sh -c 'curl -s --noproxy "*" -o /dev/null \
		-w "%{http_code} %{redirect_url} $1 $2\n" \
		-b "tk_session=$1" --data-urlencode "csrf_token=$2" \
		--data "ticket_id=$0&quantity=1" "$3/orders"' "$1" <"$TK_TMP/buyers" \
		>"$TK_TMP/answers" 2>&1 || true
	cut -d ' ' -f 1 "$TK_TMP/answers" >"$TK_TMP/codes"
}

L=$(listing_on_sale seller "$EVENT" "$UNITS" 10.00)
check "the listing is on sale" [ -n "$L" ]
race "$L"
check_eq "every buyer got an answer" "$BUYERS" "$(wc -l <"$TK_TMP/codes")"
check_eq "exactly $UNITS reservations answered 303" "$UNITS" "$(grep -c '^303$' "$TK_TMP/codes")"
check_eq "the other $((BUYERS - UNITS)) answered 409" "$((BUYERS - UNITS))" \
	"$(grep -c '^409$' "$TK_TMP/codes")"
check_eq "no answer was a 5xx" 0 "$(grep -c '^5' "$TK_TMP/codes")"
check_eq "exactly $UNITS orders exist" "$UNITS" "$(orders_count "listing_id = '$L'")"
check_eq "the stock row holds $UNITS reserved" "$UNITS" \
	"$(sql "SELECT reserved FROM $DB.stock WHERE listing_id = '$L'")"
# A sold-out listing refuses without taking its stock row's lock (an
# on-sale's refusals do not queue behind it): while another transaction
# holds that lock, a loser sending again is answered 409 at once.
sql "START TRANSACTION; SELECT reserved FROM $DB.stock WHERE listing_id = '$L' FOR UPDATE;
	SELECT SLEEP(6); ROLLBACK" >/dev/null &
HOLDER=$!
check "another transaction holds the stock row's lock" wait_for 10 eval '[ "$(sql "SELECT COUNT(*)
	FROM information_schema.INNODB_TRX WHERE trx_query LIKE '"'SELECT SLEEP%'"'")" = 1 ]'
read -r token csrf < <(awk '$1 == 409 { print $2, $3; exit }' "$TK_TMP/answers")
T0=$(date +%s%N)
req - POST /orders -b "tk_session=$token" --data-urlencode "csrf_token=$csrf" \
	--data "ticket_id=$L&quantity=1"
MS=$((($(date +%s%N) - T0) / 1000000))
check_eq "a reservation of the sold-out listing answers 409 meanwhile" 409 "$STATUS"
check "... in under 3 s, without waiting for the lock (took $MS ms)" [ "$MS" -lt 3000 ]
wait "$HOLDER" || true
check "the checker passes after the race" checker
# The winners cancel: every unit is free again.
awk '$1 == 303 { print $2, $3, $4 }' "$TK_TMP/answers" | while read -r url token csrf; do
	req - POST "${url#"$BASE"}/cancel" -b "tk_session=$token" --data-urlencode "csrf_token=$csrf"
	echo "$STATUS" >>"$TK_TMP/cancels"
done
check_eq "the $UNITS winners cancel their orders" "$UNITS" "$(grep -c '^303$' "$TK_TMP/cancels")"
check_eq "the stock row holds none reserved" 0 \
	"$(sql "SELECT reserved FROM $DB.stock WHERE listing_id = '$L'")"

# The negative control: the same race without the lock.
CONF=$TK_TMP/orders.conf
cp "$TK_TEST_RUN_DIR/conf/orders.conf" "$CONF"
stand_in orders "$CONF" tests/integration/orders_unlocked
FIRST=$(head -n 1 "$TK_TMP/buyers" | cut -d " " -f 1)
check "the unlocked stand-in answers" wait_for 15 \
	eval 'req - GET /orders -b "tk_session=$FIRST"; [ "$STATUS" = 200 ]'
U=$(listing_on_sale seller "$EVENT" "$UNITS" 10.00)
race "$U"
stand_in_end
MADE=$(orders_count "listing_id = '$U'")
echo "   (without the lock: $MADE orders for $UNITS units; answers: $(sort "$TK_TMP/codes" | uniq -c | tr '\n' ' '))"
check "negative control: without the lock the race oversells (else this test is invalid)" \
	[ "$MADE" -gt "$UNITS" ]
# Repair what the control broke: its orders cancelled, its units free,
# and the payments service's replica of the orders likewise, once it has
# them all. No real flow can: the cancels would release more units than
# the stock row holds. The seller then withdraws the listing, so the
# orders service publishes the repaired row (stock.changed) to both stock
# replicas.
check "the payments service's replica has the control's orders" wait_for 20 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_payments.orders_replica
		WHERE listing_id = '"'$U'"'")" = "$MADE" ]'
sql "UPDATE $DB.orders SET state = 'cancelled', cancel_reason = 'buyer'
	WHERE listing_id = '$U';
	UPDATE ticketing_payments.orders_replica SET state = 'cancelled' WHERE listing_id = '$U';
	UPDATE $DB.stock SET reserved = 0 WHERE listing_id = '$U'"
check "the seller withdraws the control's listing" listing_withdraw seller "$U"
check "the orders service applies the withdrawal" wait_for 20 eval \
	'[ "$(sql "SELECT state FROM '"$DB"'.listings_replica WHERE id = '"'$U'"'")" = withdrawn ]'
check "the repaired stock row reaches both replicas" stock_settled "$U"

finish
