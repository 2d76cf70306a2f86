#!/usr/bin/env bash
# Two of every worker (docs/DECISIONS.md "Two of everything"): beside each
# worker instance of the stack (deploy/programs.mk TK_WORKER_INSTANCES)
# this test starts a second one, "twin", with the same configuration file
# (its own log file and --instance name), and a second sandbox provider on
# a socket of its own (its webhook delivery runs in every sandbox process);
# it stops them at the end, also on a failure. While both run, a load
# through nginx that every worker has work in:
#   - sign-ups (auth's relay, the notify worker's verification mails);
#   - an event, a listing, reservations by several buyers at once (the
#     orders replicator's ledger, every replica of stock, order mails);
#   - payments through the sandbox's card page (settlement's captures,
#     the sandbox's webhooks, payment events) and one refund;
#   - reservations left to expire with a deadline a few seconds ahead
#     (the expiry worker's schedule and claims).
# Then: the consistency checker passes; exactly the orders meant to expire
# expired, each once (one expiration.complete, one cancellation); each
# payment was captured once at the provider and on our side; each
# webhook was posted once; each mail arrived once (the catcher's count
# per recipient and subject); no version was applied twice; both
# instances of each worker did some of the work (the twin's stop lines
# and, for the stack's own instance, what was done in the test's window
# less the twin's part); and each service's /_health/NAME/workers lists
# both instances of each of its workers, fresh.
# shellcheck disable=SC2317,SC2016 # predicates run through check, eval and sh -c
. "$(dirname "$0")/lib.sh"

RUN=$TK_TEST_RUN_DIR
BUILD=${TK_BUILDDIR:-$(dirname "$0")/../..}
SRC=${TK_SRCDIR:-$(dirname "$0")/../..}
HOST=$(hostname)
read -r -a INSTANCES <<<"$(sed -n 's/^TK_WORKER_INSTANCES = //p' "$SRC/deploy/programs.mk")"
BUYERS=14 # each reserves one ticket
PAYERS=8  # the first PAYERS buyers pay, the first one is refunded
# Buyers PAYERS+1..PAYERS+EXPIRING leave their reservation to expire; the
# rest keep theirs awaiting payment.
EXPIRING=5
MORE=16 # events with a venue and a listing each, besides the one sold

# --- the twins ------------------------------------------------------------

# The test's window begins (the server's clock; its time zone is UTC).
T0=$(sql "SELECT NOW(6)")
# Each worker instance holds a connection per consumer thread besides its
# heartbeat's and its loop's, and each service process one per request
# thread: the twins need about as many again as the stack's own
# (docs/DECISIONS.md "Two of everything"), more than the test stack's
# max_connections leaves free.
MAXC=$(sql "SELECT @@GLOBAL.max_connections")
sql "SET GLOBAL max_connections = $((MAXC + 200))"
at_exit "sql 'SET GLOBAL max_connections = $MAXC'"
declare -A TWIN_PID=()
# twin_stop: SIGTERM every twin and wait until each is gone, then delete
# the twins' heartbeat rows, as an operator does for an instance taken
# away (docs/deploy.md): else every workers route stays 503.
twin_stop() {
	local i
	for i in "${!TWIN_PID[@]}"; do kill "${TWIN_PID[$i]}" 2>/dev/null || true; done
	for i in "${!TWIN_PID[@]}"; do
		wait_for 30 eval "! kill -0 ${TWIN_PID[$i]} 2>/dev/null" ||
			kill -9 "${TWIN_PID[$i]}" 2>/dev/null || true
	done
	for i in "${INSTANCES[@]}"; do
		sql "DELETE FROM ticketing_${i#*-}.worker_beats WHERE instance = 'twin'"
	done
}
at_exit twin_stop
for inst in "${INSTANCES[@]}"; do
	prog=${inst%%-*}
	: >"$RUN/logs/twin-$inst.log"
	TICKETING_LOG_FILE=$RUN/logs/twin-$inst.log "$BUILD/workers/$prog/ticketing-$prog" \
		--config "$RUN/conf/workers/$inst.conf" --instance twin 2>>"$RUN/logs/twin-$inst.log" &
	TWIN_PID[$inst]=$!
done
: >"$RUN/logs/twin-sandbox.log"
TICKETING_LISTEN=$TK_TMP/sandbox-twin.sock TICKETING_THREADS=2 TICKETING_LOG_FILE=$RUN/logs/twin-sandbox.log \
	"$BUILD/fcgi/sandbox/ticketing-sandbox" --config "$RUN/conf/sandbox.conf" \
	2>>"$RUN/logs/twin-sandbox.log" &
TWIN_PID[sandbox]=$!
check "a second sandbox process listens on its own socket" wait_for 20 test -S "$TK_TMP/sandbox-twin.sock"
# beats INSTANCE: the twin of worker instance INSTANCE has beaten.
beats() {
	sql "SELECT COUNT(*) FROM ticketing_${1#*-}.worker_beats WHERE worker = '${1%%-*}'
		AND instance = 'twin' AND beat_at > '$T0'" | grep -qx 1
}
for inst in "${INSTANCES[@]}"; do
	check "the twin of $inst runs and beats" wait_for 30 beats "$inst"
done

# --- the load ---------------------------------------------------------------

for i in 1 2 3 4; do
	signup_quick "newcomer$i"
	check_status "sign-up $i" 303
	echo "$SIGNUP_EMAIL" >>"$TK_TMP/recipients"
done
account_browser org organizer "Org $$"
account_browser adm admin "Adm $$"
SELLER=$(fresh_email seller)
account_create "$SELLER" member "Seller $$" --verified
browser seller
account_signin seller "$SELLER"
echo "$SELLER" >>"$TK_TMP/recipients"
EVENT=$(event_fixture org "twins-$$")
check "the event reached the orders service" test -n "$EVENT"
LISTING=$(listing_on_sale seller "$EVENT" 20 12.00)
check "the listing is on sale" test -n "$LISTING"
# More events and listings, one commit at a time as people make them, so
# the relays of the events and tickets databases each race their twin
# for a good number of rows (a row goes to whichever claims it first).
for i in $(seq 1 "$MORE"); do
	ev=$(event_create_future org "Twins $$ $i") && listing_create seller "$ev" 2 9.50 >/dev/null ||
		echo "$i" >>"$TK_TMP/more-failed"
done
check "$MORE more events, each with a listing" test ! -e "$TK_TMP/more-failed"

for i in $(seq 1 "$BUYERS"); do
	email=$(fresh_email "buyer$i")
	account_create "$email" member "Buyer $i $$"
	browser "buyer$i"
	account_signin "buyer$i" "$email"
	echo "$email" >>"$TK_TMP/recipients"
	req "buyer$i" GET /orders
	printf '%s %s %s\n' "$TK_TMP/buyer$i.jar" "$(csrf)" "${TK_ADDR[buyer$i]}" >>"$TK_TMP/forms"
done
# Every buyer reserves at once ($0 the listing, $1 the base URL, then the
# line: cookie jar, CSRF token, source address).
xargs -P "$BUYERS" -L 1 sh -c 'curl -s --noproxy "*" -o /dev/null -w "%{http_code}\n" \
	-b "$2" --interface "$4" --data-urlencode "csrf_token=$3" \
	--data "ticket_id=$0&quantity=1" "$1/orders"' "$LISTING" "$BASE" <"$TK_TMP/forms" \
	>"$TK_TMP/answers" 2>&1 || true
check_eq "$BUYERS reservations answered 303" "$BUYERS" "$(grep -c '^303$' "$TK_TMP/answers")"
# The buyers' order ids by buyer (the recipients file lists the 4
# newcomers and the seller first).
ORDERS=()
for i in $(seq 1 "$BUYERS"); do
	email=$(sed -n "$((i + 5))p" "$TK_TMP/recipients")
	ORDERS+=("$(sql "SELECT id FROM ticketing_orders.orders WHERE listing_id = '$LISTING'
		AND buyer_id = (SELECT id FROM ticketing_auth.users WHERE email = $(sql_quote "$email"))")")
done
check_eq "each buyer has one order" "$BUYERS" "$(printf '%s\n' "${ORDERS[@]}" | grep -c .)"
list() { printf "'%s'," "$@" | sed 's/,$//'; }
EXPIRE=("${ORDERS[@]:PAYERS:EXPIRING}")
ALL=$(list "${ORDERS[@]}")

# The reservations to expire: a deadline 3 s ahead, in the order row (what
# the orders service checks) and in the expiry worker's schedule (once it
# has the row from order.created).
check "the expiry worker scheduled every reservation" wait_for 30 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.expiry_schedule WHERE order_id IN ($ALL)")" = '"$BUYERS"' ]'
sql "UPDATE ticketing_orders.orders SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 3 SECOND
	WHERE id IN ($(list "${EXPIRE[@]}"));
	UPDATE ticketing_orders.expiry_schedule SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 3 SECOND
	WHERE order_id IN ($(list "${EXPIRE[@]}"))"

# Payments, one at a time as people pay, while the deadlines pass.
for i in $(seq 1 "$PAYERS"); do
	check "buyer $i pays through the sandbox" order_pay "buyer$i" "${ORDERS[$((i - 1))]}"
done
check "the admin refunds buyer 1's order" order_refund adm "${ORDERS[0]}"

# The provider sends every event of the test again, REPEATS times over (a
# real provider delivers at least once), as new rows of its webhook
# outbox, all due at once: a backlog that takes each sandbox process
# several rounds (a post takes about a millisecond, a round 20 rows, an
# idle nap 200 ms), so both deliver it side by side; the payments service
# applies each event once.
REPEATS=50
PAY_EVENTS=$(sql "SELECT COUNT(*) FROM ticketing_payments.outbox")
digits="SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
	UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9"
sql "INSERT INTO ticketing_sandbox.webhooks (id, body, next_attempt_at)
	SELECT UUID(), w.body, UTC_TIMESTAMP(3) FROM ticketing_sandbox.webhooks w,
	($digits) a, ($digits) b WHERE a.d * 10 + b.d < $REPEATS AND w.created_at >= '$T0'"
check "the provider's backlog of repeated webhooks is delivered" wait_for 60 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_sandbox.webhooks WHERE created_at >= '"'$T0'"'
		AND delivered_at IS NULL")" = 0 ]'
check_eq "the payments service applied none of them again (no new payment event)" \
	"$PAY_EVENTS" "$(sql "SELECT COUNT(*) FROM ticketing_payments.outbox")"

check "the reservations meant to expire expired" wait_for 60 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.orders WHERE id IN ($(list "${EXPIRE[@]}"))
		AND state = '"'cancelled'"'")" = '"$EXPIRING"' ]'
check "every worker is done" wait_for 60 quiet

# --- at most once, exactly the expected ----------------------------------

check "the consistency checker passes with both instances running" checker
check_eq "exactly the orders meant to expire were cancelled as expired" \
	"$(printf '%s\n' "${EXPIRE[@]}" | sort | paste -sd ' ')" \
	"$(sql "SELECT id FROM ticketing_orders.orders WHERE id IN ($ALL) AND state = 'cancelled'
		AND cancel_reason = 'expired' ORDER BY id" | paste -sd ' ')"
check_eq "each of them has one expiration.complete, the others none" \
	"$(printf '%s 1\n' "${EXPIRE[@]}" | sort | paste -sd ' ')" \
	"$(sql "SELECT CONCAT(JSON_VALUE(payload, '\$.aggregate_id'), ' ', COUNT(*))
		FROM ticketing_orders.outbox WHERE subject = 'ticketing.expiration.complete'
		AND JSON_VALUE(payload, '\$.aggregate_id') IN ($ALL)
		GROUP BY JSON_VALUE(payload, '\$.aggregate_id') ORDER BY 1" | paste -sd ' ')"
check_eq "each of them was cancelled once (one order.cancelled each)" "$EXPIRING" \
	"$(sql "SELECT COUNT(DISTINCT JSON_VALUE(payload, '\$.aggregate_id')) + (COUNT(*) - COUNT(DISTINCT
		JSON_VALUE(payload, '\$.aggregate_id'))) * 1000 FROM ticketing_orders.outbox
		WHERE subject = 'ticketing.order.cancelled' AND JSON_VALUE(payload, '\$.aggregate_id') IN ($ALL)")"
PAID=$(list "${ORDERS[@]:0:PAYERS}")
check_eq "the provider captured each paid order once" "$PAYERS" \
	"$(sql "SELECT COUNT(*) FROM ticketing_sandbox.operations p JOIN ticketing_sandbox.charges c
		ON c.id = p.charge_id JOIN ticketing_sandbox.sessions s ON s.id = c.session_id
		WHERE p.kind = 'capture' AND s.order_id IN ($PAID)")"
check_eq "and refunded the refunded one once" 1 \
	"$(sql "SELECT COUNT(*) FROM ticketing_sandbox.refunds r JOIN ticketing_sandbox.charges c
		ON c.id = r.charge_id JOIN ticketing_sandbox.sessions s ON s.id = c.session_id
		WHERE s.order_id IN ($PAID)")"
check_eq "our side settled each paid order once (one payment.settled each)" "$PAYERS $PAYERS" \
	"$(sql "SELECT CONCAT(COUNT(*), ' ', COUNT(DISTINCT JSON_VALUE(payload, '\$.data.order_id')))
		FROM ticketing_payments.outbox WHERE subject = 'ticketing.payment.settled'
		AND JSON_VALUE(payload, '\$.data.order_id') IN ($PAID)")"
check_eq "the orders are complete but the refunded one" \
	"$(for _ in $(seq 2 "$PAYERS"); do printf 'complete '; done)refunded" \
	"$(sql "SELECT state FROM ticketing_orders.orders WHERE id IN ($PAID) ORDER BY state" |
		paste -sd ' ')"
check_eq "each webhook of the test was posted once (no attempt by two sandbox processes)" "0" \
	"$(sql "SELECT COUNT(*) FROM ticketing_sandbox.webhooks WHERE created_at >= '$T0'
		AND (delivered_at IS NULL OR attempts <> 1)")"
check "the test's webhooks were delivered, the repeats too" test \
	"$(sql "SELECT COUNT(*) FROM ticketing_sandbox.webhooks WHERE created_at >= '$T0'")" \
	-ge $((PAYERS * (REPEATS + 1)))
check_eq "no version was applied twice in any database" 0 \
	"$(for db in auth events tickets orders payments notify; do
		sql "SELECT COUNT(*) FROM ticketing_$db.applied_versions WHERE applies > 1" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }')"

# mails_by_id: "COUNT RECIPIENT MESSAGE-ID SUBJECT" for each mail to a
# recipient of the test that the catcher holds (a Message-ID names one
# mail: its event and kind, workers/notify).
mails_by_id() {
	curl -fsS --noproxy '*' "$MAILDEV/email" | python3 -c '
import collections, json, sys
want = {l.strip().lower() for l in open(sys.argv[1]) if l.strip()}
n = collections.Counter()
for m in json.load(sys.stdin):
    for t in m.get("to") or []:
        a = t.get("address", "").lower()
        if a in want:
            n[(a, m.get("messageId", ""), m.get("subject", ""))] += 1
for (a, i, s), c in sorted(n.items()):
    print(c, a, i, s)' "$TK_TMP/recipients"
}
check "every mail of the test was sent" wait_for 60 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_notify.mails WHERE created_at >= '"'$T0'"'
		AND state = '"'queued'"'")" = 0 ]'
mails_by_id >"$TK_TMP/mails"
sed 's/^/# /' "$TK_TMP/mails"
check "every recipient got mail" test "$(cut -d ' ' -f 2 "$TK_TMP/mails" | sort -u | wc -l)" \
	-eq "$(grep -c . "$TK_TMP/recipients")"
check_eq "each mail arrived once (recipient and Message-ID)" "" "$(grep -v '^1 ' "$TK_TMP/mails")"
check_eq "the catcher holds as many as were recorded sent" \
	"$(sql "SELECT COUNT(*) FROM ticketing_notify.mails WHERE created_at >= '$T0'
		AND state = 'sent' AND recipient IN ($(mapfile -t r <"$TK_TMP/recipients"
		list "${r[@]}"))")" \
	"$(awk '{ s += $1 } END { print s + 0 }' "$TK_TMP/mails")"

# --- a consumer is caught up only when its twin is too --------------------

# A member signs out while a transaction of the test holds the row its
# revocation goes to in the events database: the instance that took
# session.revoked waits on the lock (and retries), unacknowledged, while
# its twin finds nothing to fetch. consumer_state must not say
# events-sessions caught up meanwhile: the events service would trust its
# revocation mirror, which lacks the row.
caught_up_age() {
	sql "SELECT TIMESTAMPDIFF(MICROSECOND, caught_up_at, NOW(6)) DIV 1000
		FROM ticketing_events.consumer_state WHERE consumer = 'events-sessions'"
}
account_browser leaver member "Leaver $$"
SID=$(token_sid "$(cookie leaver tk_session)")
check "events-sessions is caught up before" test "$(caught_up_age)" -lt 3000
sql "BEGIN; INSERT INTO ticketing_events.session_revocations (session_id, user_id, revoked_at,
	version) VALUES ($(sql_quote "$SID"), 'held', UTC_TIMESTAMP(3), 1); SELECT SLEEP(8);
	ROLLBACK" >/dev/null &
HOLDER=$!
at_exit "kill $HOLDER 2>/dev/null"
# trx STATE QUERY: a transaction in STATE is running a statement like QUERY.
trx() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.innodb_trx
		WHERE trx_state = '$1' AND trx_query LIKE '$2'")" -ge 1 ]
}
check "the test holds the row" wait_for 5 trx RUNNING 'SELECT SLEEP(8)%'
req leaver GET /auth/account
post leaver /auth/signout "csrf_token=$(csrf)"
check_status "the member signs out" 303
check "an instance of replicator-events waits on the held row" \
	wait_for 5 trx 'LOCK WAIT' 'INSERT INTO session_revocations%'
sleep 3
age=$(caught_up_age)
echo "# events-sessions last recorded caught up $age ms ago, its event held 3 s"
check "events-sessions is not recorded caught up while its event is held" test "$age" -ge 2500
wait "$HOLDER"
check "once the row is free, the revocation is applied" wait_for 20 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_events.session_revocations
		WHERE session_id = '"'$SID'"'")" = 1 ]'
check "and events-sessions is caught up again" wait_for 10 eval '[ "$(caught_up_age)" -lt 2000 ]'

# --- both instances worked, both are seen ------------------------------------

for inst in "${INSTANCES[@]}"; do
	svc=${inst#*-}
	w=${inst%%-*}
	if [ "$svc" != notify ]; then
		req - GET "/_health/$svc/workers"
		check "/_health/$svc/workers lists $w on $HOST fresh" \
			grep -q "^$w fresh [0-9.]* $HOST\$" <<<"$BODY"
		check "/_health/$svc/workers lists $w's twin fresh" \
			grep -q "^$w fresh [0-9.]* twin\$" <<<"$BODY"
	else
		check_eq "$inst: two fresh heartbeat rows" 2 \
			"$(sql "SELECT COUNT(*) FROM ticketing_notify.worker_beats WHERE worker = '$w'
				AND instance IN ('$HOST', 'twin') AND beat_at > NOW(6) - INTERVAL 10 SECOND")"
	fi
done

twin_stop
# twin_did INSTANCE: what its twin's stop lines say it did: the events a
# relay published, or the events its consumers handled.
twin_did() {
	awk '/: stopping; [0-9]+ (events published|handled)/ {
		for (i = 1; i < NF; i++) if ($i == "stopping;") { s += $(i + 1) } } END { print s + 0 }' \
		"$RUN/logs/twin-$1.log"
}
# window_did INSTANCE: what both instances did since the test began: the
# outbox rows a relay marked sent, or the events the worker's consumers
# recorded.
window_did() {
	local svc=${1#*-} w=${1%%-*} durables
	if [ "$w" = relay ]; then
		sql "SELECT COUNT(*) FROM ticketing_$svc.outbox WHERE sent_at >= '$T0'"
		return
	fi
	durables=$(grep -o '[a-z]*-[a-z_]*: stopping;' "$RUN/logs/twin-$1.log" | cut -d : -f 1 |
		sort -u | sed "s/.*/'&'/" | paste -sd ,)
	sql "SELECT COUNT(*) FROM ticketing_$svc.processed_events WHERE processed_at >= '$T0'
		AND consumer IN (${durables:-''})"
}
for inst in "${INSTANCES[@]}"; do
	twin=$(twin_did "$inst")
	both=$(window_did "$inst")
	echo "# $inst: $both in the test's window, $twin of them by the twin"
	check "$inst: the twin did some of the work" test "$twin" -gt 0
	check "$inst: the stack's own instance did some of it too" test "$both" -gt "$twin"
done

finish
