#!/usr/bin/env bash
# Integration tests of the sandbox payment provider (docs/PAYMENTS.md)
# through nginx: the API key; checkout sessions and their idempotency keys;
# the hosted card form (every bad value answers 422 with the form kept and
# the security code dropped, escaping, CSRF); the four test cards; capture,
# void and refund and their idempotency keys; and the webhooks: signed
# (checked with lib/payprov's payprov_verify, which refuses an altered
# body), retried after the receiver fails, the late card's held back, and
# a pending one delivered after the sandbox is killed and started again;
# and the client side, lib/payprov, against the running sandbox through
# payprov_client.
# The receiver is webhook_sink.py; the sandbox runs as a stand-in (lib.sh
# stand_in) whose webhook URL is that receiver's.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_sandbox
HERE=$(dirname "$0")
BUILD=${TK_BUILDDIR:-$HERE/../..}
API_KEY=$(cat "$TK_TEST_RUN_DIR/keys/sandbox-api.key")
LATE=4

# api PATH FIELD=VALUE...: a POST to the API with the stack's API key.
api() {
	local path=$1 f data=()
	shift
	for f in "$@"; do data+=(--data-urlencode "$f"); done
	req - POST "$path" -H "Authorization: Bearer $API_KEY" "${data[@]}"
}
# value KEY: the value of the KEY= line of the last answer.
value() { printf '%s\n' "$BODY" | sed -n "s/^$1=//p"; }
count() { sql "SELECT COUNT(*) FROM $DB.$1"; }
key() { printf 'k%s' "$(form_key)"; }

# sink N FAIL: start webhook_sink.py in $TK_TMP/sinkN failing its first
# FAIL requests; its port in SINK_PORT, its pid in SINK_PID.
SINK_PID=
sink() {
	mkdir -p "$TK_TMP/sink$1"
	python3 "$HERE/webhook_sink.py" "$TK_TMP/sink$1" "$2" &
	SINK_PID=$!
	at_exit "kill $SINK_PID 2>/dev/null"
	wait_for 10 test -s "$TK_TMP/sink$1/port" || return 1
	SINK_PORT=$(cat "$TK_TMP/sink$1/port")
}
# sandbox_to PORT: run the stand-in sandbox with webhooks to the sink on
# PORT and the late card's delay LATE; wait until it answers.
sandbox_to() {
	grep -v -e '^sandbox_webhook_url' -e '^sandbox_late_webhook_seconds' \
		"$TK_TEST_RUN_DIR/conf/sandbox.conf" >"$TK_TMP/sandbox.conf"
	printf 'sandbox_webhook_url = http://127.0.0.1:%s/hook\nsandbox_late_webhook_seconds = %s\n' \
		"$1" "$LATE" >>"$TK_TMP/sandbox.conf"
	stand_in sandbox "$TK_TMP/sandbox.conf"
	wait_for 10 eval 'req - POST /sandbox-pay/api/sessions && [ "$STATUS" = 401 ]'
}
# session AMOUNT: a new session of AMOUNT EUR minor units; SESSION, ORDER.
session() {
	ORDER=$(uuid)
	api /sandbox-pay/api/sessions "order_id=$ORDER" "amount=$1" currency=EUR \
		"return_url=/payments/return?order_id=$ORDER" "idempotency_key=$(key)"
	SESSION=$(value session_id)
}
# pay BROWSER NUMBER [EXPIRY CVC NAME]: the card form of SESSION sent.
pay() {
	req "$1" GET "/sandbox-pay/checkout/$SESSION"
	post "$1" "/sandbox-pay/checkout/$SESSION" "csrf_token=$(csrf)" "card_number=$2" \
		"card_expiry=${3-12/39}" "card_cvc=${4-123}" "card_name=${5-Ada Buyer}"
}
charge_of() { sql "SELECT id FROM $DB.charges WHERE session_id = '$1' AND state <> 'failed'"; }
# delivered EVENT: the sandbox recorded EVENT's webhook as delivered.
delivered() { [ "$(sql "SELECT delivered_at IS NOT NULL FROM $DB.webhooks WHERE id = '$1'")" = 1 ]; }
# webhook_of SESSION TYPE: the event id of SESSION's webhook of TYPE.
webhook_of() {
	sql "SELECT id FROM $DB.webhooks WHERE body LIKE '%\"session_id\":\"$1\"%'
		AND body LIKE '%\"type\":\"$2\"%' ORDER BY created_at DESC LIMIT 1"
}
# received DIR EVENT: the numbers of the requests in sink DIR carrying EVENT.
received() { grep -l "\"id\":\"$2\"" "$TK_TMP/$1"/*.body 2>/dev/null | sed 's|.*/||; s|\.body$||' | sort -n; }
# client ARGS...: payprov_client (lib/payprov.h) against the stack; its
# output in OUT, its exit status.
client() { OUT=$("$BUILD/tests/integration/payprov_client" "$TK_TEST_RUN_DIR/keys" "$BASE" "$@"); }
# signed DIR N: request N of sink DIR verifies with payprov_verify; the
# event it reads in OUT.
signed() { client verify "$(cat "$TK_TMP/$1/$2.sig")" "$TK_TMP/$1/$2.body"; }

sink 1 2
sandbox_to "$SINK_PORT"

# --- the API key ---------------------------------------------------------
ORDER=$(uuid)
K=$(key)
req - POST /sandbox-pay/api/sessions --data "order_id=$ORDER&amount=100&currency=EUR&return_url=/payments/return&idempotency_key=$K"
check "a session without the API key answers 401" [ "$STATUS" = 401 ]
# The key with its last hex digit changed (to 1 when it is 0, else to 0).
WRONG_KEY=${API_KEY%?}$([ "${API_KEY: -1}" = 0 ] && echo 1 || echo 0)
req - POST /sandbox-pay/api/sessions -H "Authorization: Bearer $WRONG_KEY" \
	--data "order_id=$ORDER&amount=100&currency=EUR&return_url=/payments/return&idempotency_key=$K"
check "a session with a wrong API key answers 401" [ "$STATUS" = 401 ]
check "and creates nothing" [ "$(count "sessions WHERE order_id = '$ORDER'")" = 0 ]

# --- sessions --------------------------------------------------------------
api /sandbox-pay/api/sessions "order_id=$ORDER" amount=2500 currency=EUR \
	"return_url=/payments/return" "idempotency_key=$K"
S1=$(value session_id)
check "a session is created (200)" [ "$STATUS" = 200 ]
check "its answer names the hosted page" same "$(value url)" "/sandbox-pay/checkout/$S1"
check "its answer is text/plain" has "$(header Content-Type)" "text/plain"
api /sandbox-pay/api/sessions "order_id=$ORDER" amount=2500 currency=EUR \
	"return_url=/payments/return" "idempotency_key=$K"
check "the same idempotency key returns the same session" same "$(value session_id)" "$S1"
check "and makes no second one" [ "$(count "sessions WHERE order_id = '$ORDER'")" = 1 ]
api /sandbox-pay/api/sessions "order_id=$ORDER" amount=2600 currency=EUR \
	"return_url=/payments/return" "idempotency_key=$K"
check "the key with another amount answers 409" [ "$STATUS" = 409 ]
check "naming the reused key" same "$BODY" "error=idempotency_key_reused"
for bad in "amount=0" "amount=-5" "amount=2.50" "currency=XXX" "return_url=https://evil.example/" \
	"return_url=//evil.example/" "order_id=42" "idempotency_key=short"; do
	args=("order_id=$(uuid)" amount=2500 currency=EUR return_url=/payments/return
		"idempotency_key=$(key)")
	args+=("$bad")
	# The later of two fields of one name is not read: put the bad one first.
	api /sandbox-pay/api/sessions "$bad" "${args[@]}"
	check "a session with $bad answers 400" [ "$STATUS" = 400 ]
done

# --- the hosted page -------------------------------------------------------
SESSION=$S1
browser buyer
req buyer GET "/sandbox-pay/checkout/$S1"
check "the hosted page answers 200" [ "$STATUS" = 200 ]
check "it is valid HTML" valid_html
check "it says it is a sandbox" has "$BODY" "Sandbox"
check "it shows the amount" has "$BODY" "25.00"
check "it has the card number field" has "$(input_tag card_number)" 'id="card_number"'
check "lynx reads the form" readable_text "Card number"
req buyer GET "/sandbox-pay/checkout/$(uuid)"
check "an unknown session answers 404" [ "$STATUS" = 404 ]
req buyer GET "/sandbox-pay/checkout/nope"
check "a malformed session id answers 404" [ "$STATUS" = 404 ]

req buyer GET "/sandbox-pay/checkout/$S1"
post buyer "/sandbox-pay/checkout/$S1" "card_number=4242 4242 4242 4242" card_expiry=12/39 \
	card_cvc=123 card_name=Ada
check "the card form without its CSRF token answers 403" [ "$STATUS" = 403 ]
post buyer "/sandbox-pay/checkout/$S1" "csrf_token=wrong" "card_number=4242 4242 4242 4242" \
	card_expiry=12/39 card_cvc=123 card_name=Ada
check "with a wrong CSRF token 403" [ "$STATUS" = 403 ]
check "and no charge is made" [ "$(count "charges WHERE session_id = '$S1'")" = 0 ]

LAST_YEAR=$(($(date -u +%y) - 1))
while IFS='|' read -r what number expiry cvc name; do
	pay buyer "$number" "$expiry" "$cvc" "$name"
	check "the card form with $what answers 422" [ "$STATUS" = 422 ]
	check "with $what, a message by the field" has "$BODY" 'class="field-error"'
	check "with $what, the name is kept and escaped" has "$BODY" 'value="Ada &lt;b&gt;Buyer&lt;/b&gt;"'
	check "with $what, the security code is not shown again" lacks "$(input_tag card_cvc)" "value="
	check "with $what, the page is valid HTML" valid_html
done <<EOF
a failed Luhn check|4242 4242 4242 4241|12/39|123|Ada <b>Buyer</b>
letters in the number|4242 4242 4242 42a2|12/39|123|Ada <b>Buyer</b>
too few digits|4242 4242 42|12/39|123|Ada <b>Buyer</b>
too many digits|4242 4242 4242 4242 4242|12/39|123|Ada <b>Buyer</b>
no number|   |12/39|123|Ada <b>Buyer</b>
month 13|4242 4242 4242 4242|13/39|123|Ada <b>Buyer</b>
a past expiry|4242 4242 4242 4242|12/$LAST_YEAR|123|Ada <b>Buyer</b>
an expiry without slash|4242 4242 4242 4242|1239|123|Ada <b>Buyer</b>
a two-digit CVC|4242 4242 4242 4242|12/39|12|Ada <b>Buyer</b>
a CVC with a letter|4242 4242 4242 4242|12/39|12a|Ada <b>Buyer</b>
EOF
pay buyer "4242 4242 4242 4241" 12/39 123 ""
check "no name answers 422" [ "$STATUS" = 422 ]
check "the number is kept" has "$(input_tag card_number)" 'value="4242424242424241"'
check "no charge came of a bad form" [ "$(count "charges WHERE session_id = '$S1'")" = 0 ]

# --- the four test cards ---------------------------------------------------
pay buyer "4000 0000 0000 0002"
check "the declined card answers 303" [ "$STATUS" = 303 ]
check "back to the return URL with the session id" same "$(location)" \
	"/payments/return?session_id=$S1"
check "a failed charge, card_declined" same "$(sql "SELECT CONCAT(state, ' ', failure_code)
	FROM $DB.charges WHERE session_id = '$S1'")" "failed card_declined"
check "the session stays open for another card" same "$(sql "SELECT state FROM $DB.sessions
	WHERE id = '$S1'")" open
EV_DECLINED=$(webhook_of "$S1" charge.failed)
check "a charge.failed webhook is in the outbox" differs "$EV_DECLINED" ""

pay buyer "4000000000009995"
check "the insufficient-funds card answers 303" [ "$STATUS" = 303 ]
check "a failed charge, insufficient_funds" same "$(sql "SELECT COUNT(*) FROM $DB.charges
	WHERE session_id = '$S1' AND failure_code = 'insufficient_funds'")" 1

pay buyer "4242 4242 4242 4242"
check "the success card answers 303" [ "$STATUS" = 303 ]
check "to the return URL" same "$(location)" "/payments/return?session_id=$S1"
C1=$(charge_of "$S1")
check "an authorised charge" same "$(sql "SELECT state FROM $DB.charges WHERE id = '$C1'")" authorized
check "the session is complete" same "$(sql "SELECT state FROM $DB.sessions WHERE id = '$S1'")" complete
check "the charge keeps the last four digits only" same "$(sql "SELECT card_last4 FROM $DB.charges
	WHERE id = '$C1'")" 4242
EV_OK=$(webhook_of "$S1" charge.authorized)
check "a charge.authorized webhook is in the outbox" differs "$EV_OK" ""
# The paid session's page has no form: its token comes from another page.
session 700
req buyer GET "/sandbox-pay/checkout/$SESSION"
post buyer "/sandbox-pay/checkout/$S1" "csrf_token=$(csrf)" "card_number=4242 4242 4242 4242" \
	card_expiry=12/39 card_cvc=123 card_name=Ada
check "paying a complete session again answers 409" [ "$STATUS" = 409 ]
check "with one authorised charge still" [ "$(count "charges WHERE session_id = '$S1' AND state = 'authorized'")" = 1 ]
req buyer GET "/sandbox-pay/checkout/$S1"
check "the page of a complete session says so" has "$BODY" "This payment is complete"

session 1200
LATE_SESSION=$SESSION
LATE_PAID=$(date +%s)
pay buyer "4000 0000 0000 0077"
check "the late card answers 303" [ "$STATUS" = 303 ]
C_LATE=$(charge_of "$LATE_SESSION")
check "an authorised charge for the late card" differs "$C_LATE" ""
EV_LATE=$(webhook_of "$LATE_SESSION" charge.authorized)
check "its webhook is due $LATE s later" [ "$(sql "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3),
	next_attempt_at) >= $((LATE - 2)) FROM $DB.webhooks WHERE id = '$EV_LATE'")" = 1 ]

# --- webhooks: signed, retried, late ---------------------------------------
check "the declined card's webhook is delivered" wait_for 30 delivered "$EV_DECLINED"
check "the success card's webhook is delivered" wait_for 30 delivered "$EV_OK"
first=$(received sink1 "$EV_DECLINED" | head -n 1)
check "the receiver's two failures were retried" [ "$(received sink1 "$EV_DECLINED" | wc -l)" = 3 ]
check "the first attempt got 500" same "$(cat "$TK_TMP/sink1/$first.status")" 500
check "three attempts are recorded" same "$(sql "SELECT CONCAT(attempts, ' ', last_status)
	FROM $DB.webhooks WHERE id = '$EV_DECLINED'")" "3 200"
for n in $(received sink1 "$EV_OK"); do
	check "delivery $n of charge.authorized verifies with lib/paysig" signed sink1 "$n"
done
check "the body names the charge" has "$(cat "$TK_TMP/sink1/$(received sink1 "$EV_OK" | tail -n 1).body")" "\"charge_id\":\"$C1\""
n=$(received sink1 "$EV_OK" | tail -n 1)
cp "$TK_TMP/sink1/$n.body" "$TK_TMP/altered.body"
sed -i 's/"amount":2500/"amount":1/' "$TK_TMP/altered.body"
check "the verified event names the charge" eval 'signed sink1 "$n" && same "$OUT" "$EV_OK charge.authorized $C1 2500 -"'
check "an altered body does not verify" eval '! client verify "$(cat "$TK_TMP/sink1/$n.sig")" "$TK_TMP/altered.body" && same "$OUT" "error auth"'
check "the late card's webhook comes" wait_for 40 delivered "$EV_LATE"
n=$(received sink1 "$EV_LATE" | head -n 1)
check "not before its $LATE s" [ "$(cut -d. -f1 "$TK_TMP/sink1/$n.time")" -ge $((LATE_PAID + LATE - 1)) ]

# --- capture, void, refund -------------------------------------------------
KC=$(key)
api "/sandbox-pay/api/charges/$C1/capture" "idempotency_key=$KC"
check "capture answers 200" [ "$STATUS" = 200 ]
check "the charge is captured" same "$(value state)" captured
api "/sandbox-pay/api/charges/$C1/capture" "idempotency_key=$KC"
check "the same capture again answers 200" [ "$STATUS" = 200 ]
api "/sandbox-pay/api/charges/$C1/capture" "idempotency_key=$(key)"
check "a second capture with another key answers 409" [ "$STATUS" = 409 ]
api "/sandbox-pay/api/charges/$C1/void" "idempotency_key=$(key)"
check "voiding a captured charge answers 409" [ "$STATUS" = 409 ]
api "/sandbox-pay/api/charges/$C_LATE/capture" "idempotency_key=$KC"
check "the capture's key used for another charge answers 409" [ "$STATUS" = 409 ]
KR=$(key)
api "/sandbox-pay/api/charges/$C1/refund" amount=100 "idempotency_key=$KR"
check "a partial refund answers 400" [ "$STATUS" = 400 ]
api "/sandbox-pay/api/charges/$C1/refund" amount=2500 "idempotency_key=$KR"
check "the full refund answers 200" [ "$STATUS" = 200 ]
R1=$(value refund_id)
api "/sandbox-pay/api/charges/$C1/refund" amount=2500 "idempotency_key=$KR"
check "the same refund again gives the same refund" same "$(value refund_id)" "$R1"
api "/sandbox-pay/api/charges/$C1/refund" amount=2500 "idempotency_key=$(key)"
check "a second refund with another key answers 409" [ "$STATUS" = 409 ]
check "one refund row" [ "$(count "refunds WHERE charge_id = '$C1'")" = 1 ]
KV=$(key)
api "/sandbox-pay/api/charges/$C_LATE/void" "idempotency_key=$KV"
check "void answers 200" same "$STATUS $(value state)" "200 voided"
api "/sandbox-pay/api/charges/$C_LATE/void" "idempotency_key=$KV"
check "the same void again answers 200" [ "$STATUS" = 200 ]
api "/sandbox-pay/api/charges/$C_LATE/capture" "idempotency_key=$(key)"
check "capturing a voided charge answers 409" [ "$STATUS" = 409 ]
api "/sandbox-pay/api/charges/$(uuid)/capture" "idempotency_key=$(key)"
check "an unknown charge answers 404" [ "$STATUS" = 404 ]
req - POST "/sandbox-pay/api/charges/$C1/void" --data "idempotency_key=$(key)"
check "an operation without the API key answers 401" [ "$STATUS" = 401 ]

# --- the client side: lib/payprov ------------------------------------------
ORDER=$(uuid)
K=$(key)
check "payprov_checkout creates a session" client checkout "$ORDER" 4200 EUR /payments/return "$K"
S2=${OUT%% *}
check "with the hosted page's URL" same "$OUT" "$S2 /sandbox-pay/checkout/$S2"
check "the same key gives the same session" eval 'client checkout "$ORDER" 4200 EUR /payments/return "$K" && same "${OUT%% *}" "$S2"'
check "the key with another amount is a conflict" eval '! client checkout "$ORDER" 4300 EUR /payments/return "$K" && same "$OUT" "error conflict"'
check "a zero amount is refused" eval '! client checkout "$ORDER" 0 EUR /payments/return "$(key)" && same "$OUT" "error invalid"'
mkdir -p "$TK_TMP/otherkeys"
openssl rand -hex 32 >"$TK_TMP/otherkeys/sandbox-api.key"
cp "$TK_TEST_RUN_DIR/keys/webhook.secret" "$TK_TMP/otherkeys/"
OUT=$("$BUILD/tests/integration/payprov_client" "$TK_TMP/otherkeys" "$BASE" checkout "$ORDER" 4200 EUR /payments/return "$(key)")
check "another API key is refused" same "$OUT" "error auth"
SESSION=$S2
pay buyer "4242 4242 4242 4242"
C2=$(charge_of "$S2")
KC=$(key)
check "payprov_capture captures" client capture "$C2" "$KC"
check "the same capture again succeeds" client capture "$C2" "$KC"
check "payprov_void of a captured charge is a conflict" eval '! client void "$C2" "$(key)" && same "$OUT" "error conflict"'
KR=$(key)
check "payprov_refund refunds" client refund "$C2" 4200 "$KR"
R2=$OUT
check "the same refund again gives the same refund" eval 'client refund "$C2" 4200 "$KR" && same "$OUT" "$R2"'
check "an unknown charge is not found" eval '! client capture "$(uuid)" "$(key)" && same "$OUT" "error not_found"'
check "the sandbox holds the charge refunded" same "$(sql "SELECT state FROM $DB.charges WHERE id = '$C2'")" refunded
OUT=$("$BUILD/tests/integration/payprov_client" "$TK_TEST_RUN_DIR/keys" "http://127.0.0.1:1" capture "$C2" "$(key)")
check "a provider that does not answer is an I/O error" same "$OUT" "error io"

# --- a restart with webhooks pending ---------------------------------------
kill "$SINK_PID"
wait "$SINK_PID" 2>/dev/null
session 900
pay buyer "4242 4242 4242 4242"
EV_PENDING=$(webhook_of "$SESSION" charge.authorized)
check "with the receiver down, the webhook fails and stays pending" wait_for 10 eval \
	'[ "$(sql "SELECT attempts > 0 AND delivered_at IS NULL FROM $DB.webhooks WHERE id = '"'$EV_PENDING'"'")" = 1 ]'
kill -9 "$STAND_IN_PID"
wait "$STAND_IN_PID" 2>/dev/null
STAND_IN_PID=
check "after kill -9 of the sandbox it is still pending" [ "$(sql "SELECT delivered_at IS NULL
	FROM $DB.webhooks WHERE id = '$EV_PENDING'")" = 1 ]
sink 2 0
sandbox_to "$SINK_PORT"
check "the sandbox started again delivers it" wait_for 60 delivered "$EV_PENDING"
n=$(received sink2 "$EV_PENDING" | head -n 1)
check "signed" signed sink2 "$n"

finish
