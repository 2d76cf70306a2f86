#!/usr/bin/env bash
# The replica promotion drill (docs/deploy.md, "Promoting the replica") on
# a pair of MariaDB servers of the test's own, a and b (127.0.0.1 at the
# stack's PORT + 22 and + 23; datadirs, sockets and logs in the test's
# folder under TK_TEST_RUN_DIR), GTID replication from the primary to the
# replica, every server started read_only as production's configuration
# has it (promotion turns it off). promotion_writer writes through
# lib/db.c, as a service's request does, one transaction after the other,
# with db_host = a,b, and is never restarted:
#   A. writes go to a; b follows (MASTER_GTID_WAIT);
#   B. graceful switch-over while the writes go on: a read-only, b caught
#      up, a shut down, b promoted; the writes reach b, the ones during the
#      switch answer 503 (counted), none 500, none acknowledged is lost;
#   C. a restarted: it comes back read-only and takes no write, even from
#      a connection that looks at the list again (its link killed); a is
#      attached as b's replica and catches up; ticketingctl migrate on the
#      same list migrates b;
#   D. switch-over back without a restart: b made read-only while it stays
#      up, a promoted; the writer leaves b because its writes are refused
#      (1290), none lost, none 500;
#   E. semi-synchronous replication (the commit latency without and with
#      it, printed), then a crash: kill -9 of the primary a, b promoted
#      once it applied what it received; no acknowledged write is lost.
# shellcheck disable=SC2317 # predicates below run through check
TMPDIR=${TK_TEST_RUN_DIR:-${TMPDIR:-/tmp}}
. "$(dirname "$0")/lib.sh"

: "${TK_BUILDDIR:?TK_BUILDDIR must name the build tree}"
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
STACK_PORT=${BASE##*:}
declare -A PORT_OF=([a]=$((STACK_PORT + 22)) [b]=$((STACK_PORT + 23)))
declare -A PID_OF=()
check "the writer builds" mk tests/integration/promotion_writer
WRITER=$TK_BUILDDIR/tests/integration/promotion_writer
REPL_PW=repl-password-of-the-test

# --- the pair --------------------------------------------------------------

# my NAME SQL: SQL as root over NAME's socket, tab-separated, no headers.
my() { mariadb --no-defaults -uroot --socket="$TK_TMP/$1/my.sock" -N -B -e "$2"; }
up() { [ "$(my "$1" "SELECT 1" 2>/dev/null)" = 1 ]; }

# start NAME SERVER_ID: mariadbd for NAME with its configuration (made on
# the first start), read_only as every server starts.
start() {
	local n=$1 d=$TK_TMP/$1 user=
	[ "$(id -u)" = 0 ] && user="user = root"
	[ -f "$d/my.cnf" ] || cat >"$d/my.cnf" <<EOF
[mariadbd]
$user
datadir = $d/data
socket = $d/my.sock
pid-file = $d/mariadbd.pid
log-error = $d/mariadbd.err
bind-address = 127.0.0.1
port = ${PORT_OF[$n]}
skip-name-resolve
innodb-buffer-pool-size = 32M
server_id = $2
log_bin = $d/data/binlog
binlog_format = ROW
log_slave_updates = ON
gtid_strict_mode = ON
sync_binlog = 1
innodb_flush_log_at_trx_commit = 1
read_only = ON
EOF
	mariadbd --defaults-file="$d/my.cnf" 2>>"$d/mariadbd.out" &
	PID_OF[$n]=$!
	wait_for 60 up "$n"
}

# stop NAME: a graceful shutdown, waited for.
stop() {
	local pid=${PID_OF[$1]:-}
	[ -n "$pid" ] || return 0
	mariadb-admin --no-defaults -uroot --socket="$TK_TMP/$1/my.sock" shutdown >/dev/null 2>&1 ||
		kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	PID_OF[$1]=
}
at_exit "stop a; stop b"

# caught_up REPLICA PRIMARY: the replica applied everything the primary
# has written so far (0: yes, within 60 s).
caught_up() {
	local pos
	pos=$(my "$2" "SELECT @@gtid_binlog_pos")
	[ "$(my "$1" "SELECT MASTER_GTID_WAIT('$pos', 60)")" = 0 ]
}

# replicate REPLICA PRIMARY: REPLICA follows PRIMARY by GTID from where its
# own binlog ends (a new server: from the start).
replicate() {
	my "$1" "SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos;
		CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${PORT_OF[$2]},
		MASTER_USER = 'repl', MASTER_PASSWORD = '$REPL_PW', MASTER_USE_GTID = slave_pos;
		START SLAVE"
}

# promote NAME: the replica NAME becomes the primary.
promote() { my "$1" "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF"; }

mkdir -p "$TK_TMP/a" "$TK_TMP/b"
for n in a b; do
	"$SRCDIR/scripts/mariadb-init" "$TK_TMP/$n/data" >"$TK_TMP/$n/init.log" 2>&1 &
done
wait
check "server a starts" start a 1
check "server b starts" start b 2
check_eq "both start read-only" "1 1" "$(my a "SELECT @@read_only") $(my b "SELECT @@read_only")"

# a is the first primary: the accounts and the table, replicated to b.
my a "SET GLOBAL read_only = OFF;
	CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '$REPL_PW';
	GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
	CREATE USER 'writer'@'127.0.0.1' IDENTIFIED BY 'writer-password';
	GRANT SELECT, INSERT ON tk.* TO 'writer'@'127.0.0.1';
	GRANT SELECT, INSERT ON tk_lat.* TO 'writer'@'127.0.0.1';
	CREATE DATABASE tk; CREATE DATABASE tk_lat;
	CREATE TABLE tk.w (seq BIGINT PRIMARY KEY, port INT NOT NULL);
	CREATE TABLE tk_lat.w (seq BIGINT PRIMARY KEY, port INT NOT NULL)"
replicate b a
check "b replicates a" caught_up b a

# --- the writer --------------------------------------------------------------

# conf DATABASE HOSTS: the writer's configuration.
conf() {
	cat <<EOF
db_socket =
db_host = $2
db_user = writer
db_password = writer-password
db_name = $1
log_file = $TK_TMP/writer-$1.log
EOF
}
PAIR="127.0.0.1:${PORT_OF[a]}, 127.0.0.1:${PORT_OF[b]}"
conf tk "$PAIR" >"$TK_TMP/tk.conf"
conf tk_lat "$PAIR" >"$TK_TMP/tk_lat.conf"
conf tk_lat "127.0.0.1:${PORT_OF[a]}" >"$TK_TMP/tk_lat1.conf"

# latency CONF: 200 writes back to back into tk_lat ("200 commits, N us each").
latency() {
	my a "DELETE FROM tk_lat.w"
	"$WRITER" "$TK_TMP/$1" 200 | tail -n 1
}
questions() { my a "SHOW GLOBAL STATUS LIKE 'Questions'" | cut -f 2; }

# The host list costs one query per connection (@@global.read_only) and
# none per write: the server counts the statements of 200 writes with a
# and with the list a, b.
Q0=$(questions)
ONE=$(latency tk_lat1.conf)
Q1=$(questions)
LIST=$(latency tk_lat.conf)
Q2=$(questions)
echo "# statements of 200 writes: $((Q1 - Q0)) with one server ($ONE), $((Q2 - Q1)) with the list ($LIST)"
check_eq "the list costs one statement more per connection, none per write" 1 \
	$((Q2 - Q1 - (Q1 - Q0)))

W=$TK_TMP/writes
"$WRITER" "$TK_TMP/tk.conf" >"$W" 2>"$TK_TMP/writer.err" &
WRITER_PID=$!
at_exit "kill $WRITER_PID 2>/dev/null; wait $WRITER_PID 2>/dev/null"

lines() { wc -l <"$W"; }
# acked_on NAME FROM: writes after line FROM acknowledged by NAME.
acked_on() { tail -n +$(($2 + 1)) "$W" | awk -v p="${PORT_OF[$1]}" '$2 == 200 && $3 == p' | wc -l; }
# acks_reach NAME FROM N: N writes after line FROM were acknowledged by NAME.
acks_reach() { [ "$(acked_on "$1" "$2")" -ge "$3" ]; }
# status_count STATUS FROM TO: writes of lines FROM+1..TO answered STATUS.
status_count() { sed -n "$(($2 + 1)),$3p" "$W" | awk -v s="$1" '$2 == s' | wc -l; }
others() { sed -n "$(($1 + 1)),$2p" "$W" | awk '$2 != 200 && $2 != 503' | wc -l; }
# lost NAME: acknowledged writes NAME lacks (their numbers).
lost() {
	awk '$2 == 200 { print $1 }' "$W" | sort >"$TK_TMP/acked"
	my "$1" "SELECT seq FROM tk.w" | sort >"$TK_TMP/held"
	comm -23 "$TK_TMP/acked" "$TK_TMP/held" | tr '\n' ' '
}

# --- A. writes go to the primary, the replica follows ------------------------

check "A. writes are acknowledged by a" wait_for 60 acks_reach a 0 30
check "A. b follows a" caught_up b a
check_eq "A. b holds every acknowledged write" "" "$(lost b)"

# --- B. graceful switch-over while the writes go on --------------------------

FROM=$(lines)
my a "SET GLOBAL read_only = ON"
check "B. b caught up with a read-only a" caught_up b a
stop a
promote b
check "B. the writes reach b, promoted, without a restart" wait_for 60 acks_reach b "$FROM" 30
TO=$(lines)
N503=$(status_count 503 "$FROM" "$TO")
echo "# B. switch-over: $N503 writes answered 503 (try again), $(status_count 200 "$FROM" "$TO") acknowledged, over $((TO - FROM))"
check "B. the writes during the switch were refused with 503 ($N503)" [ "$N503" -gt 0 ]
check_eq "B. none answered anything else (500)" 0 "$(others "$FROM" "$TO")"
check_eq "B. b holds every acknowledged write" "" "$(lost b)"

# --- C. the old primary comes back read-only and takes no write --------------

FROM=$(lines)
check "C. a restarts" start a 1
check_eq "C. a came back read-only" 1 "$(my a "SELECT @@read_only")"
# The writer's link to b killed: its next connection looks at the list
# again, a first.
for id in $(my b "SELECT id FROM information_schema.PROCESSLIST WHERE user = 'writer'"); do
	my b "KILL CONNECTION $id" 2>/dev/null
done
check "C. the writer reconnected and writes on b" wait_for 60 acks_reach b "$FROM" 30
TO=$(lines)
check_eq "C. a acknowledged none of them" 0 "$(acked_on a "$FROM")"
check_eq "C. none answered 500" 0 "$(others "$FROM" "$TO")"
check_eq "C. a holds no row written since the switch" 0 \
	"$(my a "SELECT COUNT(*) FROM tk.w WHERE port = ${PORT_OF[a]} AND seq > $FROM")"
replicate a b
check "C. a, attached to b, catches up" caught_up a b
check_eq "C. a holds every acknowledged write" "" "$(lost a)"
# ticketingctl migrate on the same list (a read-only first): it migrates b.
my b "CREATE DATABASE ticketing_auth;
	CREATE USER 'migrator'@'127.0.0.1' IDENTIFIED BY 'migrator-password';
	GRANT ALL PRIVILEGES ON ticketing_auth.* TO 'migrator'@'127.0.0.1'"
cat >"$TK_TMP/admin.conf" <<EOF
db_socket =
db_host = $PAIR
db_user = migrator
db_password = migrator-password
sql_dir = $SRCDIR/sql
EOF
migrate() { "$TK_BUILDDIR/tools/ticketingctl" --config "$TK_TMP/admin.conf" migrate auth \
	>"$TK_TMP/migrate.out" 2>&1; }
check "C. ticketingctl migrate with the list" migrate
migrated() { my "$1" "SELECT COUNT(*) FROM ticketing_auth.schema_migrations WHERE module = 'auth'"; }
check "C. ... migrated b, the primary" [ "$(migrated b)" -gt 0 ]
check "C. ... and a has it by replication" caught_up a b
check_eq "C. ... the same migrations" "$(migrated b)" "$(migrated a)"

# --- D. switch-over back, b staying up ----------------------------------------

FROM=$(lines)
my b "SET GLOBAL read_only = ON"
check "D. a caught up with a read-only b" caught_up a b
promote a
replicate b a
check "D. the writes leave b, still up, for a" wait_for 60 acks_reach a "$FROM" 30
TO=$(lines)
echo "# D. switch-over in place: $(status_count 503 "$FROM" "$TO") writes answered 503"
check_eq "D. none answered 500" 0 "$(others "$FROM" "$TO")"
check "D. b follows a" caught_up b a
check_eq "D. a holds every acknowledged write" "" "$(lost a)"
check "D. the writer's log says why it left b" \
	grep -q "refuses writes; looking for a writable server" "$TK_TMP/writer-tk.log"

# --- E. semi-synchronous replication, then a crash of the primary -------------

ASYNC=$(latency tk_lat.conf)
my a "SET GLOBAL rpl_semi_sync_master_enabled = ON, rpl_semi_sync_master_timeout = 30000,
	rpl_semi_sync_master_wait_point = AFTER_SYNC"
my b "SET GLOBAL rpl_semi_sync_slave_enabled = ON; STOP SLAVE IO_THREAD; START SLAVE IO_THREAD"
semi_sync_on() {
	[ "$(my a "SHOW STATUS LIKE 'Rpl_semi_sync_master_clients'" | cut -f2)" = 1 ]
}
check "E. b acknowledges a's commits (semi-synchronous)" wait_for 30 semi_sync_on
SEMI=$(latency tk_lat.conf)
echo "# E. commit latency, asynchronous: $ASYNC; semi-synchronous: $SEMI"
FROM=$(lines)
check "E. writes are acknowledged by a" wait_for 60 acks_reach a "$FROM" 10
kill -9 "${PID_OF[a]}"
wait "${PID_OF[a]}" 2>/dev/null
PID_OF[a]=
CRASH=$(lines)
# b applies what it received before it is promoted.
IO_POS=$(my b "SHOW SLAVE STATUS\G" | sed -n 's/^ *Gtid_IO_Pos: //p')
check_eq "E. b applied what it received from a" 0 "$(my b "SELECT MASTER_GTID_WAIT('$IO_POS', 60)")"
promote b
check "E. the writes reach b, promoted" wait_for 60 acks_reach b "$CRASH" 10
TO=$(lines)
echo "# E. crash: $(status_count 503 "$FROM" "$TO") writes answered 503"
check_eq "E. none answered 500" 0 "$(others "$FROM" "$TO")"
check_eq "E. b holds every write acknowledged before the crash" "" "$(lost b)"

kill "$WRITER_PID"
wait "$WRITER_PID"
check "the writer stopped cleanly" [ $? = 0 ]
echo "# $(awk '$2 == 200' "$W" | wc -l) writes acknowledged, $(awk '$2 == 503' "$W" | wc -l) answered 503"
finish
