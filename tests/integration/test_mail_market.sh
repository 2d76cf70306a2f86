#!/usr/bin/env bash
# The marketplace mails of the notifications worker (workers/notify,
# docs/MAIL.md) against the stack's mail catcher, from purchases made as a
# person makes them (lib.sh: reserve, order_pay with the sandbox's card,
# order_refund, expire):
#   - a purchase of 2 units: one reservation_made to the buyer (event,
#     venue, local start, seats, quantity, total, deadline, order link),
#     one receipt (amount, order link, one e-ticket per unit: an
#     image/png part with a Content-ID its HTML references as cid:, and
#     the code in the text, equal to the order page's codes, with event,
#     start, venue, seats, holder) and one listing_sold to the seller
#     (amount, fee, earnings equal to /tickets/mine's under the test
#     stack's fee of 2.5 %);
#   - the order.created published a second time: still one mail;
#   - an expired reservation: one reservation_expired (nothing charged,
#     the listing's link);
#   - an admin's refund: one refunded (the amount, the platform's reason);
#   - an event cancelled with a reservation and a paid order: one
#     event_cancelled mail each, "not charged" and "your money comes back",
#     then the paid order's refunded mail (the event's reason); no
#     reservation_expired for the cancelled reservation;
#   - the consistency checker covers notify's new replicas.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

TAG=mm$$x$RANDOM
HOST=${BASE#*://}
HOST=${HOST%%:*}

# kind_count ADDR KIND: how many messages the catcher holds for ADDR whose
# Message-ID names KIND (<EVENT_ID.KIND@host>).
kind_count() {
	curl -fsS --noproxy '*' "$MAILDEV/email" 2>/dev/null | python3 -c '
import json, sys
a, k = sys.argv[1].lower(), "." + sys.argv[2] + "@"
print(sum(1 for m in json.load(sys.stdin)
          if k in (m.get("messageId") or "")
          and any(t.get("address", "").lower() == a for t in (m.get("to") or []))))' "$1" "$2" ||
		echo 0
}
# kind_source ADDR KIND FILE: the last message of KIND to ADDR into FILE.
kind_source() {
	local id
	id=$(curl -fsS --noproxy '*' "$MAILDEV/email" | python3 -c '
import json, sys
a, k = sys.argv[1].lower(), "." + sys.argv[2] + "@"
ms = [m for m in json.load(sys.stdin) if k in (m.get("messageId") or "")
      and any(t.get("address", "").lower() == a for t in (m.get("to") or []))]
print(ms[-1]["id"] if ms else "")' "$1" "$2") || return 1
	[ -n "$id" ] || return 1
	curl -fsS --noproxy '*' "$MAILDEV/email/$id/source" >"$3"
}
# kind_arrived ADDR KIND N: at least N mails of KIND to ADDR.
kind_arrived() { [ "$(kind_count "$1" "$2")" -ge "$3" ]; }
# one_mail ADDR KIND NAME: wait up to 30 s for KIND's mail to ADDR, then
# check it is one, and keep it in $TK_TMP/NAME.eml, .txt and .html.
one_mail() {
	check "the $2 mail to $3 arrives" wait_for 30 kind_arrived "$1" "$2" 1
	check "... once" same "$(kind_count "$1" "$2")" 1
	kind_source "$1" "$2" "$TK_TMP/$3.eml"
	mail_part "$TK_TMP/$3.eml" plain >"$TK_TMP/$3.txt"
	mail_part "$TK_TMP/$3.eml" html >"$TK_TMP/$3.html"
}
# codes FILE: the e-ticket codes (152 base64url characters) in FILE, sorted.
codes_in() { grep -oE '[A-Za-z0-9_-]{152}' "$1" | sort; }
# the order page's codes, sorted.
page_codes() { printf '%s' "$BODY" | grep -o '<code class="eticket-code">[^<]*</code>' |
	sed 's/<[^>]*>//g' | sort; }
# expiry_text ORDER: the order's deadline as the mails say it.
expiry_text() {
	sql "SELECT DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i UTC') FROM ticketing_orders.orders
		WHERE id = '$1'"
}
# member BROWSER NAME [--verified]: a new signed-in member; address in ADDR.
member() {
	ADDR=$(fresh_email "$1")
	account_create "$ADDR" member "$2" ${3:+"$3"}
	browser "$1"
	account_signin "$1" "$ADDR"
}
order_of() { local l; l=$(location); printf '%s' "${l#/orders/}"; }

account_browser org organizer "Olga $TAG"
account_browser admin admin "Ada $TAG"
member seller "Sam $TAG" --verified
SAM=$ADDR
member buyer "Bea $TAG"
BEA=$ADDR

EV=$(event_fixture org "$TAG")
check "the organizer's event reaches the orders service" matches "$EV" '^[0-9a-f-]{36}$'
L=$(listing_on_sale seller "$EV" 5 40.00)
check "the seller lists 5 tickets at 40.00" matches "$L" '^[0-9a-f-]{36}$'

# --- reservation made ---------------------------------------------------------
reserve buyer "$L" 2
check_status "the buyer reserves 2" 303
O=$(order_of)
one_mail "$BEA" reservation_made made
check "its subject names the event" \
	same "$(mail_header "$TK_TMP/made.eml" Subject)" "Your reservation for Gig $TAG"
check "its Message-ID is order.created's and the kind's" \
	same "$(mail_header "$TK_TMP/made.eml" Message-ID)" "<$(sql "SELECT JSON_VALUE(payload,
		'\$.event_id') FROM ticketing_orders.outbox WHERE subject = 'ticketing.order.created'
		AND JSON_VALUE(payload, '\$.aggregate_id') = '$O'").reservation_made@$HOST>"
check "... the event" grep -qF "Event: Gig $TAG" "$TK_TMP/made.txt"
check "... its local start, as the order page shows it" \
	grep -qE "^Starts: [0-9]{4}-[0-9]{2}-[0-9]{2} 20:00 \(Europe/Paris\)" "$TK_TMP/made.txt"
check "... the venue" grep -qF "Venue: Hall $TAG, Paris" "$TK_TMP/made.txt"
check "... the seats" grep -qF "Seats: Section Stalls, row A" "$TK_TMP/made.txt"
check "... the quantity" grep -qF "Quantity: 2" "$TK_TMP/made.txt"
check "... the total with its currency" grep -qF "Total: €80.00" "$TK_TMP/made.txt"
check "... the deadline" grep -qF "Pay before: $(expiry_text "$O")" "$TK_TMP/made.txt"
check "... the order's link" grep -qxF "$BASE/orders/$O" "$TK_TMP/made.txt"
check "... in the HTML too" grep -qF "href=\"$BASE/orders/$O\"" "$TK_TMP/made.html"
check "the HTML escapes nothing away: the total" grep -qF "€80.00" "$TK_TMP/made.html"

# The same event again (a relay that publishes twice): one mail still.
ENV=$(sql "SELECT payload FROM ticketing_orders.outbox WHERE subject = 'ticketing.order.created'
	AND JSON_VALUE(payload, '\$.aggregate_id') = '$O'")
out=$(printf '%s\n' "$ENV" | "$CTL" --config "$ADMIN_CONF" publish)
check "the stream drops the second copy" starts_with "$out" duplicate
sleep 2
check "order.created published twice still gives one mail" \
	same "$(kind_count "$BEA" reservation_made)" 1

# --- paid: receipt and sale -----------------------------------------------------
check "the order is paid with the sandbox's card" order_pay buyer "$O"
req buyer GET "/orders/$O"
PAGE_CODES=$(page_codes)
check "the order page shows two codes" same "$(printf '%s\n' "$PAGE_CODES" | wc -l)" 2
one_mail "$BEA" receipt receipt
check "the receipt's subject" same "$(mail_header "$TK_TMP/receipt.eml" Subject)" \
	"Your tickets for Gig $TAG"
check "it is multipart/related" grep -q '^Content-Type: multipart/related' "$TK_TMP/receipt.eml"
check "... the amount paid" grep -qF "Paid: €80.00" "$TK_TMP/receipt.txt"
check "... the order's link" grep -qxF "$BASE/orders/$O" "$TK_TMP/receipt.txt"
check "... one e-ticket per unit" grep -qF "E-ticket 2 of 2" "$TK_TMP/receipt.txt"
check "... the holder, the buyer" grep -qF "Holder: Bea $TAG" "$TK_TMP/receipt.txt"
check "... the codes of the order page, in its text" \
	same "$(codes_in "$TK_TMP/receipt.txt")" "$PAGE_CODES"
# The image parts: one image/png per unit, each Content-ID referenced.
python3 - "$TK_TMP/receipt.eml" >"$TK_TMP/receipt.parts" <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in m.walk():
    if p.get_content_type() == "image/png":
        data = p.get_content()
        print(p["Content-ID"].strip("<>"), data[:8] == b"\x89PNG\r\n\x1a\n", len(data))
EOF
check "two image/png parts" same "$(wc -l <"$TK_TMP/receipt.parts")" 2
check "... both real PNG images" same "$(grep -c ' True ' "$TK_TMP/receipt.parts")" 2
check "... with two Content-IDs" same "$(cut -d' ' -f1 "$TK_TMP/receipt.parts" | sort -u | wc -l)" 2
for cid in $(cut -d' ' -f1 "$TK_TMP/receipt.parts"); do
	check "the HTML shows $cid" grep -qF "src=\"cid:$cid\"" "$TK_TMP/receipt.html"
done

one_mail "$SAM" listing_sold sold
check "the sale mail's subject" same "$(mail_header "$TK_TMP/sold.eml" Subject)" \
	"You sold tickets for Gig $TAG"
check "... what sold" grep -qF "Seats: Section Stalls, row A" "$TK_TMP/sold.txt"
check "... how many" grep -qF "Quantity: 2" "$TK_TMP/sold.txt"
check "... the amount" grep -qF "Amount paid: €80.00" "$TK_TMP/sold.txt"
check "... the fee" grep -qF "Platform fee (2.50%): €2.00" "$TK_TMP/sold.txt"
check "... the link to the seller's listings" grep -qxF "$BASE/tickets/mine" "$TK_TMP/sold.txt"
check "the sale reaches the seller's replica" stock_settled "$L"
req seller GET /tickets/mine
MINE=$(printf '%s' "$BODY" | grep -oE 'earnings €[0-9.,]+' | head -1)
MAILED=$(sed -n 's/^Your earnings: //p' "$TK_TMP/sold.txt")
check "the earnings the mail says are /tickets/mine's" same "earnings $MAILED" "$MINE"
check "... €78.00 after the fee of 2.5 %" same "$MAILED" "€78.00"
check "the buyer got no sale mail" same "$(kind_count "$BEA" listing_sold)" 0
check "the seller got no receipt" same "$(kind_count "$SAM" receipt)" 0

# --- expired --------------------------------------------------------------------
reserve buyer "$L" 1
check_status "the buyer reserves 1 more" 303
O2=$(order_of)
check "its reservation mail arrives" wait_for 30 kind_arrived "$BEA" reservation_made 2
# Its deadline passes (the test moves it, as the clock would), then the
# expiry worker's expiration.complete cancels it.
sql "UPDATE ticketing_orders.orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE
	WHERE id = '$O2'"
expire "$O2"
check "the reservation expires" same "$(sql "SELECT CONCAT(state, ' ', cancel_reason)
	FROM ticketing_orders.orders WHERE id = '$O2'")" "cancelled expired"
one_mail "$BEA" reservation_expired expired
check "... nothing was charged" grep -qF "nothing
was charged" "$TK_TMP/expired.txt"
check "... the listing's link" grep -qxF "$BASE/tickets/$L" "$TK_TMP/expired.txt"

# --- refunded by an admin ---------------------------------------------------------
check "an admin refunds the paid order" order_refund admin "$O"
one_mail "$BEA" refunded refunded
check "... the amount refunded" grep -qF "€80.00 was refunded" "$TK_TMP/refunded.txt"
check "... why" grep -qF "Why: the platform refunded your order." "$TK_TMP/refunded.txt"

# --- an event cancelled -------------------------------------------------------------
EV2=$(event_fixture org "${TAG}b")
L2=$(listing_on_sale seller "$EV2" 4 10.00)
check "a second event's listing is on sale" matches "$L2" '^[0-9a-f-]{36}$'
member payer "Pia $TAG"
PIA=$ADDR
reserve payer "$L2" 1
O3=$(order_of)
check "Pia's order is paid" order_pay payer "$O3"
member holder "Hal $TAG"
HAL=$ADDR
reserve holder "$L2" 2
check_status "Hal reserves 2" 303
check "Hal's reservation mail arrives" wait_for 30 kind_arrived "$HAL" reservation_made 1
req org GET "/events/$EV2/cancel"
post org "/events/$EV2/cancel" "csrf_token=$(csrf)"
check_status "the organizer cancels the event" 303
one_mail "$HAL" event_cancelled hal
check "the reservation's mail: not charged" grep -qF "you were not charged" "$TK_TMP/hal.txt"
check "... and no money sentence of a paid order" eval '! grep -qF "Your money comes back" "$TK_TMP/hal.txt"'
check "its subject" same "$(mail_header "$TK_TMP/hal.eml" Subject)" "Gig ${TAG}b is cancelled"
one_mail "$PIA" event_cancelled pia
check "the paid order's mail: the money comes back" \
	grep -qF "Your money comes back: €10.00" "$TK_TMP/pia.txt"
check "... and not the reservation's sentence" eval '! grep -qF "not charged" "$TK_TMP/pia.txt"'
one_mail "$PIA" refunded pia-refunded
check "then its refund: the amount" grep -qF "€10.00 was refunded" "$TK_TMP/pia-refunded.txt"
check "... for the event's cancellation" \
	grep -qF "Why: the event was cancelled." "$TK_TMP/pia-refunded.txt"
check "a cancelled reservation is no expired one" same "$(kind_count "$HAL" reservation_expired)" 0
check "one mail row per event and kind" same "$(sql "SELECT COUNT(*) FROM (SELECT event_id, kind
	FROM ticketing_notify.mails GROUP BY event_id, kind HAVING COUNT(*) > 1) d")" 0

check "the consistency checker passes" checker

finish
