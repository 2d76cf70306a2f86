/*
 * ticketing-expiry: ends reservations whose deadline passed. It keeps a
 * durable schedule in the orders database (expiry_schedule, one row per
 * open reservation) and emits expiration.complete into the orders outbox
 * when a deadline passes; the orders service, applying that event, cancels
 * the order if it is still awaiting payment (docs/MARKETPLACE.md, rule 5).
 * Why a table rather than JetStream's NakWithDelay: docs/DECISIONS.md
 * ("Expiry: a schedule in MariaDB").
 *
 * A worker of the shell (lib/worker.h) with both a consumer and a loop:
 *   - the orders-expiry consumer (ticketing.order.created) inserts the
 *     order's schedule row inside the shell's transaction with the event's
 *     processed_events record (WORKER_TX), so each order is scheduled
 *     exactly once whatever dies when;
 *   - the loop, on the main thread, takes the due rows (FOR UPDATE SKIP
 *     LOCKED, so several expiry workers share the work) in batches and,
 *     per batch in one transaction, deletes them and appends one
 *     expiration.complete each (aggregate "expiration", id = the order's
 *     id, version 1; data: order_id, expires_at). A crash before the
 *     commit leaves the rows due for the next run; after it, the rows are
 *     gone and the events are in the outbox, which the orders relay
 *     publishes exactly once. So an expiry is neither lost nor doubled.
 * The loop sleeps until the earliest deadline, at most MAX_SLEEP_MS (the
 * table is the truth: a deadline scheduled by another process is found
 * within that bound), and a consumer that schedules a deadline nearer
 * than the loop's wake-up wakes it. No timer per reservation: one indexed
 * query per wake-up, whatever the number pending.
 *
 * Usage: ticketing-expiry --config FILE [--kill-after-apply N]
 *        [--kill-after-expire N]
 * FILE is a configuration with the orders database account. Both kill
 * options are for fault tests: --kill-after-apply (the shell's) SIGKILLs
 * after the Nth scheduled order before its ack, --kill-after-expire after
 * the Nth expiration's batch committed, before the nudge and the next
 * batch.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "log.h"
#include "mq.h"
#include "outbox.h"
#include "worker.h"

/* Rows per transaction of the loop (ST_DUE's LIMIT). */
#define BATCH 200
/* The longest sleep of the loop: the lateness bound for a deadline it
 * was not told about. */
#define MAX_SLEEP_MS 1000

enum stmt { ST_SCHEDULE = WORKER_ST__FIRST, ST_DUE, ST_UNSCHEDULE, ST_NEXT, ST_OUTBOX, ST__MAX };

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    /* The same order scheduled again (another event for it) keeps one
     * row, with the latest deadline given. */
    [ST_SCHEDULE] = "INSERT INTO expiry_schedule (order_id, expires_at) "
		    "VALUES (?, STR_TO_DATE(?, '%Y-%m-%dT%H:%i:%s.%fZ')) "
		    "ON DUPLICATE KEY UPDATE expires_at = VALUES(expires_at)",
    /* LIMIT is BATCH. */
    [ST_DUE] = "SELECT order_id, CONCAT(LEFT(DATE_FORMAT(expires_at, "
	       "'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z') FROM expiry_schedule "
	       "WHERE expires_at <= UTC_TIMESTAMP(3) ORDER BY expires_at, order_id "
	       "LIMIT 200 FOR UPDATE SKIP LOCKED",
    [ST_UNSCHEDULE] = "DELETE FROM expiry_schedule WHERE order_id = ?",
    /* Milliseconds until the earliest deadline; NULL when none. */
    [ST_NEXT] = "SELECT TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), MIN(expires_at)) DIV 1000 "
		"FROM expiry_schedule",
    [ST_OUTBOX] = OUTBOX_INSERT_SQL,
};

/* The loop's next wake-up (milliseconds since 1970), for the consumer
 * threads to compare a new deadline with, and the earliest deadline they
 * scheduled before it since the loop last looked (INT64_MAX: none). */
static int64_t wake_at = INT64_MAX;
static int64_t nearer = INT64_MAX;

static long kill_after_expire; /* --kill-after-expire; 0: never */
static long expired;           /* expirations committed by this process */

static int64_t
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* str: data.key when it is a string, else NULL. */
static const char *
str(const struct envelope *ev, const char *key)
{
	return json_string_value(json_object_get(ev->data, key));
}

/*
 * h_order_created: schedule the order of an order.created at its
 * expires_at (in the shell's transaction). An event whose data has no
 * order id equal to its aggregate id or no valid expires_at is refused
 * (dead letter).
 */
static struct worker_verdict
h_order_created(struct worker_job *job)
{
	const char *id = str(job->ev, "id"), *expires_at = str(job->ev, "expires_at");
	int64_t due, planned;
	int rc = TK_EINVAL;

	if (id == NULL || strcmp(id, job->ev->aggregate_id) != 0 || strlen(id) > 36 ||
	    event_time_ms(expires_at, &due) != TK_OK)
		goto out;
	rc = db_exec(job->db, ST_SCHEDULE, (struct db_val[]){DB_S(id), DB_S(expires_at)}, 2, NULL,
		     NULL);
	if (rc != TK_OK)
		goto out;
	/* Nearer than the loop's wake-up: bring it forward. The row is not
	 * committed yet, so the loop may not see it when woken: it takes the
	 * earlier of nearer and the table's first deadline. */
	if (due >= __atomic_load_n(&wake_at, __ATOMIC_SEQ_CST))
		goto out;
	planned = __atomic_load_n(&nearer, __ATOMIC_SEQ_CST);
	while (due < planned && !__atomic_compare_exchange_n(&nearer, &planned, due, 0,
							     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	worker_wake();
out:
	return worker_verdict_of(rc, job->delivered);
}

/*
 * expire_batch: in one transaction, take up to BATCH due rows, append an
 * expiration.complete for each and delete them. *n gets the number
 * expired (0 when the transaction failed). TK_OK or a db.h error (nothing
 * changed then).
 */
static int
expire_batch(struct db *db, struct arena *a, int *n)
{
	struct db_rows rows;
	json_t *data = NULL;
	size_t i;
	int rc, open = 0;

	*n = 0;
	arena_reset(a);
	rc = db_begin(db);
	if (rc != TK_OK)
		goto out;
	open = 1;
	rc = db_exec(db, ST_DUE, NULL, 0, a, &rows);
	for (i = 0; rc == TK_OK && i < rows.nrows; i++) {
		const char *id = db_str(&rows, i, 0);

		data = json_pack("{s:s, s:s}", "order_id", id, "expires_at", db_str(&rows, i, 1));
		rc = data != NULL ? outbox_append(db, ST_OUTBOX, "expiration.complete",
						  "expiration", id, 1, data)
				  : TK_EINTERNAL;
		json_decref(data);
		if (rc == TK_OK)
			rc = db_exec(db, ST_UNSCHEDULE, (struct db_val[]){DB_S(id)}, 1, NULL, NULL);
	}
	if (rc != TK_OK)
		goto out;
	rc = db_commit(db);
	open = rc != TK_OK;
	if (rc == TK_OK)
		*n = (int)rows.nrows;
out:
	if (open)
		db_rollback(db);
	return rc;
}

/* next_sleep: how long the loop may sleep now: until the earliest
 * deadline of the table or of nearer, at most MAX_SLEEP_MS; sets wake_at
 * to the moment chosen. */
static long
next_sleep(struct db *db, struct arena *a)
{
	struct db_rows rows;
	int64_t now = now_ms(), until = now + MAX_SLEEP_MS, hinted;

	arena_reset(a);
	if (db_exec(db, ST_NEXT, NULL, 0, a, &rows) == TK_OK && rows.nrows == 1 &&
	    db_cell(&rows, 0, 0)->type != DB_NULL && now + db_int(&rows, 0, 0) < until)
		until = now + db_int(&rows, 0, 0);
	/* A hint given since the last look, possibly not committed yet when
	 * the table was read. */
	hinted = __atomic_exchange_n(&nearer, INT64_MAX, __ATOMIC_SEQ_CST);
	if (hinted < until)
		until = hinted;
	__atomic_store_n(&wake_at, until, __ATOMIC_SEQ_CST);
	return until > now ? (long)(until - now) : 0;
}

/* expire: the loop (the worker's run function). */
static int
expire(struct worker_ctx *w)
{
	struct arena *a = arena_new();
	struct worker_backoff b = {0};
	int rc, n, failing = TK_OK;
	long total = 0, sleep_ms;

	log_info("expiry: expiring reservations of %s", w->service);
	while (!worker_stopping()) {
		rc = expire_batch(w->db, a, &n);
		if (rc != TK_OK) {
			if (failing != rc)
				log_warn("expiry: MariaDB: %s; backing off", err_str(rc));
			failing = rc;
			worker_wait(worker_backoff_next(&b), 0);
			continue;
		}
		if (failing != TK_OK)
			log_info("expiry: recovered; %ld reservations expired so far", total);
		failing = TK_OK;
		worker_backoff_reset(&b);
		if (n > 0) {
			total += n;
			expired += n;
			if (kill_after_expire > 0 && expired >= kill_after_expire) {
				log_warn("expiry: %ld expired; killing myself before the nudge "
					 "(--kill-after-expire %ld)",
					 expired, kill_after_expire);
				raise(SIGKILL);
			}
			mq_nudge_outbox();
		}
		if (n == BATCH)
			continue;
		sleep_ms = next_sleep(w->db, a);
		if (sleep_ms > 0)
			worker_wait(sleep_ms, 1);
	}
	log_info("expiry: stopping; %ld reservations expired", total);
	arena_free(a);
	return TK_OK;
}

static int
set_kill_after_expire(const char *arg)
{
	char *end;

	kill_after_expire = strtol(arg, &end, 10);
	return *arg != '\0' && *end == '\0' && kill_after_expire > 0 ? TK_OK : TK_EINVAL;
}

static const struct worker_option options[] = {
    {"kill-after-expire", 1, "[--kill-after-expire N]", set_kill_after_expire},
};

static const struct worker_consumer consumers[] = {
    {"orders-expiry", h_order_created, WORKER_TX},
};

static const struct worker_def expiry_def = {
    .name = "expiry",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
    .run = expire,
    .options = options,
    .noptions = sizeof(options) / sizeof(options[0]),
    /* The loop's SKIP LOCKED claims, as the relay's. */
    .isolation = DB_READ_COMMITTED,
};

int
main(int argc, char **argv)
{
	return worker_main(argc, argv, &expiry_def);
}
