/*
 * ticketing-relay: the outbox relay of one service database. It publishes
 * the database's unsent outbox rows to JetStream in id order, each with
 * Nats-Msg-Id = event_id, and marks a row sent only after its PubAck, in
 * the transaction that locked it. A claimed batch is published at once
 * (asynchronously, lib/mq.h mq_publish_batch) and its PubAcks awaited
 * together, then the acknowledged rows are marked in one statement: one
 * round trip to JetStream and one to MariaDB per batch rather than per
 * row (docs/DECISIONS.md, "Backbone throughput"). The marking and its
 * commit run on a second connection and thread (struct lane) while the
 * next batch is claimed and published, so claims follow each other by
 * their own round trips only (docs/DECISIONS.md, "Propagation under
 * load"). Should one row of a batch fail, or a batch's marking, later
 * rows may still be stored first; the failed ones are published again
 * later, which consumers, applying by version, do not mind. Whatever dies
 * when, a row is published again until it is marked, and JetStream drops
 * the repeat (duplicate window, mq.h), so every committed event reaches
 * the stream exactly once.
 *
 * Several relays on one database share the work: rows are claimed with
 * SELECT ... FOR UPDATE SKIP LOCKED under READ COMMITTED (the session
 * level of every connection the relay opens, worker_def.isolation), always
 * through the outbox_unsent index (lib/outbox.h OUTBOX_CLAIM_SQL says why
 * the index is forced), so a relay never waits for another and never
 * blocks the service's inserts. (Two relays may then publish neighbouring
 * batches concurrently; consumers apply by version, so cross-batch order
 * does not matter to them.)
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
#include <pthread.h>
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
#include "outbox.h"
#include "prune.h"
#include "worker.h"

#define BATCH OUTBOX_BATCH
#define LANES 2 /* connections: one claims while the other is marked */
#define POLL_MS 500
#define PUBLISH_TIMEOUT_MS 2000
#define PRUNE_EVERY_S 60

enum stmt { ST_CLAIM, ST_MARK_SENT, ST_PRUNE_OUTBOX, ST_PRUNE_IDEMPOTENCY_KEYS, ST__MAX };

/* ST_CLAIM's LIMIT is BATCH, and ST_MARK_SENT has BATCH places. */
static const char *const stmts[ST__MAX] = {
    [ST_CLAIM] = OUTBOX_CLAIM_SQL,
    [ST_MARK_SENT] = OUTBOX_MARK_SQL,
    [ST_PRUNE_OUTBOX] = PRUNE_OUTBOX_SQL,
    [ST_PRUNE_IDEMPOTENCY_KEYS] = PRUNE_IDEMPOTENCY_KEYS_SQL,
};

static const struct worker_def relay_def;

static const struct prune_stmts prune_stmts = {ST_PRUNE_OUTBOX, ST_PRUNE_IDEMPOTENCY_KEYS};

static long kill_after; /* --kill-after-publish; 0: never */
static long acked;      /* PubAcks received by this process */

/*
 * A lane: one connection and the batch claimed on it, from the claim to
 * the commit that marks it. The loop claims and publishes on one lane
 * while the marker thread marks and commits the batch of the other, so
 * the next claim does not wait for the last one's two round trips
 * (docs/DECISIONS.md, "Propagation under load"). A batch being marked
 * still holds its rows' locks, so the next claim skips them (SKIP
 * LOCKED); claims and publications stay one after the other, in id
 * order, on the loop's thread.
 */
struct lane {
	struct db *db;
	struct arena *a;
	struct db_val ids[BATCH]; /* the acknowledged rows; the rest DB_I(0) */
	int nids;
	int pending; /* handed to the marker, not yet committed or rolled back */
	int rc;      /* the marker's result for the lane's last batch */
};

static pthread_mutex_t lane_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lane_cv = PTHREAD_COND_INITIALIZER;
static struct lane lanes[LANES];
static int marker_stop; /* under lane_mu: no batch will be handed any more */

static void
on_nudge(void *arg)
{
	(void)arg;
	worker_wake();
}

/*
 * claim_publish: on lane l, open a transaction, claim up to BATCH unsent
 * rows and publish them all at once (mq_publish_batch); the acknowledged
 * ones go to l->ids. *claimed gets the number claimed. Returns 1 when the
 * transaction stays open for the marker (some row was acknowledged), else
 * 0 with the transaction ended. *rc: TK_OK when every claimed row went
 * out; TK_EIO when NATS failed for some, TK_ELIMIT when the stream is full;
 * a db.h error when MariaDB failed (the rows go out again and JetStream
 * drops the repeats).
 */
static int
claim_publish(struct lane *l, struct mq *mq, int *claimed, int *rc)
{
	struct mq_out out[BATCH];
	struct db_rows rows;
	size_t i, n;
	int handed = 0, open = 0;

	*claimed = 0;
	l->nids = 0;
	arena_reset(l->a);
	*rc = db_begin(l->db);
	if (*rc != TK_OK)
		goto out;
	open = 1;
	*rc = db_exec(l->db, ST_CLAIM, NULL, 0, l->a, &rows);
	if (*rc != TK_OK)
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
		l->ids[i] = DB_I(0);
	for (i = 0; i < n; i++) {
		if (out[i].rc != TK_OK) {
			if (*rc != TK_ELIMIT)
				*rc = out[i].rc;
			continue;
		}
		if (out[i].duplicate)
			log_info(
			    "relay: event %s was published before; JetStream dropped the repeat",
			    out[i].msg_id);
		if (++acked == kill_after)
			raise(SIGKILL);
		l->ids[l->nids++] = DB_I(db_int(&rows, i, 0));
	}
	handed = l->nids > 0;
out:
	if (open && !handed)
		db_rollback(l->db);
	return handed;
}

/* mark: mark lane l's acknowledged rows sent and commit; TK_OK or a db.h
 * error (rolled back: the rows go out again). */
static int
mark(struct lane *l)
{
	int rc = db_exec(l->db, ST_MARK_SENT, l->ids, BATCH, NULL, NULL);

	if (rc == TK_OK)
		rc = db_commit(l->db);
	if (rc != TK_OK)
		db_rollback(l->db);
	return rc;
}

/* marker: the marker thread: marks the lanes' batches in the order they
 * were handed, until marker_stop and none is pending. */
static void *
marker(void *arg)
{
	size_t m = 0;
	int rc;

	(void)arg;
	pthread_mutex_lock(&lane_mu);
	for (;;) {
		while (!lanes[m].pending && !marker_stop)
			pthread_cond_wait(&lane_cv, &lane_mu);
		if (!lanes[m].pending)
			break;
		pthread_mutex_unlock(&lane_mu);
		rc = mark(&lanes[m]);
		pthread_mutex_lock(&lane_mu);
		lanes[m].rc = rc;
		lanes[m].pending = 0;
		pthread_cond_broadcast(&lane_cv);
		m = (m + 1) % LANES;
	}
	pthread_mutex_unlock(&lane_mu);
	return NULL;
}

/*
 * lane_take: wait until lane l's last batch is marked; its result (TK_OK
 * when there was none), and *marked gets the rows it marked.
 */
static int
lane_take(struct lane *l, long *marked)
{
	int rc;

	pthread_mutex_lock(&lane_mu);
	while (l->pending)
		pthread_cond_wait(&lane_cv, &lane_mu);
	rc = l->rc;
	*marked = rc == TK_OK ? l->nids : 0;
	l->rc = TK_OK;
	l->nids = 0;
	pthread_mutex_unlock(&lane_mu);
	return rc;
}

/* lane_hand: hand lane l's open batch to the marker. */
static void
lane_hand(struct lane *l)
{
	pthread_mutex_lock(&lane_mu);
	l->pending = 1;
	pthread_cond_broadcast(&lane_cv);
	pthread_mutex_unlock(&lane_mu);
}

/* relay: publish until the shell says stop. */
static int
relay(struct worker_ctx *w)
{
	struct worker_backoff b = {0};
	pthread_t marker_thread;
	char nudge[200];
	time_t last_prune = 0;
	int rc, claimed, failing = TK_OK; /* the last failure */
	long total = 0, marked;
	size_t i, at = 0;

	for (i = 0; i < LANES; i++)
		lanes[i] = (struct lane){.db = i == 0 ? w->db : worker_open_db(&relay_def),
					 .a = arena_new()};
	if (pthread_create(&marker_thread, NULL, marker, NULL) != 0) {
		log_error("relay: cannot start the marking thread");
		rc = TK_EINTERNAL;
		goto out;
	}
	snprintf(nudge, sizeof(nudge), MQ_NUDGE_PREFIX "%s", config_str("db_name"));
	if (mq_listen(w->mq, nudge, on_nudge, NULL) != TK_OK)
		log_warn("relay: cannot listen on %s; polling only", nudge);
	log_info("relay: %s -> stream %s", config_str("db_name"), MQ_STREAM);
	while (!worker_stopping()) {
		struct lane *l = &lanes[at];

		claimed = 0;
		rc = lane_take(l, &marked);
		total += marked;
		/* Every PRUNE_EVERY_S, and once at start, on the lane in hand:
		 * the other may be with the marker. */
		if (rc == TK_OK && failing == TK_OK && time(NULL) - last_prune >= PRUNE_EVERY_S &&
		    prune_shared(l->db, &prune_stmts, NULL) == TK_OK)
			last_prune = time(NULL);
		if (rc == TK_OK && claim_publish(l, w->mq, &claimed, &rc)) {
			lane_hand(l);
			at = (at + 1) % LANES;
		}
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
		if (claimed < BATCH)
			worker_wait(POLL_MS, 1);
	}
	pthread_mutex_lock(&lane_mu);
	marker_stop = 1;
	pthread_cond_broadcast(&lane_cv);
	pthread_mutex_unlock(&lane_mu);
	pthread_join(marker_thread, NULL);
	for (i = 0; i < LANES; i++)
		total += lanes[i].rc == TK_OK ? lanes[i].nids : 0;
	rc = TK_OK;
out:
	log_info("relay: stopping; %ld events published", total);
	for (i = 0; i < LANES; i++) {
		if (lanes[i].db != w->db)
			db_free(lanes[i].db);
		arena_free(lanes[i].a);
	}
	return rc;
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
