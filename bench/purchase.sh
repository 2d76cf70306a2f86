#!/usr/bin/env bash
# bench/purchase.sh: purchases end to end on the local stack, in one run:
#   1. BUYERS distinct buyers, CONCURRENCY at a time, each buying one unit
#      of one of many listings (UNITS units each) the way a person does in
#      a browser without JavaScript, through nginx with curl: POST /orders
#      (reserve), GET the order page, POST /payments (the Pay form; a 503
#      while the payments service has not yet seen the order is retried
#      after RETRY seconds, as its Retry-After page asks), GET the sandbox's
#      card page, POST it with the card 4242 4242 4242 4242, GET the return
#      page the sandbox sends the browser to. The webhook, the settlement
#      worker's capture and the order's completion follow on the backbone.
#      Printed: complete purchases per second from the first reservation
#      to the last order complete; p50/p99/max from the webhook's receipt
#      to the order complete, split at the order becoming paying; from the
#      card accepted to the webhook's receipt; from the reservation to the
#      order complete; and p50/p99 of each step's HTTP latency as curl saw
#      it, with the answers that were not the expected status; the CPU
#      each process of the stack spent per purchase, and the client's.
#   2. the reference, in the same run with the same client: REFERENCE other
#      buyers, CONCURRENCY at a time, only reserving (POST /orders) on
#      listings of their own: reservations/s and the stack's CPU per
#      reservation, and the purchases' rate and CPU as ratios of them.
#
# Times of 1 are the services' own rows, all stamped by the one MariaDB
# server: ticketing_payments.webhook_events.received_at (the webhook
# applied, in the transaction that records it), ticketing_orders.orders
# paying_at (payment.authorized applied) and updated_at (the last change:
# payment.settled applied, the order complete), created_at (the
# reservation), and ticketing_sandbox.charges.created_at (the card
# accepted).
#
# Set-up through the real flows: two minted sellers (one for the
# purchases, one for the reference) list through the tickets service's
# form, and the listings reach the orders service's stock through the
# backbone. Buyers are minted with the stack's own keys (mint_tokens, with
# their CSRF tokens: no Argon2id sign-up each), and each sends from a
# loopback address of its own, as each person has one: nginx limits the
# Pay form per address (docs/DECISIONS.md, "The pay form's rate limit").
# The run's listings, purchases and reservations stay: the purchases are
# real sales, recorded in every service (the reservations of 2 expire as
# any). Listed in a section named after the run (benchNNN) of the latest
# scheduled event.
#
# Needs the local stack (scripts/dev up) and an in-tree build. The load
# average is printed before and after: compare only within a run.
# Knobs: PORT and RUN_DIR as in bench/lib.sh; BUYERS (300), CONCURRENCY
# (8), UNITS (5 a listing), REFERENCE (as many as BUYERS), RETRY (0.2 s),
# SETTLE (120 s: the longest wait for the last order to complete).
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
BUYERS=${BUYERS:-300}
CONCURRENCY=${CONCURRENCY:-8}
UNITS=${UNITS:-5}
REFERENCE=${REFERENCE:-$BUYERS}
RETRY=${RETRY:-0.2}
SETTLE=${SETTLE:-120}
for v in BUYERS CONCURRENCY UNITS REFERENCE SETTLE; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number"
done
[ "$BUYERS" -le 60000 ] && [ "$REFERENCE" -le 60000 ] || die "at most 60000 buyers a pass"
TAG=bench$$x$RANDOM
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
bench_tools

# --- set-up -----------------------------------------------------------------
EVENT=$(bench_event)
SELLERS=$(verified_accounts 2 "$TAG") || exit 1
MINT_USERS=$SELLERS "$MINT" "$RUN_DIR/keys/session.key" \
	$((2 + BUYERS + REFERENCE)) "$RUN_DIR/keys/csrf.key" \
	>"$TMP/tokens" || die "mint_tokens failed"
echo "purchase: run $TAG on $BASE, event $EVENT"
echo "before: $(uptime)"

# sell SELLER LISTINGS SECTION: the seller on line SELLER of the tokens
# lists LISTINGS listings of UNITS units in SECTION; prints its user id
# once every listing is in the orders service's stock.
sell() {
	local token csrf id
	read -r token csrf < <(sed -n "$1p" "$TMP/tokens")
	listings_new "$token" "$csrf" "$EVENT" "$3" "$2" "$UNITS"
	id=$(sqlq "SELECT seller_id FROM ticketing_tickets.listings WHERE section = '$3' LIMIT 1")
	wait_until "$SETTLE" "SELECT COUNT(*) = $2 FROM ticketing_tickets.listings l
		JOIN ticketing_orders.stock s ON s.listing_id = l.id
		JOIN ticketing_orders.listings_replica r ON r.id = l.id
		WHERE l.seller_id = '$id'" || die "the listings of $3 did not reach the orders service"
	printf '%s\n' "$id"
}
t=$SECONDS
LISTINGS=$(((BUYERS + UNITS - 1) / UNITS))
REF_LISTINGS=$(((REFERENCE + UNITS - 1) / UNITS))
SELLER=$(sell 1 "$LISTINGS" "$TAG")
REF_SELLER=$(sell 2 "$REF_LISTINGS" "${TAG}r")
echo "set-up: $((LISTINGS + REF_LISTINGS)) listings through POST /tickets/new and the backbone in $((SECONDS - t)) s"

# Loopback source addresses: buyer k (from 0) of a pass sends from
# 127.A.(B + k / 250).(k % 250 + 1), A and B random per run.
NET_A=$((RANDOM % 200 + 20))
NET_B=$((RANDOM % 5 + 1))
curl -fsS --noproxy '*' -o /dev/null --interface "127.$NET_A.$NET_B.1" "$BASE/static/style.css" ||
	die "cannot send from 127.$NET_A.$NET_B.1: every buyer needs an address of its own"

# buyers FIRST COUNT SELLER FILE: the lines of COUNT buyers, from line FIRST
# of the tokens, each with a listing of SELLER (buyer k takes listing
# k % listings, so concurrent buyers hit distinct stock rows), a fresh
# idempotency key (as the Buy form carries) and its address: "token csrf
# listing key address".
buyers() {
	sqlq "SELECT id FROM ticketing_tickets.listings WHERE seller_id = '$3' ORDER BY id" \
		>"$TMP/ids"
	sed -n "$1,$(($1 + $2 - 1))p" "$TMP/tokens" | paste -d ' ' - <(keys "$2") |
		awk -v a="$NET_A" -v b="$NET_B" 'NR == FNR { id[NR - 1] = $1; n = NR; next } {
			k = FNR - 1
			printf "%s %s %s %s 127.%d.%d.%d\n", $1, $2, id[k % n], $3, a, b + int(k / 250),
				k % 250 + 1 }' "$TMP/ids" - >"$4"
}
buyers 3 "$BUYERS" "$SELLER" "$TMP/buyers"
buyers $((3 + BUYERS)) "$REFERENCE" "$REF_SELLER" "$TMP/ref"

# fetch STEP PATH [CURL ARGS...]: one request of the buyer whose session is
# TOKEN, from ADDR (a POST with --data in ARGS); its status in CODE, the
# path of its Location in LOC, and "STEP status seconds" added to LOG.
fetch() {
	local step=$1 path=$2 out
	shift 2
	out=$(curl -sS --noproxy '*' -o /dev/null --interface "$ADDR" -H "Cookie: tk_session=$TOKEN" \
		-w '%{http_code} %{time_total} %{redirect_url}' "$@" "$BASE$path") || true
	CODE='' SECS='' LOC=''
	read -r CODE SECS LOC <<<"$out"
	LOC=${LOC#"$BASE"}
	printf '%s %s %s\n' "$step" "${CODE:-000}" "${SECS:-0}" >>"$LOG"
}

# walk MODE: the buyers of the lines on standard input, one after the
# other: MODE purchase buys (1), reserve only reserves (2). A step that
# does not answer as expected ends that buyer's walk.
walk() {
	local csrf listing key order page tries
	while read -r TOKEN csrf listing key ADDR; do
		fetch reserve /orders --data "ticket_id=$listing&quantity=1&idempotency_key=$key&csrf_token=$csrf"
		[ "$CODE" = 303 ] && [ "$1" = purchase ] || continue
		order=${LOC#/orders/}
		fetch order "$LOC"
		tries=0
		while fetch pay /payments --data "order_id=$order&csrf_token=$csrf" &&
			[ "$CODE" = 503 ] && [ $((tries += 1)) -lt 100 ]; do
			sleep "$RETRY"
		done
		[ "$CODE" = 303 ] || continue
		page=$LOC
		fetch card_page "$page"
		fetch card "$page" --data "card_number=4242+4242+4242+4242&card_expiry=12%2F39&card_cvc=123&card_name=Bench+Buyer&csrf_token=$csrf"
		[ "$CODE" = 303 ] || continue
		fetch return "$LOC"
	done
}

# child_ticks: the CPU time (user + system, clock ticks) of the children
# this shell has waited for, and theirs.
child_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }

# pass MODE FILE: the buyers of FILE, CONCURRENCY walks at a time (walk i
# takes lines i, i + CONCURRENCY, ...); their steps in FILE.log, the CPU
# the walks used (bash and curl: the client) in CLIENT_MS, milliseconds.
pass() {
	local i pids=() t0
	t0=$(child_ticks)
	for ((i = 0; i < CONCURRENCY; i++)); do
		awk -v c="$CONCURRENCY" -v i="$i" 'NR % c == i' "$2" |
			LOG=$2.$i.log walk "$1" &
		pids+=($!)
	done
	wait "${pids[@]}"
	CLIENT_MS=$((($(child_ticks) - t0) * 1000 / $(getconf CLK_TCK)))
	cat "$2".*.log >"$2.log" 2>/dev/null || : >"$2.log"
}

# pct_table FILE: p50, p99 and max (ms) of the numbers of FILE, and their
# count, on one line.
pct_table() {
	sort -n "$1" | awk '
		function pct(p,   i) { i = int(NR * p + 0.5); if (i < 1) i = 1; return v[i] }
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "no samples"; exit }
			printf "p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  (%d)\n", pct(0.50), pct(0.99), v[NR], NR
		}'
}

# steps LOG: per step, the answers, p50/p99 (ms) of those with the
# expected status, and the count of every other status.
steps() {
	awk '
		BEGIN {
			want["reserve"] = 303; want["order"] = 200; want["pay"] = 303
			want["card_page"] = 200; want["card"] = 303; want["return"] = 200
			split("reserve order pay card_page card return", order, " ")
		}
		{
			n[$1]++
			if ($2 == want[$1]) { k = ++ok[$1]; ms[$1, k] = $3 * 1000 }
			else other[$1] = other[$1] sprintf(" %s", $2)
		}
		END {
			for (s = 1; s <= 6; s++) {
				st = order[s]
				if (!n[st]) continue
				m = ok[st]
				# insertion sort of the samples of this step
				for (i = 2; i <= m; i++) {
					x = ms[st, i]
					for (j = i - 1; j >= 1 && ms[st, j] > x; j--) ms[st, j + 1] = ms[st, j]
					ms[st, j + 1] = x
				}
				i50 = int(m * 0.50 + 0.5); if (i50 < 1) i50 = 1
				i99 = int(m * 0.99 + 0.5); if (i99 < 1) i99 = 1
				printf "   %-10s %-28s %6d answers  p50 %7.1f ms  p99 %7.1f ms", st,
					"(" (st == "reserve" ? "POST /orders" : st == "order" ? "GET /orders/:id" :
					st == "pay" ? "POST /payments" : st == "card_page" ? "GET card page" :
					st == "card" ? "POST card form" : "GET /payments/return") ")", n[st],
					m ? ms[st, i50] : 0, m ? ms[st, i99] : 0
				if (other[st] != "") {
					split(substr(other[st], 2), o, " "); delete c
					for (i in o) c[o[i]]++
					printf "; not %d:", want[st]
					for (code in c) printf " %s x%d", code, c[code]
				}
				printf "\n"
			}
		}' "$1"
}

# carried SELLER: wait until the backbone has carried the events of the
# orders SELLER sold (no outbox row of orders or payments waits, and the
# payments service's replica holds each at its version): the work they
# caused is done. 1 after SETTLE seconds.
carried() {
	wait_until "$SETTLE" "SELECT (SELECT COUNT(*) FROM ticketing_orders.outbox
		WHERE sent_at IS NULL) = 0 AND (SELECT COUNT(*) FROM ticketing_payments.outbox
		WHERE sent_at IS NULL) = 0 AND (SELECT COUNT(*) FROM ticketing_orders.orders o
		JOIN ticketing_payments.orders_replica r ON r.id = o.id AND r.version = o.version
		WHERE o.seller_id = '$1') = (SELECT COUNT(*) FROM ticketing_orders.orders
		WHERE seller_id = '$1')"
}

# --- 1. purchases -------------------------------------------------------------
stack_pids "$TMP/pids" "$TMP/pids.other"
cpu_each "$TMP/pids" "$TMP/pids.other" >"$TMP/cpu0"
T0=$(sqlq "SELECT UTC_TIMESTAMP(6)")
pass purchase "$TMP/buyers"
T1=$(sqlq "SELECT UTC_TIMESTAMP(6)")
CARDS=$(awk '$1 == "card" && $2 == 303 { n++ } END { print n + 0 }' "$TMP/buyers.log")
RUN_ORDERS="FROM ticketing_orders.orders o WHERE o.seller_id = '$SELLER'"
wait_until "$SETTLE" "SELECT COUNT(*) >= $CARDS $RUN_ORDERS AND o.state = 'complete'" ||
	echo "warning: not every paid order was complete after $SETTLE s" >&2
carried "$SELLER" || echo "warning: the backbone had not carried the purchases after $SETTLE s" >&2
cpu_each "$TMP/pids" "$TMP/pids.other" >"$TMP/cpu1"
read -r DONE SPAN WALK_SPAN < <(sqlq "SELECT COUNT(*),
	COALESCE(TIMESTAMPDIFF(MICROSECOND, '$T0', MAX(o.updated_at)) / 1000000, 0),
	TIMESTAMPDIFF(MICROSECOND, '$T0', '$T1') / 1000000 $RUN_ORDERS AND o.state = 'complete'")
RATE=$(awk -v n="$DONE" -v s="$SPAN" 'BEGIN { printf "%.2f", (s > 0 ? n / s : 0) }')
echo "1. purchases: $BUYERS buyers, $CONCURRENCY at a time, one unit each of $LISTINGS listings"
printf '   %d orders complete of %d buyers (%d cards accepted), in %.2f s from the first reservation to the last order complete: %.2f purchases/s\n' \
	"$DONE" "$BUYERS" "$CARDS" "$SPAN" "$RATE"
printf '   (the buyers'\'' walks ended after %.2f s; the client, bash and curl, used %d ms CPU: %.1f ms a purchase)\n' \
	"$WALK_SPAN" "$CLIENT_MS" "$(awk -v c="$CLIENT_MS" -v n="$BUYERS" 'BEGIN { print c / n }')"
# The run's complete orders: their payment's webhook (charge.authorized)
# and its charge at the sandbox.
sqlq "SELECT TIMESTAMPDIFF(MICROSECOND, w.received_at, o.updated_at) / 1000,
		TIMESTAMPDIFF(MICROSECOND, w.received_at, o.paying_at) / 1000,
		TIMESTAMPDIFF(MICROSECOND, o.paying_at, o.updated_at) / 1000,
		TIMESTAMPDIFF(MICROSECOND, c.created_at, w.received_at) / 1000,
		TIMESTAMPDIFF(MICROSECOND, o.created_at, o.updated_at) / 1000
	FROM ticketing_orders.orders o
	JOIN ticketing_payments.payments p ON p.id = o.payment_id
	JOIN ticketing_payments.webhook_events w ON w.payment_id = p.id AND w.type = 'charge.authorized'
	JOIN ticketing_sandbox.charges c ON c.id = p.charge_id
	WHERE o.seller_id = '$SELLER' AND o.state = 'complete'" >"$TMP/times"
for col in 1 2 3 4 5; do
	case $col in
	1) name="webhook received -> order complete" ;;
	2) name="  of which -> order paying" ;;
	3) name="  and paying -> complete" ;;
	4) name="card accepted -> webhook received" ;;
	5) name="reservation -> order complete" ;;
	esac
	cut -f "$col" "$TMP/times" >"$TMP/col"
	printf '   %-36s %s\n' "$name" "$(pct_table "$TMP/col")"
done
echo "   HTTP latency per step (curl's time_total, ms; only answers of the expected status):"
steps "$TMP/buyers.log"
RETRIES=$(awk '$1 == "pay" && $2 == 503 { n++ } END { print n + 0 }' "$TMP/buyers.log")
echo "   (a 503 of POST /payments is retried after $RETRY s: the payments service had not yet seen the order; $RETRIES retries)"
echo "   CPU of the stack per complete purchase, until the backbone carried the last (ms; from /proc/PID/stat):"
cpu_per "$DONE" "complete purchases/s (the client's CPU apart)" "$TMP/cpu0" "$TMP/cpu1" |
	tee "$TMP/cpu.purchase"

# --- 2. the reference ---------------------------------------------------------
cpu_each "$TMP/pids" "$TMP/pids.other" >"$TMP/cpu2"
R0=$(sqlq "SELECT UTC_TIMESTAMP(6)")
pass reserve "$TMP/ref"
read -r REF_MADE REF_SPAN < <(sqlq "SELECT COUNT(*), TIMESTAMPDIFF(MICROSECOND, '$R0',
	UTC_TIMESTAMP(6)) / 1000000 FROM ticketing_orders.orders WHERE seller_id = '$REF_SELLER'")
carried "$REF_SELLER" || echo "warning: the backbone had not carried the reservations after $SETTLE s" >&2
cpu_each "$TMP/pids" "$TMP/pids.other" >"$TMP/cpu3"
REF_RATE=$(awk -v n="$REF_MADE" -v s="$REF_SPAN" 'BEGIN { printf "%.2f", (s > 0 ? n / s : 0) }')
echo "2. reference: $REFERENCE buyers, $CONCURRENCY at a time, reserving only (the same curl walks)"
printf '   %d reservations in %.2f s: %.2f reservations/s (the client used %.1f ms CPU a reservation)\n' \
	"$REF_MADE" "$REF_SPAN" "$REF_RATE" "$(awk -v c="$CLIENT_MS" -v n="$REFERENCE" 'BEGIN { print c / n }')"
steps "$TMP/ref.log"
echo "   CPU of the stack per reservation, until the backbone carried the last (ms):"
cpu_per "$REF_MADE" "reservations/s (the client's CPU apart)" "$TMP/cpu2" "$TMP/cpu3" |
	tee "$TMP/cpu.reserve"
awk -v p="$RATE" -v r="$REF_RATE" '$1 == "total" { c[FILENAME] = $2; f[++n] = FILENAME } END {
	if (r > 0) printf "   purchases/s : reservations/s = %.3f (a purchase takes %.1f reservations'\'' time)\n",
		p / r, (p > 0 ? r / p : 0)
	if (c[f[2]] > 0) printf "   stack CPU a purchase : a reservation = %.1f\n", c[f[1]] / c[f[2]] }' \
	"$TMP/cpu.purchase" "$TMP/cpu.reserve"
echo "after: $(uptime)"
[ "$DONE" = "$BUYERS" ] || die "$((BUYERS - DONE)) of $BUYERS purchases did not complete"
