#!/usr/bin/env bash
# Operability (lib/ops.h, docs/deploy.md "Operability"): every service's
# health route answers 200 "ok", and 503 naming the database while MariaDB
# is down; the metrics parse as Prometheus text, count exactly the requests
# made, keep a cumulative histogram; the outbox backlog rises while a relay
# is stopped and falls to 0 after; a worker's heartbeat goes stale while it
# is stopped and fresh once it runs again; the loopback routes refuse
# other peers in nginx (a browser's 127.x address is not 127.0.0.1) and in
# the service itself (a forged REMOTE_ADDR straight on its socket).
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

SERVICES=(auth events tickets orders payments sandbox)
SOCK_BASE=$(sed -n 's/^SOCK_BASE=//p' "$TK_TEST_RUN_DIR/stack.env")
SOCK_DIR=$SOCK_BASE/sock
FCGI_GET=$(dirname "$0")/fcgi_get.py

mariadb_up() {
	mariadb-admin --no-defaults -u"$(id -un)" --socket="$TK_TEST_MARIADB_SOCKET" \
		status >/dev/null 2>&1
}

# metrics SERVICE: the service's metrics page from 127.0.0.1 into BODY.
metrics() { req - GET "/_metrics/$1"; }

# metric SERIES: the value of SERIES (name{labels}, exactly as written) in
# BODY, 0 when absent.
metric() {
	awk -v s="$1" '$1 == s { v = $2 } END { print (v == "" ? 0 : v) }' <<<"$BODY"
}

# prometheus_text: every line of BODY is a # comment or "name{labels} value".
prometheus_text() {
	local bad
	bad=$(grep -Evx '# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? -?([0-9]+(\.[0-9]+)?|\+Inf)' \
		<<<"$BODY" | head -n 3)
	[ -z "$bad" ] || echo "# not Prometheus text: $bad"
	[ -z "$bad" ] && [ -n "$BODY" ]
}

# buckets_cumulative SERVICE: the histogram's buckets never decrease and
# +Inf equals _count.
buckets_cumulative() {
	local values inf count
	values=$(grep "^ticketing_http_request_duration_seconds_bucket{service=\"$1\"" <<<"$BODY" |
		awk '{ print $2 }')
	inf=$(metric "ticketing_http_request_duration_seconds_bucket{service=\"$1\",le=\"+Inf\"}")
	count=$(metric "ticketing_http_request_duration_seconds_count{service=\"$1\"}")
	echo "# buckets $(tr '\n' ' ' <<<"$values")count $count"
	[ "$(wc -l <<<"$values")" -ge 2 ] && sort -n -c <<<"$values" && [ "$inf" = "$count" ] &&
		[ "$count" -gt 0 ]
}

# workers_say SERVICE WORKER STATE: the service's workers route lists
# WORKER as STATE (fresh or stale).
workers_say() {
	req - GET "/_health/$1/workers"
	grep -q "^$2 $3 " <<<"$BODY"
}

# --- health of every service ------------------------------------------------

for svc in "${SERVICES[@]}"; do
	req - GET "/_health/$svc"
	check_status "/_health/$svc answers 200" 200
	check_eq "/_health/$svc says ok" ok "$BODY"
	check_eq "the $svc service itself answered" "$svc" "$(header X-Served-By)"
	check "/_health/$svc is plain text" starts_with "$(header Content-Type)" text/plain
	check_eq "/_health/$svc is never stored" no-store "$(header Cache-Control)"
	check_eq "/_health/$svc sets no cookie" "" "$(header Set-Cookie)"
done

# --- metrics ----------------------------------------------------------------

for svc in "${SERVICES[@]}"; do
	metrics "$svc"
	check_status "/_metrics/$svc answers 200 to 127.0.0.1" 200
	check "/_metrics/$svc is the text format 0.0.4" has "$(header Content-Type)" \
		"version=0.0.4"
	check "/_metrics/$svc parses as Prometheus text" prometheus_text
	check_eq "/_metrics/$svc: the database answered" 1 \
		"$(metric "ticketing_database_up{service=\"$svc\"}")"
done

# Requests by status: 404s only this test makes, counted exactly.
metrics events
before=$(metric 'ticketing_http_requests_total{service="events",code="404"}')
count_before=$(metric 'ticketing_http_request_duration_seconds_count{service="events"}')
for i in 1 2 3 4 5 6 7; do
	req - GET "/events/no-such-event-$i"
	[ "$STATUS" = 404 ] || echo "# /events/no-such-event-$i answered $STATUS"
done
metrics events
after=$(metric 'ticketing_http_requests_total{service="events",code="404"}')
check_eq "seven 404s counted as seven" 7 "$((after - before))"
check "the histogram is cumulative and +Inf equals _count" buckets_cumulative events
count_after=$(metric 'ticketing_http_request_duration_seconds_count{service="events"}')
# The seven and the first scrape itself.
check_eq "the histogram counted the eight requests between the scrapes" 8 \
	"$((count_after - count_before))"

metrics orders
check "orders counts expired reservations" has "$BODY" \
	'ticketing_reservations_expired_total{service="orders"} '
check "orders reports each consumer's lag" has "$BODY" \
	'ticketing_consumer_pending{service="orders",consumer="orders-'
metrics payments
check "payments counts settled payments" has "$BODY" \
	'ticketing_payments_settled_total{service="payments"} '

# --- outbox backlog while the relay is stopped --------------------------------

ctl stop relay-auth >/dev/null
at_exit "ctl start relay-auth >/dev/null 2>&1"
check "relay-auth is stopped" eval '! running relay-auth'
signup_quick olive
check_status "a sign-up answers 303 with the relay stopped" 303
sleep 1.2
metrics auth
unsent=$(metric 'ticketing_outbox_unsent{service="auth"}')
oldest=$(metric 'ticketing_outbox_oldest_unsent_seconds{service="auth"}')
check "the auth outbox holds the unsent sign-up ($unsent rows)" [ "$unsent" -ge 1 ]
check "its oldest unsent row is over a second old ($oldest s)" \
	awk -v v="$oldest" 'BEGIN { exit !(v >= 1) }'
ctl start relay-auth >/dev/null
check "the backlog returns to 0 once the relay runs" wait_for 30 eval \
	'metrics auth; [ "$(metric "ticketing_outbox_unsent{service=\"auth\"}")" = 0 ]'
check_eq "and the oldest unsent age to 0" 0.000000 \
	"$(metric 'ticketing_outbox_oldest_unsent_seconds{service="auth"}')"

# --- a worker's heartbeat -----------------------------------------------------

check "every worker of orders is fresh" wait_for 15 eval \
	'req - GET /_health/orders/workers; [ "$STATUS" = 200 ]'
check "the list names relay, replicator and expiry" eval \
	'has "$BODY" "relay fresh" && has "$BODY" "replicator fresh" && has "$BODY" "expiry fresh"'
ctl stop expiry-orders >/dev/null
at_exit "ctl start expiry-orders >/dev/null 2>&1"
check "expiry-orders is stopped" eval '! running expiry-orders'
check "its heartbeat goes stale" wait_for 30 workers_say orders expiry stale
check_status "and the workers route answers 503" 503
check "the others stay fresh" eval 'has "$BODY" "relay fresh" && has "$BODY" "replicator fresh"'
metrics orders
check_eq "the metrics say expiry is down" 0 \
	"$(metric 'ticketing_worker_up{service="orders",worker="expiry"}')"
ctl start expiry-orders >/dev/null
check "its heartbeat is fresh again once it runs" wait_for 30 workers_say orders expiry fresh
check "the workers route answers 200 again" wait_for 15 eval \
	'req - GET /_health/orders/workers; [ "$STATUS" = 200 ]'

# --- loopback only ------------------------------------------------------------

browser outsider
req outsider GET /_metrics/orders
check_status "nginx refuses the metrics to a peer other than 127.0.0.1" 403
check_eq "nginx itself refused it" "" "$(header X-Served-By)"
req outsider GET /_health/orders/workers
check_status "and the workers' health" 403
req outsider GET /_health/orders
check_status "the service's health is open to that peer" 200

direct() { python3 "$FCGI_GET" "$SOCK_DIR/orders.sock" "$1" "$2"; }
out=$(direct /_metrics/orders 127.0.0.1)
check "straight on its socket, orders serves its metrics to 127.0.0.1" has "$out" \
	"ticketing_http_requests_total"
out=$(direct /_metrics/orders 203.0.113.7)
check "and refuses a forged REMOTE_ADDR 203.0.113.7 itself" has "$out" "Status: 403"
check "without a line of metrics" lacks "$out" "ticketing_"
out=$(direct /_health/orders/workers 2001:db8::1)
check "the workers' health refuses 2001:db8::1" has "$out" "Status: 403"

# --- MariaDB down -------------------------------------------------------------

# The sandbox's metrics use their database link now, so it is one the
# restart below leaves behind.
metrics sandbox
check_eq "the sandbox's database answers its metrics" 1 \
	"$(metric 'ticketing_database_up{service="sandbox"}')"
ctl stop mariadb >/dev/null
at_exit "ctl start mariadb >/dev/null 2>&1"
check "MariaDB is down" wait_for 30 eval '! mariadb_up'
for svc in auth orders; do
	req - GET "/_health/$svc"
	check_status "with MariaDB down /_health/$svc answers 503" 503
	check_eq "the $svc service itself answered" "$svc" "$(header X-Served-By)"
	check "its body names the database" starts_with "$BODY" "database: "
done
metrics orders
check_status "the metrics still answer 200" 200
check_eq "saying the database is down" 0 "$(metric 'ticketing_database_up{service="orders"}')"
check "with the request counters" has "$BODY" 'ticketing_http_requests_total{service="orders"'
ctl start mariadb >/dev/null
check "MariaDB is back" wait_for 60 mariadb_up
metrics sandbox
check_eq "the first scrape after the restart finds the database (the link gone since is made again)" \
	1 "$(metric 'ticketing_database_up{service="sandbox"}')"
check "/_health/orders answers 200 again" wait_for 30 eval \
	'req - GET /_health/orders; [ "$STATUS" = 200 ]'
check "every worker of orders is fresh again" wait_for 30 eval \
	'req - GET /_health/orders/workers; [ "$STATUS" = 200 ]'

finish
