#!/usr/bin/env bash
# The seller against the buyers, raced (docs/MARKETPLACE.md rule 2): a
# seller lists tickets through the tickets form and, while many members
# (each with a session of their own, buyers_mint) reserve them through the
# orders service at the same time, lowers the quantity, changes the price
# or withdraws, through the tickets forms. Two databases, no transaction
# spanning both: the orders service applies the change to the units free
# when it arrives. Each kind of change runs in two rounds, each on a
# listing of its own; the buyers reserve one ticket after another and
# cancel some through the Cancel form (buyer_loop), before, during and
# after the change. After each round:
#   - SPEC invariant 1: reserved + sold <= quantity, and the units of the
#     listing's awaiting_payment/paying/complete orders add up to
#     stock.reserved + stock.sold;
#   - rules 1-3 in every state the orders service gave the stock row (each
#     stock.changed in its outbox): quantity = GREATEST(offered if active
#     else 0, reserved + sold);
#   - a lowered quantity: stock.quantity = GREATEST(offered, reserved +
#     sold), and once the reservations end (the buyers' Cancel form) the
#     units held beyond the wish vanish instead of coming free;
#   - a price change: every order carries the price of the listing version
#     the orders service had applied when it reserved (found in its
#     outbox: the stock.changed of the reservation's transaction), the old
#     one before the change was applied and the new one after, never
#     anything else;
#   - a withdrawal: no reservation is made after it is applied (404 "not
#     on sale"), the orders made before keep awaiting payment;
#   - the seller sees what happened: /tickets/mine and the listing page
#     show the orders service's counts and the removed units still held;
#   - no answer of any request is a 5xx.
# The consistency checker passes at the end.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_orders
TAG=run$$x$RANDOM
BUYERS=16
# Seconds each buyer waits between two reservations: the 16 together try
# about 50 a second, so a listing lasts a second or more and the seller's
# change lands while they reserve.
PACE=0.25
# Every status of every request of the test, one a line.
STATUSES=$TK_TMP/statuses
: >"$STATUSES"

account_browser org organizer
account_browser seller member "seller $$" --verified
EVENT=$(event_fixture org "$TAG")
check "an event for the listings is made and replicated" [ -n "$EVENT" ]
buyers_mint "$BUYERS" "$TK_TMP/buyers"
check_eq "$BUYERS buyers are signed in, each with a CSRF token" "$BUYERS" \
	"$(awk 'length($2) > 20' "$TK_TMP/buyers" | sort -u -k2,2 | wc -l)"

# seller_req METHOD PATH [ARGS] / seller_post PATH FIELDS...: the seller's
# requests, their statuses kept.
seller_req() {
	req seller "$@"
	echo "$STATUS" >>"$STATUSES"
}
seller_post() {
	post seller "$@"
	echo "$STATUS" >>"$STATUSES"
}
# stock L: "quantity reserved sold offered ticket_version" of listing L's
# stock row in the orders service.
stock() {
	sql "SELECT CONCAT_WS(' ', quantity, reserved, sold, offered, ticket_version)
		FROM $DB.stock WHERE listing_id = '$1'"
}
field() { stock "$1" | cut -d ' ' -f "$2"; }
# applied L VERSION: the orders service has applied listing version VERSION.
applied() { [ "$(field "$1" 5)" = "$2" ]; }
# held_units L: the units of L's orders that hold or sold units.
held_units() {
	sql "SELECT COALESCE(SUM(quantity), 0) FROM $DB.orders WHERE listing_id = '$1'
		AND state IN ('awaiting_payment', 'paying', 'complete')"
}

# buyer_loop TOKEN CSRF BASE LISTING STOP HOLD GIVE: one buyer reserving
# one ticket of LISTING after another until the file STOP exists (at most
# 200 tries), holding at most HOLD orders: beyond them, and with GIVE 1
# when refused while holding some, the oldest is cancelled through its
# Cancel form (HOLD 0: each at once), so units come free again and
# reservations go on for as long as the round needs. One line per answer:
# "R status order-url token csrf", "C status".
buyer_loop() {
	local i=0 answer held=()
	while [ ! -e "$5" ] && [ "$i" -lt 200 ]; do
		i=$((i + 1))
		answer=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code} %{redirect_url}' \
			-b "tk_session=$1" --data-urlencode "csrf_token=$2" \
			--data "ticket_id=$4&quantity=1" "$3/orders")
		echo "R $answer $1 $2"
		[ "${answer%% *}" != 303 ] || held+=("${answer#* }")
		if [ "${#held[@]}" -gt "$6" ] ||
			{ [ "$7" = 1 ] && [ "${answer%% *}" != 303 ] && [ "${#held[@]}" -gt 0 ]; }; then
			echo "C $(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' \
				-b "tk_session=$1" --data-urlencode "csrf_token=$2" \
				"${held[0]}/cancel")"
			held=("${held[@]:1}")
		fi
		sleep "$PACE"
	done
}
export -f buyer_loop
export PACE

# buyers_start LISTING HOLD [GIVE]: every buyer starts buyer_loop in the
# background; answers in $TK_TMP/answers. buyers_stop ends them.
buyers_start() {
	rm -f "$TK_TMP/stop"
	: >"$TK_TMP/answers"
	# shellcheck disable=SC2016 # expanded by the inner shell
	xargs -P "$BUYERS" -L 1 bash -c 'buyer_loop "$@"' _ \
		< <(awk -v l="$1" -v s="$TK_TMP/stop" -v m="$2 ${3:-0}" '{ print $1, $2, $3, l, s, m }' \
			"$TK_TMP/buyers") >>"$TK_TMP/answers" 2>&1 &
	BUYERS_PID=$!
}
buyers_stop() {
	touch "$TK_TMP/stop"
	wait "$BUYERS_PID" 2>/dev/null || true
	awk '{ print $2 }' "$TK_TMP/answers" >>"$STATUSES"
}

# applied_at L VERSION: the stock version at which the orders
# service applied listing version VERSION of L (the first stock.changed
# of its outbox that carries it).
applied_at() {
	sql "SELECT MIN(JSON_VALUE(payload, '\$.data.version') + 0) FROM $DB.outbox
		WHERE subject = 'ticketing.stock.changed' AND payload LIKE '%$1%'
		AND JSON_VALUE(payload, '\$.aggregate_id') = '$1'
		AND JSON_VALUE(payload, '\$.data.ticket_version') + 0 >= $2"
}
# reservations L: one line per order of L: "id unit_price stock_version
# ticket_version listing_price", where the last three come from the
# stock.changed its reservation wrote in the same transaction (the last
# one of the listing before its order.created: the stock row's lock keeps
# any other change of the listing out of that transaction).
reservations() {
	sql "SELECT subject, JSON_VALUE(payload, '\$.aggregate_id'),
		JSON_VALUE(payload, '\$.data.version'),
		JSON_VALUE(payload, '\$.data.ticket_version'), JSON_VALUE(payload, '\$.data.price')
		FROM $DB.outbox WHERE subject IN ('ticketing.stock.changed',
		'ticketing.order.created') AND payload LIKE '%$1%' ORDER BY id" |
		awk -v l="$1" '$1 == "ticketing.stock.changed" && $2 == l { v = $3; tv = $4; p = $5 }
			$1 == "ticketing.order.created" { print $2, v, tv, p }' | sort >"$TK_TMP/res"
	sql "SELECT id, unit_price FROM $DB.orders WHERE listing_id = '$1'" | sort |
		join "$TK_TMP/res" - | awk '{ print $1, $5, $2, $3, $4 }'
}
# after L VERSION: the orders of L reserved after stock version VERSION.
after() { reservations "$1" | awk -v v="$2" '$3 > v' | wc -l; }
# changes_after L VERSION: the stock.changed events of L after stock
# version VERSION (reservations and cancels that came after it).
changes_after() {
	sql "SELECT COUNT(*) FROM $DB.outbox WHERE subject = 'ticketing.stock.changed'
		AND payload LIKE '%$1%' AND JSON_VALUE(payload, '\$.aggregate_id') = '$1'
		AND JSON_VALUE(payload, '\$.data.version') + 0 > $2"
}
# rule_2 L: every state the orders service gave the stock row of L (each
# stock.changed of its outbox), checked against rules 1-3: units that
# exist = GREATEST(offered if active else 0, reserved + sold), available =
# what is left of them while active, else 0.
rule_2() {
	local n
	sql "SELECT JSON_VALUE(payload, '\$.data.quantity'), JSON_VALUE(payload, '\$.data.offered'),
		JSON_VALUE(payload, '\$.data.reserved'), JSON_VALUE(payload, '\$.data.sold'),
		JSON_VALUE(payload, '\$.data.state'), JSON_VALUE(payload, '\$.data.available')
		FROM $DB.outbox WHERE subject = 'ticketing.stock.changed' AND payload LIKE '%$1%'
		AND JSON_VALUE(payload, '\$.aggregate_id') = '$1' ORDER BY id" >"$TK_TMP/history"
	n=$(wc -l <"$TK_TMP/history")
	check "rule 2 held in each of the $n states of the stock row" [ -z "$(awk '
		{ o = $5 == "active" ? $2 : 0; h = $3 + $4; q = o > h ? o : h
		  if ($1 != q || $6 != ($5 == "active" ? q - h : 0)) print }' "$TK_TMP/history")" ]
}

# invariant_1 L: SPEC invariant 1 for listing L, checked.
invariant_1() {
	local s q r so
	s=$(stock "$1")
	read -r q r so _ <<<"$s"
	check "invariant 1: reserved + sold <= quantity ($s)" [ $((r + so)) -le "$q" ]
	check_eq "invariant 1: the orders' units are the stock's reserved + sold" \
		"$((r + so))" "$(held_units "$1")"
}

# seller_sees L: once the tickets service's replica has the orders
# service's last stock row of L, /tickets/mine and the listing page show
# its counts (available, reserved, sold) to the seller; the units held
# beyond the seller's wish are named when there are some.
seller_sees() {
	local q r so offered state avail held card
	read -r q r so offered _ <<<"$(stock "$1")"
	state=$(sql "SELECT state FROM $DB.listings_replica WHERE id = '$1'")
	avail=0
	[ "$state" != active ] || avail=$((q - r - so))
	check "the seller's replica catches up with the stock row" wait_for 20 eval \
		'[ "$(sql "SELECT version FROM ticketing_tickets.stock_replica WHERE id = '"'$1'"'")" = \
		"$(sql "SELECT version FROM $DB.stock WHERE listing_id = '"'$1'"'")" ]'
	seller_req GET /tickets/mine
	card=$(printf '%s' "$BODY" | awk -v l="/tickets/$1\"" 'index($0, l) { on = 1 }
		on { print } on && /<\/article>/ { exit }')
	check "my listings: available $avail, reserved $r, sold $so" \
		has "$card" "You offer $offered · available $avail · reserved $r · sold $so"
	held=$((q - offered))
	if [ "$held" -gt 0 ]; then
		check "my listings: $held removed tickets still held" \
			has "$card" "$held tickets you removed are still held by reservations"
	else
		check "my listings: no removed ticket is held" lacks "$card" "still held"
	fi
	seller_req GET "/tickets/$1"
	check "the listing page shows the seller the same counts" has "$(text)" \
		"You offer $offered tickets Available $avail Reserved $r Sold $so"
}

# listing_ready PRICE: a listing of 50 tickets at PRICE made through the
# tickets form, once the orders service has it for sale; its id in L.
listing_ready() {
	L=$(listing_create seller "$EVENT" 50 "$1")
	check "the seller lists 50 tickets at $1" [ -n "$L" ]
	check "... and the orders service has them for sale" wait_for 20 applied "$L" 1
}
# orders_at_least L N: wait up to 10 s for N orders of L.
orders_at_least() {
	wait_for 10 eval "[ \"\$(sql \"SELECT COUNT(*) FROM $DB.orders WHERE listing_id = '$1'\")\" -ge $2 ]"
}
# seller_edit L PRICE QUANTITY: the seller's edit form, sent.
seller_edit() {
	seller_req GET "/tickets/$1/edit"
	seller_post "/tickets/$1/edit" "csrf_token=$(csrf)" \
		"version=$(input_tag version | sed -n 's/.*value="\([0-9]*\)".*/\1/p')" \
		"price=$2" "quantity=$3"
	check_status "the seller's change answers 303" 303
}
# cancel_all L: every buyer's order of L still awaiting payment is
# cancelled through its Cancel form.
cancel_all() {
	local url token csrf
	sql "SELECT id FROM $DB.orders WHERE listing_id = '$1' AND state = 'awaiting_payment'" \
		>"$TK_TMP/awaiting"
	awk '$1 == "R" && $2 == 303 { print $3, $4, $5 }' "$TK_TMP/answers" |
		grep -F -f "$TK_TMP/awaiting" | while read -r url token csrf; do
			req - POST "${url#"$BASE"}/cancel" -b "tk_session=$token" \
				--data-urlencode "csrf_token=$csrf"
			echo "$STATUS" >>"$STATUSES"
		done
	check_eq "every order of the listing has ended" 0 \
		"$(sql "SELECT COUNT(*) FROM $DB.orders WHERE listing_id = '$1'
			AND state = 'awaiting_payment'")"
}

# --- a lowered quantity -------------------------------------------------------

# lower_round TO: the seller lowers 50 to TO once 3 orders exist, while
# the buyers reserve, each holding at most 2 orders and giving the oldest
# back when refused; they go on until 6 more changes of the stock row
# came after the lowering (or 15 s).
lower_round() {
	local to=$1 at q r so offered
	echo "# lowering to $to while buyers reserve"
	SECONDS=0
	listing_ready 20.00
	buyers_start "$L" 2 1
	check "the buyers reserve" orders_at_least "$L" 3
	seller_edit "$L" 20.00 "$to"
	if ! wait_for 20 applied "$L" 2; then
		check "the orders service applies the lowered quantity" false
		buyers_stop
		return
	fi
	at=$(applied_at "$L" 2)
	check "... the buyers go on reserving and cancelling after it" wait_for 15 \
		eval '[ "$(changes_after "$L" "$at")" -ge 6 ]'
	buyers_stop
	read -r q r so offered _ <<<"$(stock "$L")"
	echo "   (applied at stock version $at with $(reservations "$L" | awk -v v="$at" '$3 < v' | wc -l) made before; now $q exist, $r reserved)"
	invariant_1 "$L"
	rule_2 "$L"
	check_eq "the offer is what the seller asked" "$to" "$offered"
	check_eq "units that exist = GREATEST(offered, reserved + sold)" \
		"$((to > r + so ? to : r + so))" "$q"
	seller_sees "$L"
	cancel_all "$L"
	check_eq "the reservations ended: the units held beyond the wish vanished" \
		"$to 0 0" "$(stock "$L" | cut -d ' ' -f 1-3)"
	invariant_1 "$L"
	seller_sees "$L"
	echo "   (round: $SECONDS s)"
}
lower_round 2
lower_round 30

# --- a changed price ------------------------------------------------------------

# price_round FROM TO: the seller changes the price from FROM to TO once 3
# orders exist, while the buyers reserve and cancel; they go on until 5
# orders were made after the change was applied (or 15 s).
price_round() {
	local from=$1 to=$2 old new at
	echo "# changing the price from $from to $to while buyers reserve"
	old=$(printf '%s' "$from" | tr -d .)
	new=$(printf '%s' "$to" | tr -d .)
	listing_ready "$from"
	buyers_start "$L" 0
	check "the buyers reserve" orders_at_least "$L" 3
	seller_edit "$L" "$to" 50
	if ! wait_for 20 applied "$L" 2; then
		check "the orders service applies the new price" false
		buyers_stop
		return
	fi
	at=$(applied_at "$L" 2)
	check "... the buyers go on reserving after it" wait_for 15 eval '[ "$(after "$L" "$at")" -ge 5 ]'
	buyers_stop
	reservations "$L" >"$TK_TMP/orders"
	echo "   (applied at stock version $at; $(awk -v v="$at" '$3 < v' "$TK_TMP/orders" | wc -l) orders before, $(awk -v v="$at" '$3 > v' "$TK_TMP/orders" | wc -l) after)"
	check "every order was made at a price of the listing ($old or $new)" \
		[ -z "$(awk -v a="$old" -v b="$new" '$2 != a && $2 != b' "$TK_TMP/orders")" ]
	check "every order has the price of the version applied when it was made" \
		[ -z "$(awk '$2 != $5' "$TK_TMP/orders")" ]
	check "orders made before the change was applied have the old price" \
		[ -z "$(awk -v v="$at" -v p="$old" '$3 < v && $2 != p' "$TK_TMP/orders")" ]
	check "orders made after it have the new price" \
		[ -z "$(awk -v v="$at" -v p="$new" '$3 > v && $2 != p' "$TK_TMP/orders")" ]
	check "some orders were made before it" [ "$(awk -v v="$at" '$3 < v' "$TK_TMP/orders" | wc -l)" -gt 0 ]
	check_eq "every answer to a reservation was 303" 0 \
		"$(awk '$1 == "R" && $2 != 303' "$TK_TMP/answers" | wc -l)"
	check_eq "every cancel answered 303" 0 "$(awk '$1 == "C" && $2 != 303' "$TK_TMP/answers" | wc -l)"
	invariant_1 "$L"
	rule_2 "$L"
	seller_sees "$L"
}
price_round 10.00 12.50
price_round 30.00 27.00

# --- a withdrawal ---------------------------------------------------------------------

# withdraw_round HOLD: the seller withdraws once 3 orders exist, while the
# buyers reserve, each holding at most HOLD orders; they go on for a
# half a second after the withdrawal is applied.
withdraw_round() {
	local at r awaiting url token csrf
	echo "# withdrawing while buyers reserve ($1)"
	listing_ready 15.00
	buyers_start "$L" "$1"
	check "the buyers reserve" orders_at_least "$L" 3
	seller_req GET "/tickets/$L"
	seller_post "/tickets/$L/withdraw" "csrf_token=$(csrf)"
	check_status "the seller's withdrawal answers 303" 303
	if ! wait_for 20 applied "$L" 2; then
		check "the orders service applies the withdrawal" false
		buyers_stop
		return
	fi
	at=$(applied_at "$L" 2)
	sleep 0.5
	buyers_stop
	echo "   (applied at stock version $at; answers: $(awk '{ print $1 $2 }' "$TK_TMP/answers" | sort | uniq -c | tr '\n' ' '))"
	check_eq "no reservation was made after the withdrawal was applied" 0 "$(after "$L" "$at")"
	check "reservations were refused after it (404)" \
		[ "$(awk '$1 == "R" && $2 == 404' "$TK_TMP/answers" | wc -l)" -gt 0 ]
	check_eq "every refusal was a 404 (not on sale) or a 409 (none left)" 0 \
		"$(awk '$1 == "R" && $2 != 303 && $2 != 404 && $2 != 409' "$TK_TMP/answers" | wc -l)"
	read -r token csrf _ <"$TK_TMP/buyers"
	req - POST /orders -b "tk_session=$token" --data-urlencode "csrf_token=$csrf" \
		--data "ticket_id=$L&quantity=1"
	echo "$STATUS" >>"$STATUSES"
	check_status "a reservation now answers 404" 404
	check "... saying the listing is not on sale" has "$BODY" "not on sale"
	invariant_1 "$L"
	rule_2 "$L"
	r=$(field "$L" 2)
	awaiting=$(sql "SELECT COUNT(*) FROM $DB.orders WHERE listing_id = '$L'
		AND state = 'awaiting_payment'")
	check_eq "the orders made before it still await payment" "$r" "$awaiting"
	check_eq "units that exist = the held ones (nothing offered)" "$r" "$(field "$L" 1)"
	read -r url token _ <<<"$(awk '$1 == "R" && $2 == 303 { print $3, $4 }' "$TK_TMP/answers" |
		tail -n 1)"
	if [ "$1" -gt 0 ]; then
		req - GET "${url#"$BASE"}" -b "tk_session=$token"
		echo "$STATUS" >>"$STATUSES"
		check "an order made before it still shows as awaiting payment" \
			has "$BODY" "Reserved, awaiting payment"
		check "... with its Cancel form" has "$BODY" "/cancel\""
	fi
	seller_sees "$L"
	cancel_all "$L"
	check_eq "the reservations ended: nothing exists any more" "0 0 0" \
		"$(stock "$L" | cut -d ' ' -f 1-3)"
	invariant_1 "$L"
}
withdraw_round 2
withdraw_round 0

echo "# answers: $(sort "$STATUSES" | uniq -c | tr '\n' ' ')"
check_eq "no answer of any request was a 5xx" 0 "$(grep -c '^5' "$STATUSES")"
check "every answer has a status" [ -z "$(grep -v '^[1-5][0-9][0-9]$' "$STATUSES")" ]
finish
