/*
 * ticketing-relay: the outbox relay of one service database. It publishes
 * the database's unsent outbox rows to JetStream in id order, each with
 * Nats-Msg-Id = event_id, and marks a row sent only after its PubAck, in
 * the transaction that locked it. A claimed batch is published at once
 * (asynchronously, lib/mq.h mq_publish_batch) and its PubAcks awaited
 * together, then the acknowledged rows are marked in one statement: one
 * round trip to JetStream and one to MariaDB per batch rather than per
 * row (docs/DECISIONS.md, "Backbone throughput"). Should one row of a
 * batch fail, the ones after it may still be stored; they are marked, the
 * failed one is published again later, which consumers, applying by
 * version, do not mind. Whatever dies when, a row is published
 * again until it is marked, and JetStream drops the repeat (duplicate
 * window, mq.h), so every committed event reaches the stream exactly once.
 *
 * Several relays on one database share the work: rows are claimed with
 * SELECT ... FOR UPDATE SKIP LOCKED under READ COMMITTED (the session
 * level of every connection the relay opens, worker_def.isolation), so a
 * relay never waits for another and never blocks the service's inserts.
 * (Two relays
 * may then publish neighbouring batches concurrently; consumers apply by
 * version, so cross-batch order does not matter to them.)
 *
 * Wake-ups: the service publishes a core-NATS nudge on
 * MQ_NUDGE_PREFIX<db_name> after each commit that wrote events; the relay
 * also polls every POLL_MS in case a nudge was lost (NATS down, or a
 * writer without a connection such as ticketingctl). While NATS or MariaDB
 * is down it backs off (the shell's policy, lib/worker.h) and catches up
 * afterwards. Every PRUNE_EVERY_S (and once at start) it deletes the old
 * rows of the database's shared tables (lib/prune.h): sent outbox rows
 * older than outbox_retention_seconds, idempotency keys older than
 * idempotency_retention_seconds.
 *
 * A loop worker of the shell (lib/worker.h): options, configuration,
 * signals and the wait for NATS and the stream are the shell's.
 * Usage: ticketing-relay --config FILE [--kill-after-publish N]
 * FILE is the service's own configuration (db_*, nats_url,
 * outbox_retention_seconds, idempotency_retention_seconds). Stops cleanly
 * on SIGTERM or SIGINT after the batch in hand. --kill-after-publish is for
 * fault tests: the process SIGKILLs itself right after the Nth PubAck,
 * before marking that row sent (the worst moment to die).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "mq.h"
#include "prune.h"
#include "worker.h"

#define BATCH 100
#define POLL_MS 500
#define PUBLISH_TIMEOUT_MS 2000
#define PRUNE_EVERY_S 60

enum stmt { ST_CLAIM, ST_MARK_SENT, ST_PRUNE_OUTBOX, ST_PRUNE_IDEMPOTENCY_KEYS, ST__MAX };

/* ST_CLAIM's LIMIT is BATCH, and ST_MARK_SENT has BATCH places. */
#define IDS_10 "?,?,?,?,?,?,?,?,?,?"
static const char *const stmts[ST__MAX] = {
    [ST_CLAIM] = "SELECT id, event_id, subject, payload FROM outbox WHERE sent_at IS NULL "
		 "ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED",
    /* BATCH places. */
    [ST_MARK_SENT] =
	"UPDATE outbox SET sent_at = NOW(6) WHERE id IN (" IDS_10 "," IDS_10 "," IDS_10 "," IDS_10
	"," IDS_10 "," IDS_10 "," IDS_10 "," IDS_10 "," IDS_10 "," IDS_10 ")",
    [ST_PRUNE_OUTBOX] = PRUNE_OUTBOX_SQL,
    [ST_PRUNE_IDEMPOTENCY_KEYS] = PRUNE_IDEMPOTENCY_KEYS_SQL,
};

static const struct prune_stmts prune_stmts = {ST_PRUNE_OUTBOX, ST_PRUNE_IDEMPOTENCY_KEYS};

static long kill_after; /* --kill-after-publish; 0: never */
static long acked;      /* PubAcks received by this process */

static void
on_nudge(void *arg)
{
	(void)arg;
	worker_wake();
}

/*
 * relay_batch: claim up to BATCH unsent rows, publish them all at once
 * (mq_publish_batch) and mark the acknowledged ones sent, in one
 * transaction. *published gets the number marked, *claimed the number
 * claimed. TK_OK when every claimed row went out; TK_EIO when NATS failed
 * for some, TK_ELIMIT when the stream is full (the acknowledged rows are
 * still marked); a db.h error when MariaDB failed (nothing marked: the
 * rows go out again and JetStream drops the repeats).
 */
static int
relay_batch(struct db *db, struct mq *mq, struct arena *a, int *published, int *claimed)
{
	struct mq_out out[BATCH];
	struct db_val ids[BATCH];
	struct db_rows rows;
	size_t i, n;
	int rc, prc = TK_OK, open = 0;

	*published = 0;
	*claimed = 0;
	arena_reset(a);
	rc = db_begin(db);
	if (rc != TK_OK)
		goto out;
	open = 1;
	rc = db_exec(db, ST_CLAIM, NULL, 0, a, &rows);
	if (rc != TK_OK)
		goto out;
	n = rows.nrows < BATCH ? rows.nrows : BATCH;
	*claimed = (int)n;
	for (i = 0; i < n; i++) {
		const struct db_val *payload = db_cell(&rows, i, 3);

		out[i] = (struct mq_out){.subject = db_str(&rows, i, 2),
					 .msg_id = db_str(&rows, i, 1),
					 .data = payload->s,
					 .len = payload->len};
	}
	if (n > 0)
		mq_publish_batch(mq, out, n, PUBLISH_TIMEOUT_MS);
	/* The acknowledged rows, in id order; no outbox id is 0, so the
	 * unused places of ST_MARK_SENT match nothing. */
	for (i = 0; i < BATCH; i++)
		ids[i] = DB_I(0);
	for (i = 0; i < n; i++) {
		if (out[i].rc != TK_OK) {
			if (prc != TK_ELIMIT)
				prc = out[i].rc;
			continue;
		}
		if (out[i].duplicate)
			log_info(
			    "relay: event %s was published before; JetStream dropped the repeat",
			    out[i].msg_id);
		if (++acked == kill_after)
			raise(SIGKILL);
		ids[(*published)++] = DB_I(db_int(&rows, i, 0));
	}
	if (*published > 0)
		rc = db_exec(db, ST_MARK_SENT, ids, BATCH, NULL, NULL);
	if (rc == TK_OK)
		rc = db_commit(db);
	open = rc != TK_OK;
	if (rc == TK_OK)
		rc = prc;
	else
		*published = 0;
out:
	if (open)
		db_rollback(db);
	return rc;
}

/* relay: publish until the shell says stop. */
static int
relay(struct worker_ctx *w)
{
	struct arena *a = arena_new();
	struct worker_backoff b = {0};
	char nudge[200];
	time_t last_prune = 0;
	int rc, published, claimed, failing = TK_OK; /* the last failure */
	long total = 0;

	snprintf(nudge, sizeof(nudge), MQ_NUDGE_PREFIX "%s", config_str("db_name"));
	if (mq_listen(w->mq, nudge, on_nudge, NULL) != TK_OK)
		log_warn("relay: cannot listen on %s; polling only", nudge);
	log_info("relay: %s -> stream %s", config_str("db_name"), MQ_STREAM);
	while (!worker_stopping()) {
		rc = relay_batch(w->db, w->mq, a, &published, &claimed);
		total += published;
		if (rc != TK_OK) {
			if (rc == TK_ELIMIT && failing != rc)
				log_warn("relay: NATS: stream full; the events wait in the outbox "
					 "(ticketingctl prune-stream, docs/BACKBONE.md)");
			else if (failing != rc)
				log_warn("relay: %s: %s; backing off",
					 rc == TK_EIO ? "NATS" : "MariaDB", err_str(rc));
			failing = rc;
			worker_wait(worker_backoff_next(&b), 0);
			continue;
		}
		if (failing != TK_OK)
			log_info("relay: recovered; %ld events published so far", total);
		failing = TK_OK;
		worker_backoff_reset(&b);
		if (time(NULL) - last_prune >= PRUNE_EVERY_S &&
		    prune_shared(w->db, &prune_stmts, NULL) == TK_OK)
			last_prune = time(NULL);
		if (claimed < BATCH)
			worker_wait(POLL_MS, 1);
	}
	log_info("relay: stopping; %ld events published", total);
	arena_free(a);
	return TK_OK;
}

static int
set_kill_after(const char *arg)
{
	kill_after = atol(arg);
	return kill_after > 0 ? TK_OK : TK_EINVAL;
}

static const struct worker_option options[] = {
    {"kill-after-publish", 1, "[--kill-after-publish N]", set_kill_after},
};

static const struct worker_def relay_def = {
    .name = "relay",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .run = relay,
    .options = options,
    .noptions = sizeof(options) / sizeof(options[0]),
    /* On every connection: a SET TRANSACTION before each batch was lost
     * when db_begin reconnected. */
    .isolation = DB_READ_COMMITTED,
};

int
main(int argc, char **argv)
{
	return worker_main(argc, argv, &relay_def);
}
