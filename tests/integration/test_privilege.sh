#!/usr/bin/env bash
# Least privilege between the processes of the stack
# (docs/DECISIONS.md "Least privilege between processes").
# (a) FastCGI sockets: mode 0660 with the web server's group, so a local
#     user outside that group (nobody) cannot connect to a service and
#     forge REMOTE_ADDR or HTTPS; the web server's user can.
# (b) NATS: an anonymous connection is refused; each service and worker
#     has its own user that may publish and subscribe only to its own
#     subjects: no one but the administrator can forge session.revoked or
#     user.* events or delete the stream or a consumer.
# (c) MariaDB: a service's account reads and writes the rows of its own
#     database only: not another service's database, no DDL; the migration
#     account can change tables.
# Each refusal is paired with a connection that succeeds the same way, so
# a refusal for another reason (a wrong path) would fail the test.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

RUN=$TK_TEST_RUN_DIR
NATS_PORT=$(sed -n 's|^nats_url *= *nats://127.0.0.1:||p' "$ADMIN_CONF")
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
	# A checkout in a folder only root may search (under /root, or made by
	# mktemp -d): the users below could not reach the socket for that
	# reason alone, so they connect through a hard link in a searchable
	# folder instead. A link is the same inode, with the same mode and
	# group, so the checks still judge the socket's own permissions.
	REACH=$SOCK_DIR
	if ! runuser -u nobody -- test -x "$SOCK_DIR" 2>/dev/null; then
		REACH=$(mktemp -d /tmp/tk-reach.XXXXXX)
		chmod 755 "$REACH"
		at_exit "rm -rf '$REACH'"
		ln "$SOCK_DIR"/*.sock "$REACH"/
	fi
	for sock in "$SOCK_DIR"/*.sock; do
		name=$(basename "$sock")
		check_eq "(a) $name has mode 660" 660 "$(stat -c %a "$sock")"
		check_eq "(a) $name belongs to the web server's group" "$WEB_USER" \
			"$(stat -c %G "$sock")"
		check "(a) root connects to $name" connects root "$sock"
		check "(a) the web server's user connects to $name" connects "$WEB_USER" "$REACH/$name"
		check "(a) nobody cannot connect to $name" eval '! connects nobody "$REACH/$name"'
	done
	check "(a) the site still answers through nginx" \
		curl -sf --noproxy '*' -o /dev/null "$BASE/auth/signin"
fi

# --- (b) NATS users ----------------------------------------------------------

# nats_say, allowed, violation, hello: lib.sh, with NATS_PORT above.

check_eq "(b) the administrator's password is accepted" "+OK" \
	"$(hello admin "$(cat "$RUN/keys/nats-admin.password")")"
check_eq "(b) an anonymous connection is refused" "-ERR 'Authorization Violation'" "$(hello "" "")"
check_eq "(b) a wrong password is refused" "-ERR 'Authorization Violation'" \
	"$(hello admin wrong-password)"
check "(b) the administrator gets stream information" has "$(UNTIL=^MSG nats_say admin \
	'SUB _INBOX.tkpriv 1' "PUB \$JS.API.STREAM.INFO.TICKETING _INBOX.tkpriv 0" '')" \
	"MSG _INBOX.tkpriv 1"
check "(b) the events service nudges its own relay" \
	allowed events "PUB tk_nudge.outbox.ticketing_events 0" ""
check "(b) the events service cannot nudge auth's relay" \
	violation events "PUB tk_nudge.outbox.ticketing_auth 0" ""
for user in auth events relay-events replicator-events; do
	check "(b) $user cannot publish session.revoked" \
		violation "$user" "PUB ticketing.session.revoked 0" ""
	check "(b) $user cannot publish user.updated" \
		violation "$user" "PUB ticketing.user.updated 0" ""
done
check "(b) relay-auth cannot publish event.created" \
	violation relay-auth "PUB ticketing.event.created 0" ""
for user in auth events relay-auth relay-events replicator-events; do
	check "(b) $user cannot delete the stream" \
		violation "$user" "PUB \$JS.API.STREAM.DELETE.TICKETING 0" ""
	check "(b) $user cannot purge the stream" \
		violation "$user" "PUB \$JS.API.STREAM.PURGE.TICKETING 0" ""
	check "(b) $user cannot delete a consumer" \
		violation "$user" "PUB \$JS.API.CONSUMER.DELETE.TICKETING.events-sessions 0" ""
	check "(b) $user cannot create a consumer" \
		violation "$user" "PUB \$JS.API.CONSUMER.DURABLE.CREATE.TICKETING.tkpriv 0" ""
done
check "(b) the FastCGI service events subscribes to nothing" \
	violation events 'SUB ticketing.> 1'
check "(b) relay-auth cannot read the stream" \
	violation relay-auth 'SUB ticketing.> 1'
check "(b) relay-events may subscribe to its own inboxes" \
	allowed relay-events 'SUB _INBOX.relay-events.tkpriv 1'
for inbox in _INBOX.relay-auth.tkpriv _INBOX.replicator-events.tkpriv _INBOX.tkpriv '_INBOX.>'; do
	check "(b) relay-events cannot subscribe to another's inbox $inbox" \
		violation relay-events "SUB $inbox 1"
done
check "(b) replicator-events cannot subscribe to relay-events' inboxes" \
	violation replicator-events 'SUB _INBOX.relay-events.> 1'
check "(b) replicator-events cannot fetch from a consumer not its own" \
	violation replicator-events "PUB \$JS.API.CONSUMER.MSG.NEXT.TICKETING.other 0" ""
# The expiry worker consumes orders-expiry and writes its events into the
# orders outbox: it publishes nothing but its relay's nudge.
check "(b) expiry-orders fetches from its consumer" \
	allowed expiry-orders "PUB \$JS.API.CONSUMER.MSG.NEXT.TICKETING.orders-expiry _INBOX.tkpriv 0" ""
check "(b) expiry-orders nudges the orders relay" \
	allowed expiry-orders "PUB tk_nudge.outbox.ticketing_orders 0" ""
check "(b) expiry-orders cannot publish expiration.complete" \
	violation expiry-orders "PUB ticketing.expiration.complete 0" ""
check "(b) expiry-orders cannot fetch from a consumer not its own" \
	violation expiry-orders "PUB \$JS.API.CONSUMER.MSG.NEXT.TICKETING.events-users 0" ""
check "(b) expiry-orders cannot create a consumer" \
	violation expiry-orders "PUB \$JS.API.CONSUMER.DURABLE.CREATE.TICKETING.tkpriv 0" ""
check "(b) the stream and its consumers are still there" \
	eval '"$CTL" --config "$ADMIN_CONF" stream-status >/dev/null'

# --- (c) MariaDB accounts -----------------------------------------------------

# sql_as ACCOUNT KEYFILE QUERY: QUERY as ACCOUNT (password keys/KEYFILE);
# rows on stdout, the error on stderr.
sql_as() {
	MYSQL_PWD=$(cat "$RUN/keys/$2") mariadb --no-defaults -u"$1" \
		--socket="$TK_TEST_MARIADB_SOCKET" -N -B -e "$3"
}
EVA=(ticketing_events db-events.password)
AUA=(ticketing_auth db-auth.password)
MIG=(ticketing_migrate db-migrate.password)
SCRATCH=ticketing_events.tk_priv_scratch

sql "DROP TABLE IF EXISTS $SCRATCH; CREATE TABLE $SCRATCH (id INT PRIMARY KEY)"
check "(c) events reads its own database" \
	eval 'sql_as "${EVA[@]}" "SELECT COUNT(*) FROM ticketing_events.venues" >/dev/null'
check "(c) events writes rows of its own database" \
	sql_as "${EVA[@]}" "INSERT INTO $SCRATCH VALUES (1); DELETE FROM $SCRATCH"
check "(c) events cannot read the auth database" \
	eval '! sql_as "${EVA[@]}" "SELECT COUNT(*) FROM ticketing_auth.users" 2>/dev/null'
check "(c) events cannot write the auth database" \
	eval '! sql_as "${EVA[@]}" "DELETE FROM ticketing_auth.sessions WHERE 0" 2>/dev/null'
check "(c) auth cannot read the events database" \
	eval '! sql_as "${AUA[@]}" "SELECT COUNT(*) FROM ticketing_events.venues" 2>/dev/null'
check "(c) events cannot ALTER its own tables" \
	eval '! sql_as "${EVA[@]}" "ALTER TABLE $SCRATCH ADD COLUMN x INT" 2>/dev/null'
check "(c) events cannot DROP its own tables" \
	eval '! sql_as "${EVA[@]}" "DROP TABLE $SCRATCH" 2>/dev/null'
check "(c) events cannot CREATE tables" \
	eval '! sql_as "${EVA[@]}" "CREATE TABLE ticketing_events.tk_priv_new (id INT)" 2>/dev/null'
check "(c) events cannot read the server's accounts" \
	eval '! sql_as "${EVA[@]}" "SELECT COUNT(*) FROM mysql.user" 2>/dev/null'
check "(c) the migration account can ALTER a table" \
	sql_as "${MIG[@]}" "ALTER TABLE $SCRATCH ADD COLUMN x INT"
check "(c) the migration account can DROP a table" \
	sql_as "${MIG[@]}" "DROP TABLE $SCRATCH"
check "(c) the migration account cannot read the server's accounts" \
	eval '! sql_as "${MIG[@]}" "SELECT COUNT(*) FROM mysql.user" 2>/dev/null'
sql "DROP TABLE IF EXISTS $SCRATCH; DROP TABLE IF EXISTS ticketing_events.tk_priv_new"

finish
