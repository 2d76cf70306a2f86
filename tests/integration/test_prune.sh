#!/usr/bin/env bash
# The relay's pruning of the shared tables (lib/prune.h): idempotency keys
# older than idempotency_retention_seconds (a day in the test stack) and
# sent outbox rows older than outbox_retention_seconds (a week) go, younger
# ones stay, and one pass deletes at most PRUNE_MAX_BATCHES batches of
# PRUNE_BATCH rows per table (10 × 1,000): a backlog waits for the next
# pass. Rows are aged in SQL; the relay prunes once when it starts, so the
# test restarts it instead of waiting for its minute (a fault test: it
# stops auth's relay for a moment). Auth's database holds both tables, as
# every emitting service's does.
# shellcheck disable=SC2317 # predicates below run through check
. "$(dirname "$0")/lib.sh"

DB=ticketing_auth
LOG=$TK_TEST_RUN_DIR/logs/relay-auth-output.log
# A made-up actor, so only this run's rows are counted.
ACTOR=prune-$$-$RANDOM-00000000000000000000
ACTOR=${ACTOR:0:36}
DAY=86400

# keys AGE_SECONDS N: N keys of ACTOR used AGE_SECONDS ago.
keys() {
	sql "INSERT INTO $DB.idempotency_keys (actor_id, form, idem_key, result_id, created_at)
		SELECT '$ACTOR', 'prune$1', LPAD(HEX(seq), 32, '0'), 'x',
			NOW(6) - INTERVAL $1 SECOND FROM $DB.seq_1_to_$2"
}
# count_keys AGE_SECONDS: ACTOR's keys inserted with that age.
count_keys() {
	sql "SELECT COUNT(*) FROM $DB.idempotency_keys WHERE actor_id = '$ACTOR' AND form = 'prune$1'"
}
# restart_relay: auth's relay starts again and prunes once at start;
# wait until its pass has logged the keys it deleted (lines after FROM).
restart_relay() {
	from=$(($(wc -l <"$LOG") + 1))
	ctl restart relay-auth >/dev/null
}
pruned() { tail -n "+$from" "$LOG" | grep -q "prune: $1 rows of idempotency_keys"; }

at_exit 'ctl start relay-auth >/dev/null 2>&1'
OLD=$((DAY + 600))
YOUNG=$((DAY - 600))

# Two sign-ups, so auth's outbox has at least two sent rows; then its
# oldest sent row is aged past the week (the relay prunes oldest first,
# which the checker allows for), and the one sent after it stays.
signup_quick pruna
signup_quick prunb
check "the sign-ups' events are sent" wait_for 30 quiet
read -r AGED NEXT < <(sql "SELECT id FROM $DB.outbox WHERE sent_at IS NOT NULL
	ORDER BY id LIMIT 2" | tr '\n' ' ')
check "auth has two sent outbox rows" [ -n "${NEXT:-}" ]
# The running relay prunes every minute: it is stopped before any row is
# aged, so its first pass after the start below is the one measured.
ctl stop relay-auth >/dev/null
sql "UPDATE $DB.outbox SET sent_at = NOW(6) - INTERVAL 8 DAY WHERE id = $AGED"
keys "$OLD" 12000
keys "$YOUNG" 3
keys 0 2
check_eq "12,000 keys a day and 10 minutes old are in place" 12000 "$(count_keys "$OLD")"

restart_relay
check "the relay's first pass deletes 10,000 keys (the bound of one pass)" \
	wait_for 30 pruned 10000
check_eq "... leaving 2,000 old keys for the next pass" 2000 "$(count_keys "$OLD")"
check_eq "keys 10 minutes short of a day stay" 3 "$(count_keys "$YOUNG")"
check_eq "new keys stay" 2 "$(count_keys 0)"
check_eq "the sent outbox row aged past the week is gone" 0 \
	"$(sql "SELECT COUNT(*) FROM $DB.outbox WHERE id = $AGED")"
check_eq "the one sent after it stays" 1 \
	"$(sql "SELECT COUNT(*) FROM $DB.outbox WHERE id = $NEXT")"

restart_relay
check "the next pass deletes the other 2,000" wait_for 30 pruned 2000
check_eq "... and no old key is left" 0 "$(count_keys "$OLD")"
check_eq "... while the young ones stay" 5 "$(($(count_keys "$YOUNG") + $(count_keys 0)))"

sql "DELETE FROM $DB.idempotency_keys WHERE actor_id = '$ACTOR'"
check "the relay runs" wait_for 10 running relay-auth
finish
