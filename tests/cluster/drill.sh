#!/usr/bin/env bash
# tests/cluster/drill.sh: the fault drill of the cluster stack (scripts/dev
# drill starts the stack in run-drill/, runs this, stops it). While LOADERS
# simulated people sign up, look at the event's listings, list tickets,
# reserve and pay through nginx, it kills with SIGKILL, one at a time, and
# waits until each is healthy again:
#   1. the NATS node that is the JetStream meta leader (/jsz)
#   2. the NATS node that leads the stream (/jsz?streams=true)
#   3. instance 1 of every FastCGI service
#   4. instance 1 of every worker
# (supervisord starts each again), and then moves the stream and its
# consumers to one NATS node and back to three with `setup-backbone`
# (stream_replicas 1, then the stack's 3), waiting each time until
# `stream-status` shows every consumer on that many nodes, all current.
# Then it stops the load, waits for the backbone to be quiet and checks:
#   - every request that failed got nginx's "try again" page (503 without
#     X-Served-By, the static page), never a dropped connection;
#   - the consistency checker passes on the primary and, once it caught
#     up, on the replica (every outbox row published and applied, SPEC
#     invariants 1-4);
#   - no effect twice: no buyer with two orders (each POSTs /orders once),
#     no order with two payments (each POSTs /payments once), no provider
#     session with two charges (one card form each), no seller with more
#     listings than listing POSTs sent.
# After killing a service's instance it also sends PROBES GETs of that
# service's health route through nginx at once, none of which may fail.
# Per step it prints the requests sent from the kill until the program was
# healthy again plus SETTLE seconds, how many failed, and the recovery
# time. Closing line "N passed, M failed"; exit status 1 on any failure.
#
# Environment: that of the integration tests (tests/integration/lib.sh:
# TK_TEST_BASE_URL, TK_TEST_RUN_DIR, TK_TEST_MARIADB_SOCKET, TK_BUILDDIR),
# plus LOADERS (default 3), POOL (listings of 50 units each loader buys
# from, default 5), STRIKES (which kinds of steps: default "nats services
# workers replicas"), SETTLE (seconds of load after each recovery,
# default 5) and RECOVERY (seconds each program has to be healthy again,
# default 120).
. "$(dirname "$0")/../integration/lib.sh"

LOADERS=${LOADERS:-3}
POOL=${POOL:-5}
STRIKES=${STRIKES:-nats services workers replicas}
SETTLE=${SETTLE:-5}
RECOVERY=${RECOVERY:-120}
. "$TK_TEST_RUN_DIR/stack.env"
SERVICES=$(sed -n 's/^TK_FCGI_SERVICES = //p' "$TK_SRCDIR/deploy/programs.mk")
WORKERS=$(sed -n 's/^TK_WORKER_INSTANCES = //p' "$TK_SRCDIR/deploy/programs.mk")
LOG=$TK_TMP/requests.log # one line per request (logged)
STOP=$TK_TMP/stop        # the loaders stop when it exists
: >"$LOG"

now_ms() { date +%s%3N; }

# --- the load ---------------------------------------------------------------

# logged LOADER STEP METHOD PATH [CURL ARGS]: req, then a line in LOG:
# time (ms), loader, step, status, who answered (the service's
# X-Served-By, or "nginx"), what kind of "try again" page it is ("page":
# nginx's static 503 page; "retry": a service's own answer with
# Retry-After, e.g. 503 on a transaction conflict it rolled back; "-":
# neither), and the method. Appends are whole lines (O_APPEND, one write
# each).
logged() {
	local l=$1 step=$2 by page=-
	shift 2
	req "$@"
	by=$(header X-Served-By)
	if has "$BODY" "<title>Service unavailable"; then
		page=page
	elif [ -n "$(header Retry-After)" ]; then
		page=retry
	fi
	printf '%s %s %s %s %s %s %s\n' "$(now_ms)" "$l" "$step" "${STATUS:-000}" "${by:-nginx}" \
		"$page" "$2" >>"$LOG"
}

# form LOADER STEP BROWSER PATH FIELD=VALUE...: a form POST, logged.
form() {
	local l=$1 step=$2 b=$3 path=$4 f data=()
	shift 4
	for f in "$@"; do data+=(--data-urlencode "$f"); done
	logged "$l" "$step" "$b" POST "$path" "${data[@]}"
}

# loader L SELLER LISTING...: until STOP exists, one person after another:
# sign up, see the event, reserve one unit of the first LISTING with units
# left and pay for it; and SELLER lists two more tickets on the event each
# round. A step that fails ends that person's round (never sent again: a
# POST that failed may have run). Each loader's browsers send from
# addresses of their own.
loader() {
	local l=$1 seller=$2 n=0 b id page
	shift 2
	local listings=("$@")
	# req's files and the cookie jars: this loader's own.
	mkdir -p "$TK_TMP/loader$l"
	cp "$TK_TMP/$seller.jar" "$TK_TMP/loader$l/"
	TK_TMP=$TK_TMP/loader$l
	while [ ! -e "$STOP" ]; do
		n=$((n + 1))
		# lib.sh's browser takes the address TK_NET.TK_NEXT_HOST.
		# shellcheck disable=SC2034
		TK_NET=127.$((60 + l)).$((n / 200 + 1)) TK_NEXT_HOST=$((n % 200 + 1))
		b=p$l-$n
		browser "$b"
		logged "$l" signup-form "$b" GET /auth/signup
		form "$l" signup "$b" /auth/signup "name=Drill $l $n" \
			"email=drill-$l-$n-$$@example.com" "password=$TK_PASSWORD" "csrf_token=$(csrf)"
		[ "$STATUS" = 303 ] || continue
		logged "$l" event "$b" GET "/events/$EVENT"
		logged "$l" list-form "$seller" GET "/tickets/new?event_id=$EVENT"
		[ "$STATUS" != 200 ] ||
			form "$l" list "$seller" "/tickets/new?event_id=$EVENT" "csrf_token=$(csrf)" \
				"idempotency_key=$(form_key)" section=Drill row=B seat= quantity=2 \
				price=12.00 note=
		logged "$l" orders "$b" GET /orders
		form "$l" reserve "$b" /orders "csrf_token=$(csrf)" "ticket_id=${listings[0]}" quantity=1
		# A listing sold out answers 409 from the service: the next one.
		if [ "$STATUS" = 409 ] && [ ${#listings[@]} -gt 1 ]; then
			listings=("${listings[@]:1}")
		fi
		[ "$STATUS" = 303 ] || continue
		id=$(location)
		id=${id#/orders/}
		# The payments service learns of the order through the backbone.
		# shellcheck disable=SC2016 # expanded by eval, on each try
		wait_for 30 eval '[ "$(sql "SELECT COUNT(*) FROM ticketing_payments.orders_replica
			WHERE id = '"'$id'"'")" = 1 ]' || continue
		logged "$l" order "$b" GET "/orders/$id"
		form "$l" pay "$b" /payments "csrf_token=$(csrf)" "order_id=$id"
		[ "$STATUS" = 303 ] || continue
		page=$(location)
		logged "$l" card-form "$b" GET "$page"
		form "$l" card "$b" "$page" "csrf_token=$(csrf)" card_number=4242424242424242 \
			card_expiry=12/39 card_cvc=123 "card_name=Drill $l $n"
	done
}

# --- health -----------------------------------------------------------------

# monitor I: the monitor URL of NATS node I (1..3).
monitor() {
	local ports=("$((PORT + 3))" "$((PORT + 15))" "$((PORT + 16))")
	printf 'http://127.0.0.1:%s' "${ports[$1 - 1]}"
}

# jsz_field I PYTHON-EXPRESSION: a value of node I's /jsz (streams and
# consumers included), as the expression computes it from d.
jsz_field() {
	curl -fsS --noproxy '*' "$(monitor "$1")/jsz?streams=true&consumers=true" |
		python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

# node_of SERVER_NAME: the node number of a server name ticketing-PORT-I.
node_of() { printf '%s' "${1##*-}"; }

# stream_leader I: the node number of the stream's leader, as node I sees
# it (nothing while there is none).
stream_leader() {
	local name
	name=$(jsz_field "$1" '"".join(s.get("cluster", {}).get("leader", "")
for a in d.get("account_details", []) for s in a.get("stream_detail", [])
if s["name"] == "TICKETING")' 2>/dev/null) || return 1
	[ -n "$name" ] && node_of "$name"
}

# nats_healthy I: node I answers /healthz (JetStream current) and knows a
# meta leader, and the stream's leader (only its view of the replicas is
# current) sees both its replicas current.
nats_healthy() {
	local j
	curl -fsS --noproxy '*' -o /dev/null "$(monitor "$1")/healthz" 2>/dev/null || return 1
	[ "$(jsz_field "$1" 'd.get("meta_cluster", {}).get("leader", "")' 2>/dev/null)" ] ||
		return 1
	j=$(stream_leader "$1") || return 1
	[ "$(jsz_field "$j" 'sum(1 for a in d.get("account_details", [])
for s in a.get("stream_detail", []) if s["name"] == "TICKETING"
for r in s.get("cluster", {}).get("replicas", []) if r.get("current"))' 2>/dev/null)" = 2 ]
}

# service_healthy INSTANCE SERVICE: supervisord runs it and it answers its
# health route on its own socket.
service_healthy() {
	running "$1" && python3 "$TK_SRCDIR/tests/integration/fcgi_get.py" \
		"$SOCK_BASE/sock/$1.sock" "/_health/$2" 127.0.0.1 2>/dev/null | grep -q '^Status: 200'
}

# worker_healthy INSTANCE: supervisord runs it (past its start seconds).
worker_healthy() { running "$1"; }

# --- the steps --------------------------------------------------------------

# within SECONDS CMD...: run CMD every 0.2 s until it succeeds; 1 when
# SECONDS of wall time pass first (lib.sh's wait_for counts tries, which
# a slow CMD stretches).
within() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

STEPS=() # name|t0|t_healthy|t_end

# PROBES: GETs of a killed instance's health route sent through nginx
# right after the kill, one after the other on one connection (about a
# millisecond each), while supervisord has not started it again: about
# half go to the dead instance's socket first.
PROBES=${PROBES:-200}

# probe PATH: PROBES GETs of PATH by one curl, logged as step "probe" of
# loader 0 (an answer of nginx's own is taken as its page: the body is not
# kept). The lines reach LOG in one write, whole among the loaders'.
probe() {
	local urls=() k t
	for ((k = 0; k < PROBES; k++)); do urls+=(-o /dev/null "$BASE$1"); done
	t=$(now_ms)
	curl -s --noproxy '*' -w '%{http_code} %header{x-served-by}\n' "${urls[@]}" |
		awk -v t="$t" '{ by = $2 == "" ? "nginx" : $2
			page = ($1 == 503 && by == "nginx") ? "page" : "-"
			print t, 0, "probe", $1, by, page, "GET" }' >"$TK_TMP/probe.log"
	cat "$TK_TMP/probe.log" >>"$LOG"
}

# strike NAME PROGRAM [--probe PATH] HEALTH-CMD...: kill PROGRAM with
# SIGKILL (then send PROBES GETs of PATH, logged as step "probe"), wait up
# to RECOVERY s until supervisord runs a new process and HEALTH-CMD
# succeeds, keep the load on SETTLE s more; record the step.
strike() {
	local name=$1 prog=$2 pid t0 t1 probe=''
	shift 2
	if [ "$1" = --probe ]; then
		probe=$2
		shift 2
	fi
	pid=$(pid_of "$prog")
	t0=$(now_ms)
	if [ "$pid" = 0 ] || ! kill -9 "$pid"; then
		check "$name: $prog had a process to kill" false
		return
	fi
	[ -z "$probe" ] || probe "$probe"
	if within "$RECOVERY" eval 'new=$(pid_of '"$prog"'); [ "$new" != 0 ] && [ "$new" != '"$pid"' ]' &&
		within "$RECOVERY" "$@"; then
		t1=$(now_ms)
		check "$name: $prog is back and healthy ($((t1 - t0)) ms)" true
	else
		t1=$(now_ms)
		check "$name: $prog is back and healthy within $RECOVERY s" false
	fi
	sleep "$SETTLE"
	STEPS+=("$name|$t0|$t1|$(now_ms)")
}

# all_on N: stream-status shows the stream and every consumer on N nodes,
# every copy current.
all_on() {
	"$CTL" --config "$ADMIN_CONF" stream-status | grep -q "^replicas: $1 configured; the stream \
on $1 nodes, $1 current; \([0-9]*\) of \1 consumers on $1 nodes, all current$"
}

# rescale N: setup-backbone with stream_replicas N (a copy of admin.conf),
# under the load; it must succeed, and within RECOVERY s every consumer
# must be on N nodes, all current; keep the load on SETTLE s more; record
# the step.
rescale() {
	local conf=$TK_TMP/admin-R$1.conf name="stream on $1 node(s)" t0 t1
	(umask 077 && sed "s/^stream_replicas = .*/stream_replicas = $1/" "$ADMIN_CONF" >"$conf")
	t0=$(now_ms)
	if "$CTL" --config "$conf" setup-backbone >"$TK_TMP/rescale.out" 2>&1 &&
		within "$RECOVERY" all_on "$1"; then
		t1=$(now_ms)
		check "$name: the stream and every consumer followed ($((t1 - t0)) ms)" true
	else
		t1=$(now_ms)
		check "$name: the stream and every consumer followed within $RECOVERY s" false
		sed 's/^/   /' "$TK_TMP/rescale.out"
		"$CTL" --config "$ADMIN_CONF" stream-status | grep -v "on $1 nodes ($1 current)" |
			sed 's/^/   /'
	fi
	sleep "$SETTLE"
	STEPS+=("$name|$t0|$t1|$(now_ms)")
}

# --- set-up -----------------------------------------------------------------

echo "# set-up: an organizer's event; per loader a seller, and $POOL listings of 50 units on sale"
account_browser org organizer "Drill Organizer" --verified
EVENT=$(event_fixture org "drill-$$")
check "the organizer makes an event" [ -n "$EVENT" ]
[ -n "$EVENT" ] || finish
declare -A POOLS=()
for ((l = 1; l <= LOADERS; l++)); do
	account_browser "seller$l" member "Drill Seller $l" --verified
	account_browser "pool$l" member "Drill Pool $l" --verified
	for ((k = 0; k < POOL; k++)); do
		id=$(listing_on_sale "pool$l" "$EVENT" 50 10.00) || break
		POOLS[$l]+=" $id"
	done
	check "loader $l has $POOL listings on sale" [ "$(wc -w <<<"${POOLS[$l]}")" = "$POOL" ]
done

echo "# the load: $LOADERS loaders"
LOADER_PIDS=()
for ((l = 1; l <= LOADERS; l++)); do
	# shellcheck disable=SC2086 # a list of listing ids
	loader "$l" "seller$l" ${POOLS[$l]} &
	LOADER_PIDS+=($!)
done
at_exit 'touch "$STOP"; wait "${LOADER_PIDS[@]}" 2>/dev/null'
sleep "$SETTLE"
STEPS+=("baseline|$(($(now_ms) - SETTLE * 1000))|$(now_ms)|$(now_ms)")

if [[ " $STRIKES " == *" nats "* ]]; then
	i=$(node_of "$(jsz_field 1 'd["meta_cluster"]["leader"]')")
	strike "NATS meta leader" "nats-$i" nats_healthy "$i"
	i=$(stream_leader 1)
	strike "NATS stream leader" "nats-$i" nats_healthy "$i"
fi
if [[ " $STRIKES " == *" services "* ]]; then
	for svc in $SERVICES; do
		strike "service $svc" "$svc-1" --probe "/_health/$svc" service_healthy "$svc-1" "$svc"
	done
fi
if [[ " $STRIKES " == *" workers "* ]]; then
	for w in $WORKERS; do
		strike "worker $w" "$w-1" worker_healthy "$w-1"
	done
fi
if [[ " $STRIKES " == *" replicas "* ]]; then
	replicas=$(sed -n 's/^stream_replicas = //p' "$ADMIN_CONF")
	rescale 1
	rescale "$replicas"
fi

touch "$STOP"
wait "${LOADER_PIDS[@]}"

# --- the figures ------------------------------------------------------------

# The requests of each step's window: sent, failed (5xx or no answer),
# of which nginx's page and a service's own 5xx; failed GETs.
echo "# step | requests | failed | nginx 503 page | service 5xx | failed GETs | recovery ms"
service_get_failures=0
for s in "${STEPS[@]}"; do
	IFS='|' read -r name t0 t1 t2 <<<"$s"
	line=$(awk -v a="$t0" -v b="$t2" -v name="$name" -v rec=$((t1 - t0)) '
		$1 >= a && $1 <= b { n++; if ($4 >= 500 || $4 == "000") { f++;
			if ($5 == "nginx" && $6 == "page") p++; else if ($5 != "nginx") s++
			if ($7 == "GET") g++ } }
		END { printf "%s | %d | %d (%.2f %%) | %d | %d | %d | %d\n", name, n, f,
			n ? 100 * f / n : 0, p, s, g, rec }' "$LOG")
	echo "$line"
	case $name in service*)
		service_get_failures=$((service_get_failures + $(cut -d'|' -f6 <<<"$line"))) ;;
	esac
done
awk '{ n++; by[$3] += 1; if ($4 >= 500 || $4 == "000") f[$3] += 1 }
	END { printf "# all: %d requests\n", n; for (k in by) printf "#   %s: %d sent, %d failed\n", k, by[k], f[k] }' "$LOG"

check "the loaders sent requests" [ -s "$LOG" ]
check "every failed request got a 503 \"try again\" page (nginx's, or the service's with Retry-After)" \
	[ "$(awk '($4 >= 500 || $4 == "000") && !($4 == 503 && $6 != "-")' "$LOG" | wc -l)" = 0 ]
awk '($4 >= 500 || $4 == "000") && !($4 == 503 && $6 != "-")' "$LOG" | head -20 | sed 's/^/   /'
# A GET is sent to the other instance when the one it went to is gone
# (fastcgi_next_upstream); only a POST already sent may fail.
check_eq "no GET failed while an instance of its service was killed" 0 "$service_get_failures"
check "purchases completed during the drill" \
	[ "$(sql "SELECT COUNT(*) FROM ticketing_orders.orders WHERE state = 'complete'")" -gt 0 ]

# --- no effect twice --------------------------------------------------------

check_eq "no buyer has two orders" 0 \
	"$(sql "SELECT COUNT(*) FROM (SELECT buyer_id FROM ticketing_orders.orders
		GROUP BY buyer_id HAVING COUNT(*) > 1) t")"
check_eq "no order has two payments" 0 \
	"$(sql "SELECT COUNT(*) FROM (SELECT order_id FROM ticketing_payments.payments
		GROUP BY order_id HAVING COUNT(*) > 1) t")"
check_eq "no provider session has two charges" 0 \
	"$(sql "SELECT COUNT(*) FROM (SELECT session_id FROM ticketing_sandbox.charges
		GROUP BY session_id HAVING COUNT(*) > 1) t")"
for ((l = 1; l <= LOADERS; l++)); do
	sent=$(awk -v l="$l" '$2 == l && $3 == "list"' "$LOG" | wc -l)
	made=$(sql "SELECT COUNT(*) FROM ticketing_tickets.listings l
		JOIN ticketing_auth.users u ON u.id = l.seller_id
		WHERE u.name = 'Drill Seller $l'")
	check "seller $l has no more listings ($made) than listing POSTs sent ($sent)" \
		[ "$made" -le "$sent" ]
done

# --- the checker, on the primary and on the replica -------------------------

# finish waits for quiet and runs the checker on the primary; the replica
# first, once it holds what the primary's binary log holds.
within 120 quiet
replica() { mariadb --no-defaults --socket="$MARIADB_REPLICA_SOCK" -u"$(id -un)" -N -B -e "$1"; }
pos=$(sql 'SELECT @@gtid_binlog_pos')
check "the replica catches up with the primary ($pos)" \
	[ "$(replica "SELECT MASTER_GTID_WAIT('$pos', 120)")" = 0 ]
check "the consistency checker finds no violation on the replica" \
	"$CTL" check --config-dir "$TK_TEST_RUN_DIR/conf-replica"
finish
