#!/usr/bin/env bash
# The nudge after a commit never holds up the answer. A service's first
# nudge connects to NATS; here NATS is a listening socket that accepts the
# connection and never says a word, so that connect can only end in its
# timeout. The auth service runs (in place of the stack's own, on the same
# socket, so nginx reaches it) with nats_url pointing there, and a sign-up
# (a commit with an event, then the nudge) must be answered while that
# first connect is still waiting: at the answer, the listener must not
# have seen any connection given up. No time bound is asserted, only that
# order; the controls show that the connect did block until its timeout.
# python3, which supervisor needs, listens.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

CONF=$TK_TMP/auth.conf

# The silent NATS: a port of its own, printed once it listens. It accepts
# and never writes. Asked (a line ID on its ask fifo), it writes into the
# file answer.ID how many connections it accepted and how many of those
# the client has closed by now, as the kernel sees them at that moment (a
# closed one reads as end of file or a reset), so the reply does not
# depend on how soon the listener happened to look.
mkfifo "$TK_TMP/port" "$TK_TMP/ask"
python3 -c '
import os, select, socket, sys
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
print(srv.getsockname()[1], flush=True)
ask = os.open(os.path.join(sys.argv[1], "ask"), os.O_RDWR)
held = []
def gone(c):
    try:
        return c.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
while True:
    ready, _, _ = select.select([srv, ask], [], [])
    if srv in ready:
        held.append(srv.accept()[0])
    if ask in ready:
        for q in os.read(ask, 4096).split():
            path = os.path.join(sys.argv[1], "answer." + q.decode())
            with open(path + ".tmp", "w") as out:
                out.write("%d %d\n" % (len(held), sum(gone(c) for c in held)))
            os.rename(path + ".tmp", path)
' "$TK_TMP" >"$TK_TMP/port" &
LISTENER=$!
at_exit "kill $LISTENER 2>/dev/null"
read -r PORT_SILENT <"$TK_TMP/port"

# connects: "ACCEPTED GIVEN_UP": the connections the silent port took, and
# how many of them the client has closed by now.
connects() {
	local id=$BASHPID.$RANDOM
	echo "$id" >"$TK_TMP/ask"
	wait_for 5 test -e "$TK_TMP/answer.$id" && cat "$TK_TMP/answer.$id"
	rm -f "$TK_TMP/answer.$id"
}

sed -e "s|^nats_url *=.*|nats_url = nats://127.0.0.1:$PORT_SILENT|" \
	"$TK_TEST_RUN_DIR/conf/auth.conf" >"$CONF"
check "the test configuration points at the silent port" \
	grep -q "^nats_url = nats://127.0.0.1:$PORT_SILENT\$" "$CONF"

# signup_form NAME: browser NAME gets the sign-up form within 3 s.
signup_form() {
	req "$1" GET /auth/signup --max-time 3
	[ "$STATUS" = 200 ]
}

stand_in auth "$CONF"
browser nina
check "the test instance answers through nginx" wait_for 15 signup_form nina
check_eq "no connection to the silent port before the first commit" "0 0" "$(connects)"

post nina /auth/signup "name=Nina Nudge" "email=$(fresh_email nudge)" \
	"password=correct-horse-battery-1" "csrf_token=$(csrf)"
read -r accepted given_up < <(connects)
check_status "the sign-up is answered (303)" 303
echo "   at the answer the silent NATS had $accepted connection(s), $given_up given up"
check_eq "at the answer no connect to NATS had given up yet" 0 "$given_up"
# The controls: the nudge did connect there, and that connect waited
# until its own timeout, after the answer.
check "the nudge's connect reaches the silent port" \
	wait_for 10 eval 'read -r accepted given_up < <(connects); [ "$accepted" -ge 1 ]'
check "the pending connect gives up by itself, later" \
	wait_for 15 eval 'read -r accepted given_up < <(connects); [ "$given_up" -ge 1 ]'

stand_in_end
check "the stack's auth service is back" wait_for 15 signup_form -
finish
