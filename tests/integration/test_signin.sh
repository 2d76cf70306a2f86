#!/usr/bin/env bash
# Integration tests of the sign-in policy of the auth service, through
# nginx: a sign-in that races a password or role change, the throttling of
# password guesses per account and client address and an account's hourly
# budget over all addresses (known and unknown emails alike), the
# throttling of the current password on the account page (and nginx's
# limit there), and the equal work of a sign-in for a known and an unknown
# email.
# The races are made deterministic with a row lock held from a MariaDB
# client: the requests queue behind it in a known order.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

AUTH_CONF=$TK_TEST_RUN_DIR/conf/auth.conf
PW=correct-horse-battery-1
PW2=another-long-passphrase-2
DB=ticketing_auth

id_of() { sql "SELECT id FROM $DB.users WHERE email = $(sql_quote "$1")"; }
live_sessions() {
	sql "SELECT COUNT(*) FROM $DB.sessions WHERE user_id = '$1' AND revoked_at IS NULL"
}

# post_bg NAME PATH OUT FIELD=VALUE...: a form POST from browser NAME (its
# cookies are sent, not updated) meant to run in the background: the
# status goes into file OUT.
post_bg() {
	local name=$1 path=$2 out=$3 f args=()
	shift 3
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	[ -n "${TK_ADDR[$name]:-}" ] && args+=(--interface "${TK_ADDR[$name]}")
	curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -H 'Expect:' \
		-b "$TK_TMP/$name.jar" "${args[@]}" "$BASE$path" >"$out" || true
}

# lock_waits ID: transactions waiting for a lock on the users row ID.
lock_waits() {
	sql "SELECT COUNT(*) FROM information_schema.INNODB_TRX t
	     JOIN information_schema.INNODB_LOCKS l ON l.lock_id = t.trx_requested_lock_id
	     WHERE t.trx_state = 'LOCK WAIT' AND l.lock_table LIKE '%users%'
	     AND l.lock_data LIKE '%$1%'"
}
waits_are() { [ "$(lock_waits "$1")" = "$2" ]; }

# hold_row ID: a MariaDB client (coprocess HOLD) locks users row ID in an
# open transaction; release_row ends it.
hold_row() {
	local line=
	coproc HOLD { mariadb --no-defaults -u"$(id -un)" --socket="$TK_TEST_MARIADB_SOCKET" \
		-n -N -B; }
	printf "BEGIN;\nSELECT 'held' FROM %s.users WHERE id = '%s' FOR UPDATE;\n" "$DB" "$1" \
		>&"${HOLD[1]}"
	read -r -t 10 line <&"${HOLD[0]}" || true
	[ "$line" = held ]
}
release_row() {
	local pid=$HOLD_PID
	printf 'ROLLBACK;\n' >&"${HOLD[1]}"
	exec {HOLD[1]}>&-
	wait "$pid" || true
}

# member NAME EMAIL: browser NAME, new, signs up as EMAIL (password PW).
member() {
	browser "$1"
	req "$1" GET /auth/signup
	post "$1" /auth/signup "name=Member $1" "email=$2" "password=$PW" "csrf_token=$(csrf)"
}

# race ID SIGNER EMAIL CHANGER PATH FIELD=VALUE...: a sign-in of browser
# SIGNER as EMAIL (password PW) against a change of user row ID that
# browser CHANGER posts to PATH, in a fixed order: a MariaDB client holds
# the row, the change queues for it, the sign-in (its password verified
# against the row as it was) queues behind the change, the row is
# released. The statuses in CHANGE_STATUS and SIGNIN_STATUS.
race() {
	local id=$1 signer=$2 email=$3 changer=$4 path=$5 token cpid spid
	shift 5
	req "$signer" GET /auth/signin
	token=$(csrf)
	check "a MariaDB client holds the row" hold_row "$id"
	post_bg "$changer" "$path" "$TK_TMP/change.status" "$@" &
	cpid=$!
	check "the change waits for the row" wait_for 10 waits_are "$id" 1
	post_bg "$signer" /auth/signin "$TK_TMP/signin.status" "email=$email" "password=$PW" \
		"csrf_token=$token" &
	spid=$!
	check "the sign-in, its password verified, waits behind it" wait_for 10 waits_are "$id" 2
	release_row
	wait "$cpid" "$spid"
	CHANGE_STATUS=$(cat "$TK_TMP/change.status")
	SIGNIN_STATUS=$(cat "$TK_TMP/signin.status")
}

# --- a sign-in that races a role change -------------------------------------
# The member's password is verified against the row read before the change;
# the session it would make must not outlive the change.

ADMIN=$(fresh_email admin)
printf '%s\n' "$PW" | "$CTL" --config "$AUTH_CONF" create-user --email "$ADMIN" \
	--name "Race Admin" --role admin >/dev/null
browser ada
signin ada "$ADMIN" "$PW"
check_status "the admin signs in" 303
RM_EMAIL=$(fresh_email racer)
member rm "$RM_EMAIL"
check_status "the member signs up" 303
RM_ID=$(id_of "$RM_EMAIL")
req ada GET "/auth/admin/users?q=$RM_EMAIL"
browser rm2
race "$RM_ID" rm2 "$RM_EMAIL" ada "/auth/admin/users/$RM_ID/role" role=organizer \
	"csrf_token=$(csrf)"
check_eq "the role change answers 303" 303 "$CHANGE_STATUS"
check_eq "the sign-in that read the old row answers 409" 409 "$SIGNIN_STATUS"
check_eq "no live session of the member survives the role change" 0 "$(live_sessions "$RM_ID")"
signin rm2 "$RM_EMAIL" "$PW"
check_status "signing in again afterwards works" 303
req rm2 GET /auth/account
check "... with the new role" has "$BODY" organizer

# --- a sign-in that races a password change ----------------------------------

PC_EMAIL=$(fresh_email pwracer)
member pc "$PC_EMAIL"
check_status "another member signs up" 303
PC_ID=$(id_of "$PC_EMAIL")
req pc GET /auth/account
browser pc2
race "$PC_ID" pc2 "$PC_EMAIL" pc /auth/account/password "current_password=$PW" \
	"password=$PW2" "csrf_token=$(csrf)"
check_eq "the password change answers 303" 303 "$CHANGE_STATUS"
check_eq "the sign-in with the old password answers 409" 409 "$SIGNIN_STATUS"
check_eq "only the session that changed the password is live" 1 "$(live_sessions "$PC_ID")"

# --- throttling of guesses: a weapon against nobody, an oracle for nobody -----
# With the defaults: 5 guesses at an account from one address pass, then
# the address waits 2 s, 4 s, 8 s, ... (up to 15 min) between guesses.

# guesses NAME EMAIL N: N wrong passwords from browser NAME in a row; the
# statuses, space-separated, in CODES; the first Retry-After in RA.
guesses() {
	local i
	req "$1" GET /auth/signin
	local token
	token=$(csrf)
	CODES=
	RA=
	for i in $(seq "$3"); do
		post "$1" /auth/signin "email=$2" "password=wrong-password-$i" "csrf_token=$token"
		CODES+="$STATUS "
		[ "$STATUS" = 429 ] && [ -z "$RA" ] && RA=$(header Retry-After)
	done
}
# throttled EMAIL ADDR: the failures counted for EMAIL from ADDR.
throttled() {
	sql "SELECT COALESCE(SUM(failures), 0) FROM $DB.signin_throttle
	     WHERE account = SHA2($(sql_quote "$1"), 256) AND remote_addr = '$2'"
}
# wait_out EMAIL ADDR: sleep until ADDR may guess at EMAIL again.
wait_out() {
	sleep "$(sql "SELECT COALESCE(GREATEST(0, TIMESTAMPDIFF(MICROSECOND, NOW(6),
	              MAX(blocked_until))), 0) / 1e6 + 0.2 FROM $DB.signin_throttle
	              WHERE account = SHA2($(sql_quote "$1"), 256) AND remote_addr = '$2'")"
}
EXPECTED="422 422 422 422 422 422 429 "
# says_wait: the last page, a 429, says how long its Retry-After asks to
# wait, in seconds below two minutes and in whole minutes (rounded up)
# below two hours (lib/text.h text_duration).
says_wait() {
	local ra want
	ra=$(header Retry-After)
	if [ "$ra" = 1 ]; then
		want="1 second"
	elif [ "$ra" -lt 120 ]; then
		want="$ra seconds"
	else
		want="$(((ra + 59) / 60)) minutes"
	fi
	has "$(text)" "Too many attempts. Try again in $want."
}

VI_EMAIL=$(fresh_email victim)
member vi "$VI_EMAIL"
check_status "the victim signs up" 303
browser mallory
guesses mallory "$VI_EMAIL" 7
check_eq "7 quick wrong guesses at a known email: 6 answer 422, then 429" "$EXPECTED" "$CODES"
check "... and the 429 asks to wait 2 s (or what is left of them)" matches "$RA" '^[12]$'
signin mallory "$VI_EMAIL" "$PW"
check_status "the right password from the guessing address waits too (429)" 429
check "... with a Retry-After" matches "$(header Retry-After)" '^[1-9][0-9]*$'
check "... and the page says how long in words" says_wait
check_eq "only the 6 guesses that were verified are counted" 6 \
	"$(throttled "$VI_EMAIL" "${TK_ADDR[mallory]:-127.0.0.1}")"

# Another address guesses too: ten wrong guesses from anywhere no longer
# lock the owner out.
browser eve
guesses eve "$VI_EMAIL" 12
check "12 guesses from another address are throttled on their own" \
	starts_with "$CODES" "$EXPECTED"
browser vi2
signin vi2 "$VI_EMAIL" "$PW"
check_status "the victim, from another address, still signs in with the right password" 303

browser nobody
NO_EMAIL=$(fresh_email nosuchaccount)
guesses nobody "$NO_EMAIL" 7
check_eq "7 quick wrong guesses at an unknown email answer the same" "$EXPECTED" "$CODES"
check "... with the same Retry-After" matches "$RA" '^[12]$'
check_eq "... and the same count" 6 "$(throttled "$NO_EMAIL" "${TK_ADDR[nobody]:-127.0.0.1}")"
wait_out "$VI_EMAIL" "${TK_ADDR[mallory]:-127.0.0.1}"
guesses mallory "$VI_EMAIL" 2
check_eq "after the wait one more guess is verified, then the wait doubles" "422 429 " "$CODES"
check "... to 4 s (or more)" [ "${RA:-0}" -ge 3 ]
wait_out "$VI_EMAIL" "${TK_ADDR[mallory]:-127.0.0.1}"
signin mallory "$VI_EMAIL" "$PW"
check_status "after that wait the right password signs in from that address" 303
check_eq "... and its count is forgotten" 0 "$(throttled "$VI_EMAIL" "${TK_ADDR[mallory]:-127.0.0.1}")"

# Guesses sent at once queue for the verification slots; each is counted
# in its slot, before its verification, so the queue cannot carry more
# than the free guesses past the limit (one more if a slow machine lets
# the 2 s wait end while the queue drains).
IF_EMAIL=$(fresh_email inflight)
browser swarm
req swarm GET /auth/signin
SW_TOKEN=$(csrf)
pids=()
for i in $(seq 12); do
	post_bg swarm /auth/signin "$TK_TMP/swarm.$i" "email=$IF_EMAIL" "password=wrong-$i" \
		"csrf_token=$SW_TOKEN" &
	pids+=($!)
done
wait "${pids[@]}"
n422=0
n429=0
for f in "$TK_TMP"/swarm.*; do
	case $(cat "$f") in
	422) n422=$((n422 + 1)) ;;
	429) n429=$((n429 + 1)) ;;
	esac
done
between() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
check "12 simultaneous guesses: 6 or 7 are verified (got $n422)" between "$n422" 6 7
check_eq "... and the others answer 429" "$((12 - n422))" "$n429"

# --- an account's budget over all addresses ----------------------------------
# 100 guesses an hour at one account from any number of addresses (here 5
# from each of 20, so no address has to wait); past that only an address
# the account signed in from lately may try: its owner's.

# spread EMAIL NAME: 100 wrong guesses at EMAIL, 5 from each of 20 new
# addresses (browsers NAME1..NAME20, all at once); the number that
# answered 422 in N422.
spread() {
	local i j f token pids=()
	browser "$2"
	req "$2" GET /auth/signin
	token=$(csrf)
	for i in $(seq 20); do
		browser "$2$i"
		cp "$TK_TMP/$2.jar" "$TK_TMP/$2$i.jar"
		(for j in 1 2 3 4 5; do
			post_bg "$2$i" /auth/signin "$TK_TMP/$2.status.$i.$j" "email=$1" \
				"password=wrong-$i-$j" "csrf_token=$token"
		done) &
		pids+=($!)
	done
	wait "${pids[@]}"
	N422=0
	for f in "$TK_TMP/$2".status.*; do
		[ "$(cat "$f")" = 422 ] && N422=$((N422 + 1))
	done
}

BU_EMAIL=$(fresh_email budget)
member own "$BU_EMAIL"
check_status "a member signs up (its address is now one it signed in from)" 303
spread "$BU_EMAIL" botk
check_eq "100 guesses at a known email from 20 addresses answer 422" 100 "$N422"
browser late
signin late "$BU_EMAIL" "wrong-password"
check_status "the next guess, from a new address, answers 429" 429
check "... waiting for the rest of the hour" [ "$(header Retry-After)" -gt 60 ]
check "... which the page says in minutes" says_wait
signin late "$BU_EMAIL" "$PW"
check_status "... the right password from a new address too" 429
browser own2
TK_ADDR[own2]=${TK_ADDR[own]}
signin own2 "$BU_EMAIL" "$PW"
check_status "the owner, from the address it signed up from, signs in" 303
BN_EMAIL=$(fresh_email nobudget)
spread "$BN_EMAIL" botu
check_eq "100 guesses at an unknown email answer 422 the same" 100 "$N422"
browser late2
signin late2 "$BN_EMAIL" "wrong-password"
check_status "the next guess at the unknown email answers 429 the same" 429
check "... with the same kind of wait" [ "$(header Retry-After)" -gt 60 ]

# --- the current password on the account page ------------------------------
# It is a password guess like a sign-in's and shares its throttle.

CW_EMAIL=$(fresh_email pwguess)
member cw "$CW_EMAIL"
check_status "a member signs up for the password page" 303
req cw GET /auth/account
CW_TOKEN=$(csrf)
CODES=
for i in $(seq 6); do
	post cw /auth/account/password "current_password=wrong-current-$i" "password=$PW2" \
		"csrf_token=$CW_TOKEN"
	CODES+="$STATUS "
done
check_eq "6 wrong current passwords answer 422 each" "422 422 422 422 422 422 " "$CODES"
post cw /auth/account/password "current_password=$PW" "password=$PW2" "csrf_token=$CW_TOKEN"
check_status "the next try, right password and all, waits (429)" 429
check_eq "... answered by the auth service" auth "$(header X-Served-By)"
check "... with a Retry-After" matches "$(header Retry-After)" '^[12]$'
browser cw2
signin cw2 "$CW_EMAIL" "$PW"
check_status "the password is unchanged: the old one signs in from elsewhere" 303

# nginx limits password-change POSTs per address, before the service.
member pflood "$(fresh_email pflood)"
req pflood GET /auth/account
PF_TOKEN=$(csrf)
CODES=
RA=
SERVED=
for i in $(seq 15); do
	# No fields: a 422 from the service without any hashing.
	post pflood /auth/account/password "csrf_token=$PF_TOKEN"
	CODES+="$STATUS "
	if [ "$STATUS" = 429 ] && [ -z "$RA" ]; then
		RA=$(header Retry-After)
		SERVED=$(header X-Served-By)
	fi
done
check "15 rapid password-change POSTs from one address meet a 429" has "$CODES" 429
check "the first 10 of them are served" lacks "$(printf '%s' "$CODES" | cut -d ' ' -f 1-10)" 429
check_eq "the limit is nginx's (no X-Served-By), with Retry-After: 60" "60 -" "$RA ${SERVED:--}"

# --- the same work for a known and an unknown email ---------------------------
# Up to the password's verdict both take the same way: the same answer,
# the same page, the same statements (and one Argon2id verification, the
# unknown email's against a dummy hash; bench/signin.sh times them).

# attempt NAME EMAIL PASSWORD: a sign-in from browser NAME. The answer is
# left in STATUS and BODY (with the email and the CSRF token replaced by
# placeholders), the statements the auth service sent to MariaDB for this
# request alone in WORK, one a line (lib.sh statements).
attempt() {
	local token
	req "$1" GET /auth/signin
	token=$(csrf)
	post "$1" /auth/signin "email=$2" "password=$3" "csrf_token=$token"
	WORK=$(statements auth) || true
	BODY=${BODY//"$2"/EMAIL}
	BODY=${BODY//"$(csrf)"/TOKEN}
}

KN_EMAIL=$(fresh_email known)
member kn "$KN_EMAIL"
check_status "a member signs up" 303
LONG=$(printf 'x%.0s' $(seq 600))
for pw in wrong-password "$LONG"; do
	what="a wrong password"
	[ "$pw" = "$LONG" ] && what="a 600-byte password"
	browser k1
	attempt k1 "$KN_EMAIL" "$pw"
	K_STATUS=$STATUS K_BODY=$BODY K_WORK=$WORK
	browser u1
	attempt u1 "$(fresh_email unknown)" "$pw"
	check_eq "$what: a known email answers 422" 422 "$K_STATUS"
	check_eq "$what: an unknown email answers the same" "$K_STATUS" "$STATUS"
	check "$what: the same page, apart from the email and the token" same "$K_BODY" "$BODY"
	check "$what: the work is logged (at least 5 statements)" \
		[ "$(printf '%s\n' "$K_WORK" | grep -c .)" -ge 5 ]
	check "$what: the same statements for both" same "$K_WORK" "$WORK"
	[ "$K_WORK" = "$WORK" ] || diff <(printf '%s\n' "$K_WORK") <(printf '%s\n' "$WORK") |
		sed 's/^/   /'
done

finish
