#!/usr/bin/env bash
# The restore drill (docs/deploy.md "Backups", docs/DECISIONS.md "Backups
# and restore"), on the stack's own databases and stream:
# (a) back up every service database, sign up after the backup, stop the
#     services and workers, wipe the databases, restore, rebuild the
#     stream from the outboxes (ticketingctl republish --rebuild), start
#     again: what was backed up is back, the later sign-up is gone
#     everywhere, and the checker passes. Before the rebuild the checker
#     fails: the stream holds the lost sign-up's events, which no outbox
#     has.
# (b) skew: the databases that copy auth's users backed up before a
#     sign-up, auth's after it; restored, the copies lack the user until
#     the rebuilt stream brings auth's user.created to them (the checker
#     fails before, passes after).
# (c) one copy restored alone after the stream was pruned: the events
#     service's database from before a sign-up; `republish auth` stores
#     auth's events again (the stream no longer holds them) and the
#     restored copy gets the user; a second republish finds every one in
#     the stream and publishes none.
# A restore onto databases that hold tables is refused without --force.
# The stack is whole again at the end (a fault test: it stops every
# service and worker, and deletes and makes the stream again).
# shellcheck disable=SC2317,SC2016 # predicates run through check, eval
. "$(dirname "$0")/lib.sh"

RUN=$TK_TEST_RUN_DIR
CONF=$ADMIN_CONF
DATABASES="auth events tickets orders payments notify sandbox"

# programs: the stack's services and workers (what a restore stops).
programs() {
	sed -n 's/^\[program:\(.*\)\]$/\1/p' "$RUN/supervisord.conf" |
		grep -vxE 'mariadb|nats|mailcatcher|nginx'
}
# shellcheck disable=SC2046 # one word per program
stop_programs() { ctl stop $(programs) >/dev/null; }
# start_programs: every service and worker started, each running.
start_programs() {
	local p
	# shellcheck disable=SC2046
	ctl start $(programs) >/dev/null || true
	for p in $(programs); do wait_for 20 running "$p" || return 1; done
}
at_exit start_programs

# counts [copies]: the rows of the tables of record, and with "copies"
# of auth's users' copies too, one "table count" a line.
counts() {
	local t
	for t in auth.users events.venues events.events tickets.listings orders.orders \
		payments.payments ${1:+events.users_replica tickets.users_replica \
		notify.users_replica}; do
		printf '%s %s\n' "$t" "$(sql "SELECT COUNT(*) FROM ticketing_$t")"
	done
}
# user_id EMAIL: the id of EMAIL's account in auth ("" when none).
# in_replica SERVICE ID: SERVICE's users_replica has user ID.
user_id() { sql "SELECT id FROM ticketing_auth.users WHERE email = $(sql_quote "$1")"; }
in_replica() {
	[ "$(sql "SELECT COUNT(*) FROM ticketing_$1.users_replica WHERE id = $(sql_quote "$2")")" = 1 ]
}
# wipe: every service database dropped and made again empty.
wipe() {
	local d
	for d in $DATABASES; do
		sql "DROP DATABASE ticketing_$d; CREATE DATABASE ticketing_$d CHARACTER SET utf8mb4" ||
			return 1
	done
}
ctl_admin() { "$CTL" --config "$CONF" "$@"; }
# stream_msgs: the messages the stream holds. sent_rows: the sent rows of
# every outbox.
stream_msgs() { ctl_admin stream-status | sed -n 's/^stream [^:]*: \([0-9]*\) messages.*/\1/p'; }
sent_rows() {
	local d n=0
	for d in auth events tickets orders payments; do
		n=$((n + $(sql "SELECT COUNT(*) FROM ticketing_$d.outbox WHERE sent_at IS NOT NULL")))
	done
	printf '%s' "$n"
}

T0=$SECONDS
check "the backbone is quiet before the backup" wait_for 60 quiet

# --- (a) back up, change, wipe, restore, rebuild ------------------------------

B1=$TK_TMP/backup-a
check "(a) backup of every database" ctl_admin backup --also "$RUN/keys" "$B1"
check_eq "(a) the manifest lists each database" 7 "$(grep -c '^dump ' "$B1/MANIFEST")"
check "(a) the manifest says it finished" grep -q '^finished ' "$B1/MANIFEST"
check "(a) the keys are in files.tar" eval 'tar -tf "$B1/files.tar" | grep -q "keys/session.key$"'
check_eq "(a) the dumps are the administrator's only" "" \
	"$(find "$B1" -type f -perm /077)"
BEFORE=$(counts copies)
RECORDS=$(counts)
echo "# rows at the backup:"
printf '%s\n' "$BEFORE" | sed 's/^/#   /'

signup_quick later
check_status "(a) a sign-up after the backup" 303
LATER=$(user_id "$SIGNUP_EMAIL")
check "(a) it reached the events service's copy" wait_for 20 in_replica events "$LATER"
check "(a) the backbone is quiet after it" wait_for 30 quiet

stop_programs
check "(a) the services and workers are stopped" eval '! running auth && ! running relay-auth'
ctl_admin restore "$B1" >"$TK_TMP/refused.out" 2>&1
check_eq "(a) restore onto databases that hold tables is refused" 1 $?
check "(a) it names them" grep -q 'ticketing_auth holds' "$TK_TMP/refused.out"
check "(a) and restored nothing" same "$LATER" "$(user_id "$SIGNUP_EMAIL")"

check "(a) the databases are wiped" wipe
check_eq "(a) auth's database is empty" 0 \
	"$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ticketing_auth'")"
check "(a) restore" ctl_admin restore "$B1"
check_eq "(a) every table counted has its rows of the backup" "$BEFORE" "$(counts copies)"
check_eq "(a) the later sign-up is not in auth" "" "$(user_id "$SIGNUP_EMAIL")"
check "(a) nor in the events service's copy" eval '! in_replica events "$LATER"'

# Not converged yet: the stream holds the later sign-up's events, in no
# outbox now.
check_once
check_eq "(a) before the rebuild the checker fails" 1 $?
check "(a) on the lost sign-up's events in the stream" grep -q 'is in no outbox' "$TK_TMP/check.out"

check "(a) republish --rebuild" eval 'ctl_admin republish --rebuild >"$TK_TMP/rebuild.out"'
sed "s/^/# /" "$TK_TMP/rebuild.out"
check "(a) it published auth's outbox" grep -qE '^auth: [1-9][0-9]* published' "$TK_TMP/rebuild.out"
check_eq "(a) the stream holds every sent outbox row, once" "$(sent_rows)" "$(stream_msgs)"
check "(a) the services and workers start again" start_programs
check "(a) the backbone is quiet after the rebuild" wait_for 180 quiet
check "(a) checker: converged" checker
check_eq "(a) the tables of record still have the rows of the backup" "$RECORDS" "$(counts)"
echo "# (a) took $((SECONDS - T0)) s"

# --- (b) skew: the copies backed up before a sign-up, auth after -------------

T1=$SECONDS
B2=$TK_TMP/backup-b-copies
B3=$TK_TMP/backup-b-auth
check "(b) backup of every database but auth's" \
	ctl_admin backup "$B2" events tickets orders payments notify sandbox
signup_quick skew
check_status "(b) a sign-up between the backups" 303
SKEW=$(user_id "$SIGNUP_EMAIL")
check "(b) the backbone is quiet after it" wait_for 30 quiet
check "(b) backup of auth's database" ctl_admin backup "$B3" auth
check_eq "(b) auth's manifest lists auth only" "auth" "$(awk '/^dump /{print $2}' "$B3/MANIFEST")"

stop_programs
check "(b) restore of the copies' databases" ctl_admin restore --force "$B2"
check "(b) restore of auth's" ctl_admin restore --force "$B3" auth
check "(b) auth has the user" same "$SKEW" "$(user_id "$SIGNUP_EMAIL")"
check "(b) the events service's copy lacks it" eval '! in_replica events "$SKEW"'
check_once
check_eq "(b) before the rebuild the checker fails" 1 $?
check "(b) naming the user the copies lack" grep -q "$SKEW" "$TK_TMP/check.out"

check "(b) republish --rebuild" eval 'ctl_admin republish --rebuild >"$TK_TMP/rebuild.out"'
check "(b) the services and workers start again" start_programs
check "(b) the user reaches the events service's copy" wait_for 60 in_replica events "$SKEW"
check "(b) and the tickets service's" wait_for 30 in_replica tickets "$SKEW"
check "(b) and the notifications worker's" wait_for 30 in_replica notify "$SKEW"
check "(b) the backbone is quiet after the rebuild" wait_for 180 quiet
echo "# (b) took $((SECONDS - T1)) s"

# --- (c) one copy restored alone, the stream pruned: republish auth ---------

T2=$SECONDS
B4=$TK_TMP/backup-c-events
check "(c) backup of the events service's database" ctl_admin backup "$B4" events
signup_quick alone
check_status "(c) a sign-up after it" 303
ALONE=$(user_id "$SIGNUP_EMAIL")
check "(c) it reached the events service's copy" wait_for 20 in_replica events "$ALONE"
check "(c) the backbone is quiet" wait_for 30 quiet
check "(c) prune-stream" eval 'ctl_admin prune-stream >/dev/null'
check_eq "(c) the stream is empty" 0 "$(stream_msgs)"
# JetStream drops an id it stored within its duplicate window (2 h) even
# when the message is gone: republish says so, stores nothing, and with
# the window shortened stores them a second later.
check "(c) republish auth within the duplicate window" eval \
	'ctl_admin republish auth >"$TK_TMP/republish.out"'
check "(c) the stream dropped every one as a duplicate" \
	grep -qE '^auth: 0 published, 0 in the stream already, [1-9][0-9]* dropped' \
	"$TK_TMP/republish.out"
check "(c) and it says what publishes them" grep -q -- '--rebuild publishes them' \
	"$TK_TMP/republish.out"
check_eq "(c) the stream is still empty" 0 "$(stream_msgs)"
at_exit 'ctl_admin setup-backbone >/dev/null'
check "(c) a duplicate window of 1 s" eval \
	'ctl_admin setup-backbone --duplicate-window 1 >/dev/null'
ctl stop events relay-events replicator-events >/dev/null
check "(c) restore of the events service's database alone" \
	ctl_admin restore --force "$B4" events
check "(c) its copy lacks the user" eval '! in_replica events "$ALONE"'
sleep 2
check "(c) republish auth" eval 'ctl_admin republish auth >"$TK_TMP/republish.out"'
sed "s/^/# /" "$TK_TMP/republish.out"
check "(c) it stored auth's events again" \
	grep -qE '^auth: [1-9][0-9]* published, 0 in the stream already, 0 dropped' \
	"$TK_TMP/republish.out"
check "(c) the services start again" start_programs
check "(c) the user reaches the restored copy" wait_for 30 in_replica events "$ALONE"
check "(c) a second republish" eval 'ctl_admin republish auth >"$TK_TMP/republish.out"'
check "(c) publishes nothing the stream holds" \
	grep -qE '^auth: 0 published, [1-9][0-9]* in the stream already' "$TK_TMP/republish.out"
check "(c) the stream's duplicate window back to its default" eval \
	'ctl_admin setup-backbone >/dev/null'
echo "# (c) took $((SECONDS - T2)) s"

finish
