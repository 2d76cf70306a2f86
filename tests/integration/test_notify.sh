#!/usr/bin/env bash
# The notifications worker (workers/notify, docs/MAIL.md) against the
# stack's mail catcher (maildev, read through its HTTP API):
#   - an account_token.issued (played as auth will emit it: ticketingctl
#     publish, until auth emits it itself) gives exactly one verification
#     mail whose link carries the opened token, once even when the event
#     is published twice; a reset_password one gives the reset link; the
#     clear token is in no table and no log;
#   - a name with CR/LF never reaches a header;
#   - a role granted and revoked on the admin page gives one mail each;
#   - a recipient the SMTP server refuses with 5xx (a tiny responder,
#     smtp_refuser.py, as the worker's server) is recorded failed after
#     one attempt and never asked again; the other mail of that server is
#     sent;
#   - the catcher down for a while: the mails wait and arrive after it
#     comes back, once each;
#   - kill -9 of the worker while mails are queued (catcher down): every
#     mail arrives once;
#   - a crash between the server's acceptance and the record
#     (--kill-after-send): the mail arrives twice with the same
#     Message-ID, the documented duplicate, and no more;
#   - the consistency checker covers the worker's users replica, and its
#     events, venues and listings replicas (the marketplace mails').
# A fault test: it stops the catcher and the notify worker.
. "$(dirname "$0")/lib.sh"

BUILD=${TK_BUILDDIR:-$(dirname "$0")/../..}
NOTIFY=$BUILD/workers/notify/ticketing-notify
NOTIFY_CONF=$TK_TEST_RUN_DIR/conf/workers/notify-notify.conf
PROG=notify-notify
HOST=${BASE#*://}
HOST=${HOST%%:*}
# The worker's rows, in its own database.
mail_state() {
	sql "SELECT CONCAT_WS(' ', state, attempts) FROM ticketing_notify.mails
		WHERE event_id = '$1' ORDER BY id LIMIT 1"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# play_token PURPOSE EMAIL NAME TOKEN: publish it and wait until the worker
# applied it; EV is its event id.
play_token() {
	local env
	EV=$(uuid)
	env=$(token_event "$@" "$EV") || return 1
	play_event ticketing_notify notify-account-tokens "$env"
}

check "the notify worker runs" running "$PROG"
check "the mail catcher runs" running mailcatcher
check "its API answers" curl -fsS --noproxy '*' -o /dev/null "$MAILDEV/email"

# --- verification mail, once ------------------------------------------------
VERA=$(fresh_email vera)
TOKEN=$(new_token)
check "the token is 43 base64url characters" matches "$TOKEN" '^[A-Za-z0-9_-]{43}$'
VERA_EV=$(uuid)
ENV=$(token_event verify_email "$VERA" "Véra Verify" "$TOKEN" "$VERA_EV")
play_event ticketing_notify notify-account-tokens "$ENV"
check "account_token.issued is applied by notify-account-tokens" [ "$PLAYED" = published ]
check "the verification mail arrives" wait_for 20 eval '[ "$(mail_count "$VERA")" = 1 ]'
mail_source "$VERA" >"$TK_TMP/vera.eml"
mail_part "$TK_TMP/vera.eml" plain >"$TK_TMP/vera.txt"
mail_part "$TK_TMP/vera.eml" html >"$TK_TMP/vera.html"
LINK="$BASE/auth/email/verify?token=$TOKEN"
check "its text carries the link with the opened token" grep -qF "$LINK" "$TK_TMP/vera.txt"
check "so does its HTML" grep -qF "href=\"$LINK\"" "$TK_TMP/vera.html"
check "the text greets the member by name" grep -qF "Hello Véra Verify," "$TK_TMP/vera.txt"
check "the subject" same "$(mail_header "$TK_TMP/vera.eml" Subject)" "Confirm your email address"
check "the Message-ID is the event's and the kind's" \
	same "$(mail_header "$TK_TMP/vera.eml" Message-ID)" "<$VERA_EV.verify_email@$HOST>"
check "To: carries the name and the address" \
	same "$(mail_header "$TK_TMP/vera.eml" To)" "Véra Verify <$VERA>"
check "From: is mail_from" has "$(mail_header "$TK_TMP/vera.eml" From)" "<tickets@localhost>"
check "multipart/alternative" grep -q '^Content-Type: multipart/alternative' "$TK_TMP/vera.eml"
check "every line within 998 characters" \
	[ "$(awk 'length($0) > 999' "$TK_TMP/vera.eml" | wc -l)" = 0 ]
# The worker records the mail sent after the server's answer, so the row
# may trail the mail's arrival by a moment.
check "the row is sent, after one attempt" \
	wait_for 10 eval '[ "$(mail_state "$VERA_EV")" = "sent 1" ]'

# The same event again (a relay that publishes twice): one mail still.
out=$(printf '%s' "$ENV" | "$CTL" --config "$ADMIN_CONF" publish)
check "the stream drops the second copy (its Nats-Msg-Id)" starts_with "$out" duplicate
sleep 2
check "the event published twice still gives one mail" same "$(mail_count "$VERA")" 1
check "and one row" \
	same "$(sql "SELECT COUNT(*) FROM ticketing_notify.mails WHERE event_id = '$VERA_EV'")" 1
check "the clear token is in no table of notify" \
	same "$(sql "SELECT COUNT(*) FROM ticketing_notify.mails WHERE data LIKE '%$TOKEN%'")" 0
check "nor in any log of the stack" eval '! grep -rqF -- "$TOKEN" "$TK_TEST_RUN_DIR/logs"'

# --- password reset mail ------------------------------------------------------
RITA=$(fresh_email rita)
TOKEN2=$(new_token)
play_token reset_password "$RITA" "Rita Reset" "$TOKEN2"
check "a reset_password token is applied" [ "$PLAYED" = published ]
check "the reset mail arrives" wait_for 20 eval '[ "$(mail_count "$RITA")" = 1 ]'
mail_source "$RITA" >"$TK_TMP/rita.eml"
check "it carries the reset link" \
	grep -qF "$BASE/auth/password/reset?token=$TOKEN2" <(mail_part "$TK_TMP/rita.eml" plain)
check "its subject" same "$(mail_header "$TK_TMP/rita.eml" Subject)" "Reset your password"
check "its Message-ID names the kind" \
	same "$(mail_header "$TK_TMP/rita.eml" Message-ID)" "<$EV.reset_password@$HOST>"

# --- header injection through the name --------------------------------------
EVE=$(fresh_email eve)
EVIL=$(fresh_email evil)
play_token verify_email "$EVE" 'Eve\r\nBcc: '"$EVIL"'\r\nSubject: pwned' "$(new_token)"
check "the mail to a name with CR/LF arrives" wait_for 20 eval '[ "$(mail_count "$EVE")" = 1 ]'
mail_source "$EVE" >"$TK_TMP/eve.eml"
sed -n '1,/^\r*$/p' "$TK_TMP/eve.eml" >"$TK_TMP/eve.headers"
check "no Bcc: header" eval '! grep -qi "^bcc:" "$TK_TMP/eve.headers"'
check "one Subject: header, the template's" \
	same "$(grep -ci '^subject:' "$TK_TMP/eve.headers")" 1
check "the subject is not the injected one" \
	same "$(mail_header "$TK_TMP/eve.eml" Subject)" "Confirm your email address"
check "the name is one header's text, its CR/LF made spaces" \
	has "$(mail_header "$TK_TMP/eve.eml" To)" "Eve  Bcc: $EVIL  Subject: pwned"
check "nothing went to the injected address" same "$(mail_count "$EVIL")" 0
check "the server was asked for one recipient" same "$(curl -fsS --noproxy '*' "$MAILDEV/email" |
	python3 -c 'import json,sys; a=sys.argv[1]; print([len(m["envelope"]["to"]) for m in json.load(sys.stdin) if m["to"] and m["to"][0]["address"]==a][0])' "$EVE")" 1

# --- role granted and revoked on the admin page ------------------------------
ADMIN=$(fresh_email admin)
account_create "$ADMIN" admin "Ada Notify-Admin"
browser ada
account_signin ada "$ADMIN"
MO=$(fresh_email mo)
browser mo
req mo GET /auth/signup
post mo /auth/signup "name=Mo Member" "email=$MO" "password=$TK_PASSWORD" "csrf_token=$(csrf)"
check_status "a member signs up" 303
MO_ID=$(user_id "$MO")
check "notify's users replica holds the member" wait_for 20 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_notify.users_replica WHERE id = '"'$MO_ID'"'")" = 1 ]'
check_eq "... with the address auth's user.created carries" "$MO" \
	"$(sql "SELECT email FROM ticketing_notify.users_replica WHERE id = '$MO_ID'")"
check "the sign-up's verification mail arrives" wait_for 20 eval '[ "$(mail_count "$MO")" = 1 ]'
req ada GET "/auth/admin/users?q=$MO"
post ada "/auth/admin/users/$MO_ID/role" "role=organizer" "csrf_token=$(csrf)"
check_status "the admin makes the member organizer" 303
check "one role mail arrives" wait_for 20 eval '[ "$(mail_count "$MO")" = 2 ]'
mail_source "$MO" >"$TK_TMP/mo.eml"
check "it says the role granted" \
	same "$(mail_header "$TK_TMP/mo.eml" Subject)" "You are now organizer on Ticketing"
check "what the role opens" grep -qF "create venues and events" <(mail_part "$TK_TMP/mo.eml" plain)
check "with a link to the account" \
	grep -qF "$BASE/auth/account" <(mail_part "$TK_TMP/mo.eml" plain)
req ada GET "/auth/admin/users?q=$MO"
post ada "/auth/admin/users/$MO_ID/role" "role=member" "csrf_token=$(csrf)"
check_status "the admin takes the role back" 303
check "a second role mail arrives" wait_for 20 eval '[ "$(mail_count "$MO")" = 3 ]'
mail_source "$MO" >"$TK_TMP/mo2.eml"
check "it says the role revoked" \
	same "$(mail_header "$TK_TMP/mo2.eml" Subject)" "Your Ticketing account is now member"
sleep 1
check "and no more than these two" same "$(mail_count "$MO")" 3

# --- a recipient refused with 5xx ---------------------------------------------
REFUSER_PORT=$(($(sed -n 's/^MAIL_WEB_PORT=//p' "$TK_TEST_RUN_DIR/stack.env") + 1))
python3 "$(dirname "$0")/smtp_refuser.py" "$REFUSER_PORT" "$TK_TMP/refuser.log" &
REFUSER_PID=$!
at_exit "kill $REFUSER_PID 2>/dev/null"
check "the refusing SMTP server listens" wait_for 10 port_open "$REFUSER_PORT"
sed "s|^smtp_url = .*|smtp_url = smtp://127.0.0.1:$REFUSER_PORT|" "$NOTIFY_CONF" \
	>"$TK_TMP/notify-refuser.conf"
stand_in "$PROG" "$TK_TMP/notify-refuser.conf" workers/notify/ticketing-notify
REFUSED="refused-$$-$RANDOM@example.com"
play_token verify_email "$REFUSED" "Ray Refused" "$(new_token)"
REFUSED_EV=$EV
TAKEN=$(fresh_email taken)
play_token verify_email "$TAKEN" "Tess Taken" "$(new_token)"
TAKEN_EV=$EV
check "the refused mail is recorded failed after one attempt" \
	wait_for 20 eval '[ "$(mail_state "$REFUSED_EV")" = "failed 1" ]'
check "with the server's answer" has "$(sql "SELECT last_error FROM ticketing_notify.mails
	WHERE event_id = '$REFUSED_EV'")" "550"
check "the other mail of that server is sent" \
	wait_for 20 eval '[ "$(mail_state "$TAKEN_EV")" = "sent 1" ]'
sleep 6 # longer than mail_retry_max_seconds of the test stack
check "the refused recipient was asked for once, never again" \
	same "$(grep -c " $REFUSED\$" "$TK_TMP/refuser.log")" 1
check "and is still failed" same "$(mail_state "$REFUSED_EV")" "failed 1"
stand_in_end
STAND_IN_SERVICE=
check "the stack's notify worker runs again" wait_for 10 running "$PROG"

# --- the catcher down for a while ---------------------------------------------
ctl stop mailcatcher >/dev/null
DOWN=()
for i in 1 2 3; do
	DOWN+=("$(fresh_email down$i)")
	play_token verify_email "${DOWN[$((i - 1))]}" "Dot Down $i" "$(new_token)"
done
LAST_DOWN=$EV
check "with the catcher down the mails wait, attempted" wait_for 20 eval \
	'[ "$(sql "SELECT COUNT(*) FROM ticketing_notify.mails WHERE state = '"'queued'"'
		AND attempts > 0")" -gt 0 ]'
sleep 3
check "none failed" \
	same "$(sql "SELECT COUNT(*) FROM ticketing_notify.mails WHERE event_id = '$LAST_DOWN'
		AND state = 'queued'")" 1
ctl start mailcatcher >/dev/null
check "the catcher is back" wait_for 20 port_open "$(sed -n 's/^MAIL_SMTP_PORT=//p' \
	"$TK_TEST_RUN_DIR/stack.env")"
for a in "${DOWN[@]}"; do
	check "the waiting mail to $a arrives" wait_for 30 eval '[ "$(mail_count "'"$a"'")" = 1 ]'
done
sleep 2
for a in "${DOWN[@]}"; do
	check "once ($a)" same "$(mail_count "$a")" 1
done

# --- kill -9 of the worker while mails are queued ----------------------------
ctl stop mailcatcher >/dev/null
KILLED=()
for i in 1 2 3; do
	KILLED+=("$(fresh_email killed$i)")
	play_token reset_password "${KILLED[$((i - 1))]}" "Kim Killed $i" "$(new_token)"
done
check "kill -9 of the notify worker (restarted)" kill9 "$PROG"
ctl start mailcatcher >/dev/null
for a in "${KILLED[@]}"; do
	check "the queued mail to $a arrives after the kill" \
		wait_for 30 eval '[ "$(mail_count "'"$a"'")" = 1 ]'
done
sleep 2
for a in "${KILLED[@]}"; do
	check "once ($a)" same "$(mail_count "$a")" 1
done

# --- a crash between the server's acceptance and the record --------------------
ctl stop "$PROG" >/dev/null
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$NOTIFY" --config "$NOTIFY_CONF" \
	--kill-after-send 1 >>"$TK_TMP/notify-kill.log" 2>&1 &
KPID=$!
at_exit "kill $KPID 2>/dev/null; ctl start $PROG >/dev/null 2>&1"
CRASH=$(fresh_email crash)
play_token verify_email "$CRASH" "Cy Crash" "$(new_token)"
CRASH_EV=$EV
check "the worker kills itself after the server accepted the mail" \
	wait_for 20 eval '! kill -0 $KPID 2>/dev/null'
check "the mail was caught once" wait_for 10 eval '[ "$(mail_count "$CRASH")" = 1 ]'
check "its row is still queued (the record never happened)" \
	same "$(mail_state "$CRASH_EV")" "queued 0"
ctl start "$PROG" >/dev/null
check "after the restart the mail is recorded sent" \
	wait_for 20 eval '[ "$(mail_state "$CRASH_EV")" = "sent 1" ]'
check "it arrived twice: the one documented duplicate" same "$(mail_count "$CRASH")" 2
mail_source "$CRASH" 0 >"$TK_TMP/crash1.eml"
mail_source "$CRASH" 1 >"$TK_TMP/crash2.eml"
check "both with the same Message-ID" \
	same "$(mail_header "$TK_TMP/crash1.eml" Message-ID)" \
	"$(mail_header "$TK_TMP/crash2.eml" Message-ID)"
sleep 2
check "and no third" same "$(mail_count "$CRASH")" 2

# --- the consistency checker ---------------------------------------------------
check "ticketingctl check passes (notify's users replica included)" checker
# Its negative control, for each replica of the worker: a column of one row
# changed in notify's copy alone.
# replica_control TABLE COLUMN: change COLUMN of one row of TABLE in
# ticketing_notify, check the checker names it, put it back.
replica_control() {
	local id old
	id=$(sql "SELECT id FROM ticketing_notify.$1 ORDER BY id LIMIT 1")
	check "notify's $1 has rows" [ -n "$id" ]
	old=$(sql "SELECT $2 FROM ticketing_notify.$1 WHERE id = '$id'")
	sql "UPDATE ticketing_notify.$1 SET $2 = 'Tampered' WHERE id = '$id'"
	rc=0
	check_once || rc=$?
	check_eq "$2 changed in notify's $1: the checker exits 1" 1 "$rc"
	check "and names the row" grep -q "$1: $id differs" "$TK_TMP/check.out"
	[ "$rc" = 1 ] || sed 's/^/   | /' "$TK_TMP/check.out"
	sql "UPDATE ticketing_notify.$1 SET $2 = $(sql_quote "$old") WHERE id = '$id'"
	# Once the backbone is quiet (live events otherwise show as unsent),
	# with the checker's report in the log.
	check "repaired, the checker passes" checker
}
replica_control users_replica name
replica_control events_replica name
replica_control venues_replica city
replica_control listings_replica seat

finish
