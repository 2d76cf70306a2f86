#!/usr/bin/env bash
# bench/catalogue.sh: the pages of the events service whose work grows with
# the catalogue, measured with a large one: VENUES venues (default 5000)
# in CITIES cities (1000) and EVENTS upcoming events (20000), written
# straight into the local stack's events database, then removed again at
# the end (KEEP=1 keeps them). Prints, per page, its size, requests/s and
# p99 latency: the search page with a city filter, the event form and the
# venue list (as the demo organizer), a page deep into the search results,
# and a page number far past what is listed.
#
# Needs the local stack (scripts/dev up, its demo accounts) and wrk.
# Knobs: see bench/lib.sh (DURATION defaults to 5s here), VENUES, CITIES,
# EVENTS, KEEP.
DURATION=${DURATION:-5s}
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
VENUES=${VENUES:-5000}
CITIES=${CITIES:-1000}
EVENTS=${EVENTS:-20000}
SOCK=$RUN_DIR/mariadb.sock
TAG=bench-catalogue
ORGANIZER=organizer@example.com
PASSWORD=demo-password-123

sql() { mariadb --no-defaults -u"$(id -un)" --socket="$SOCK" -N -B ticketing_events -e "$1"; }

remove() {
	sql "DELETE FROM events WHERE description = '$TAG'; DELETE FROM venues WHERE address = '$TAG'"
}

# load: the venues and events, ids made from a sequence (UUIDv7-shaped),
# created by a made-up organizer, tagged so that remove finds them.
load() {
	remove
	sql "INSERT INTO venues (id, name, city, address, capacity, timezone, created_by)
		SELECT CONCAT('00000000-0000-7000-8000-', LPAD(seq, 12, '0')),
			CONCAT('Bench Hall ', seq), CONCAT('Bench City ', seq % $CITIES), '$TAG',
			100 + seq % 900, 'Europe/Paris', '00000000-0000-7000-8000-000000000000'
		FROM seq_1_to_$VENUES"
	sql "INSERT INTO events (id, venue_id, name, description, starts_at, ends_at, created_by)
		SELECT CONCAT('00000000-0000-7000-9000-', LPAD(seq, 12, '0')),
			CONCAT('00000000-0000-7000-8000-', LPAD(1 + seq % $VENUES, 12, '0')),
			CONCAT('Bench concert ', seq), '$TAG',
			UTC_TIMESTAMP() + INTERVAL 30 DAY + INTERVAL seq MINUTE,
			UTC_TIMESTAMP() + INTERVAL 30 DAY + INTERVAL seq + 120 MINUTE,
			'00000000-0000-7000-8000-000000000000'
		FROM seq_1_to_$EVENTS"
}

# page LABEL PATH [COOKIE]: one line for PATH: status, bytes, requests/s, p99.
page() {
	local status bytes out
	cookie_args "${3:-}"
	read -r status bytes < <(curl -sS --noproxy '*' -o /dev/null -w '%{http_code} %{size_download}\n' \
		"${COOKIE_ARGS[@]}" "$BASE$2")
	out=$(wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${COOKIE_ARGS[@]}" "$BASE$2" 2>&1)
	printf '%s\n' "$out" | awk -v l="$1" -v u="$2" -v s="$status" -v b="$bytes" '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		/^Requests\/sec:/ { rps = $2 }
		$1 == "99%" { p99 = ms($2) }
		END { printf "%-22s %-34s %3s %8d bytes %8.0f req/s  p99 %8.2f ms\n", l, u, s, b, rps, p99 }'
}

[ -S "$SOCK" ] || die "no MariaDB socket at $SOCK: is the stack up?"
[ "${KEEP:-0}" = 1 ] || trap remove EXIT
load
COOKIE=$(session "$ORGANIZER" "$PASSWORD")
[ -n "$COOKIE" ] || die "cannot sign in as $ORGANIZER (the demo accounts of scripts/dev up)"
header
echo "  catalogue: $(sql "SELECT COUNT(*) FROM venues") venues in" \
	"$(sql "SELECT COUNT(DISTINCT city) FROM venues") cities," \
	"$(sql "SELECT COUNT(*) FROM events") events"
page "search by city" "/events?city=Bench+City+7"
page "event form" "/events/new" "$COOKIE"
page "venue list" "/venues" "$COOKIE"
page "search, page 50" "/events?q=bench&page=50"
page "home, page 900" "/?page=900"
