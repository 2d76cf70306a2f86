#!/usr/bin/env bash
# Least privilege between the processes of the stack
# (docs/DECISIONS.md "Least privilege between processes").
# (a) FastCGI sockets: mode 0660 with the web server's group, so a local
#     user outside that group (nobody) cannot connect to a service and
#     forge REMOTE_ADDR or HTTPS; the web server's user can.
# Each refusal is paired with a connection that succeeds the same way, so
# a refusal for another reason (a wrong path) would fail the test.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

RUN=$TK_TEST_RUN_DIR
SOCK_BASE=$(sed -n 's/^SOCK_BASE=//p' "$RUN/stack.env")
SOCK_DIR=$SOCK_BASE/sock
WEB_USER=www-data

# connects AS SOCKET: user AS opens a connection to the unix socket SOCKET
# (curl speaks HTTP to a FastCGI service, which then fails in other ways:
# only exit status 7, "could not connect", means refused).
connects() {
	local rc=0
	runuser -u "$1" -- curl -s -m 5 -o /dev/null --unix-socket "$2" http://fcgi/ \
		2>/dev/null || rc=$?
	[ "$rc" != 7 ]
}

# --- (a) FastCGI sockets ----------------------------------------------------

if [ "$(id -u)" != 0 ]; then
	echo "not root: the socket checks need runuser (skipped)"
else
	for sock in "$SOCK_DIR"/*.sock; do
		name=$(basename "$sock")
		check_eq "(a) $name has mode 660" 660 "$(stat -c %a "$sock")"
		check_eq "(a) $name belongs to the web server's group" "$WEB_USER" \
			"$(stat -c %G "$sock")"
		check "(a) root connects to $name" connects root "$sock"
		check "(a) the web server's user connects to $name" connects "$WEB_USER" "$sock"
		check "(a) nobody cannot connect to $name" eval '! connects nobody "$sock"'
	done
	check "(a) the site still answers through nginx" \
		curl -sf --noproxy '*' -o /dev/null "$BASE/auth/signin"
fi

finish
