#!/usr/bin/env bash
# The golden path, twice: in Debian's chromium without JavaScript
# (tests/browser/golden.js, driven by playwright-core: an organizer makes a
# venue and an event through the forms, a seller signs up, verifies the
# address with the mailed link and lists tickets,
# a buyer signs up, finds the event from the home page's search, opens the
# listing, reserves, sees the order awaiting payment, pays on the sandbox's
# card page and sees the e-ticket; a screenshot of every step at 1280 and
# 390 px), then the same walk in lynx: the forms are
# sent with curl, and every page a buyer reads is `lynx -dump` of it with
# the same session's cookies, which must show what the buyer needs there
# (the state, the price, the buttons as text).
# Screenshots and the lynx dumps go to $TK_TEST_RUN_DIR/golden/ (run-test/
# golden/ after scripts/dev test; TK_GOLDEN_OUT overrides), kept after the
# test. The chromium walk needs tests/browser/node_modules (scripts/dev
# runs npm ci there): without it the test fails.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

SRC=${TK_SRCDIR:-$(dirname "$0")/../..}
OUT=${TK_GOLDEN_OUT:-$TK_TEST_RUN_DIR/golden}
TAG=g$$x$RANDOM
LTAG=l$$x$RANDOM
rm -rf -- "$OUT"
mkdir -p "$OUT/lynx"

# --- chromium -----------------------------------------------------------------

if [ ! -d "$SRC/tests/browser/node_modules/playwright-core" ]; then
	echo "playwright-core is not installed: run npm ci in tests/browser (scripts/dev test does)"
	exit 99
fi
ORG=$(fresh_email organizer)
account_create "$ORG" organizer "Olive $TAG"
# golden.js takes the seller's verification link with account_token.
export -f sql sql_quote account_token
export SEALED_TOKEN
rc=0
TK_GOLDEN_BASE_URL=$BASE TK_GOLDEN_OUT=$OUT TK_GOLDEN_TAG=$TAG \
	TK_GOLDEN_ORGANIZER_EMAIL=$ORG TK_GOLDEN_PASSWORD=$TK_PASSWORD \
	node "$SRC/tests/browser/golden.js" || rc=$?
check "the golden path in chromium without JavaScript passes (screenshots in $OUT)" \
	[ "$rc" = 0 ]

# --- lynx ---------------------------------------------------------------------

# lynx reads a cookie file only with PERSISTENT_COOKIES, which Debian's
# lynx.cfg turns off, and takes curl's "#HttpOnly_" lines for comments.
printf 'INCLUDE:/etc/lynx/lynx.cfg\nPERSISTENT_COOKIES:TRUE\n' >"$TK_TMP/lynx.cfg"
LYNX_STEP=0

# read_page NAME PATH: browser NAME reads PATH in lynx with its session's
# cookies; the dump in LYNX_TEXT and in the file LYNX_FILE
# ($OUT/lynx/NN-NAME.txt). Then curl fetches it too (BODY, csrf), which
# also takes the page's flash message off the cookie jar, as lynx would.
LYNX_TEXT=
LYNX_FILE=
read_page() {
	LYNX_STEP=$((LYNX_STEP + 1))
	sed 's/^#HttpOnly_//' "$TK_TMP/$1.jar" >"$TK_TMP/lynx.cookies"
	LYNX_TEXT=$(lynx -cfg="$TK_TMP/lynx.cfg" -dump -nolist -width=100 \
		-cookie_file="$TK_TMP/lynx.cookies" -cookie_save_file=/dev/null \
		-accept_all_cookies -assume_charset=utf-8 -display_charset=utf-8 \
		"$BASE$2" 2>&1)
	LYNX_FILE=$OUT/lynx/$(printf '%02d' "$LYNX_STEP")-$1.txt
	printf '%s\n' "$LYNX_TEXT" >"$LYNX_FILE"
	req "$1" GET "$2"
}

# shows STEP TEXT...: the last page lynx read shows each TEXT.
shows() {
	local step=$1 t
	shift
	for t in "$@"; do
		check "lynx, $step (${LYNX_FILE##*/}): the page shows \"$t\"" \
			has "$LYNX_TEXT" "$t"
	done
}

# field NAME: the value of the hidden field NAME in the last body.
field() { input_tag "$1" | sed -n 's/.*value="\([^"]*\)".*/\1/p'; }

# The walk: each step is a function, run in the order of LYNX_STEPS.
lynx_seller_lists() {
	account_browser lorg organizer
	EVENT=$(event_create_future lorg "Lynx $LTAG")
	check "lynx: the organizer's event is made" [ -n "$EVENT" ]
	signup_quick lseller
	check_status "lynx: the seller signs up through the form" 303
	check "lynx: the seller verifies the address with the mailed link" \
		verify_account "$SIGNUP_EMAIL"
	LISTING=$(listing_on_sale lseller "$EVENT" 2 31.50)
	check "lynx: the seller lists 2 tickets through the form" [ -n "$LISTING" ]
	read_page lseller "/tickets/$LISTING"
	shows "the seller's listing" "Tickets for Lynx $LTAG" "€31.50" "Your listing" \
		"Withdraw these tickets"
}
lynx_buyer_finds() {
	signup_quick lbuyer
	check_status "lynx: the buyer signs up through the form" 303
	read_page lbuyer /auth/account
	shows "the buyer's account" "Signed in as lbuyer"
	read_page lbuyer /
	shows "the home page" "Upcoming events" "Search events"
	read_page lbuyer "/events?q=$LTAG"
	shows "the search" "1 upcoming event found" "Lynx $LTAG" "from €31.50"
}
lynx_buyer_opens() {
	read_page lbuyer "/events/$EVENT"
	shows "the event page" "Lynx $LTAG" "Tickets on offer" "€31.50" "See and buy"
	read_page lbuyer "/tickets/$LISTING"
	shows "the listing" "Tickets for Lynx $LTAG" "€31.50 per ticket" "2 tickets" \
		"Number of tickets" "Reserve"
}
lynx_buyer_reserves() {
	post lbuyer /orders "csrf_token=$(csrf)" "ticket_id=$(field ticket_id)" \
		"idempotency_key=$(field idempotency_key)" "quantity=1"
	check_status "lynx: the Reserve form answers 303" 303
	ORDER=$(location)
	read_page lbuyer "$ORDER"
	shows "the order" "Your tickets are reserved" "Reserved, awaiting payment" "Lynx $LTAG" "€31.50" \
		"Pay by" "Cancel the order"
	read_page lbuyer /orders
	shows "my orders" "Reserved, awaiting payment" "Lynx $LTAG" "€31.50"
}
lynx_buyer_pays() {
	read_page lbuyer "$ORDER"
	shows "the order's pay button" "Pay €31.50"
	post lbuyer /payments "csrf_token=$(csrf)" "order_id=${ORDER#/orders/}"
	check_status "lynx: the Pay form answers 303 to the card page" 303
	CARD_PAGE=$(location)
	read_page lbuyer "$CARD_PAGE"
	shows "the sandbox's card page" "Sandbox" "Card number" "Pay €31.50"
	post lbuyer "$CARD_PAGE" "csrf_token=$(csrf)" "card_number=4242 4242 4242 4242" \
		card_expiry=12/39 card_cvc=123 "card_name=Lynx Buyer"
	check_status "lynx: the card form answers 303 back to the shop" 303
	RETURN_PAGE=$(location)
	check "lynx: the payment is settled" wait_for 30 eval '[ "$(sql "SELECT state
		FROM ticketing_orders.orders WHERE id = '"'${ORDER#/orders/}'"'")" = complete ]'
	read_page lbuyer "$RETURN_PAGE"
	shows "the return page" "Paid" "Your order"
}
lynx_buyer_sees_eticket() {
	read_page lbuyer "$ORDER"
	shows "the paid order" "Paid" "Your e-tickets" "Lynx $LTAG" "Holder" "Code"
}
LYNX_STEPS=(lynx_seller_lists lynx_buyer_finds lynx_buyer_opens lynx_buyer_reserves
	lynx_buyer_pays lynx_buyer_sees_eticket)

for step in "${LYNX_STEPS[@]}"; do "$step"; done

finish
