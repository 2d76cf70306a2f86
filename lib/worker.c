/*
 * The worker shell (worker.h): options, configuration, signals, the one
 * backoff policy, the wait for NATS and the stream, and the consumer
 * threads that turn a handler's verdict into ack, nak or dead letter.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "backbone.h"
#include "buf.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "log.h"
#include "money.h"
#include "mq.h"
#include "worker.h"
#include "xalloc.h"

#define BATCH 64
#define FETCH_WAIT_MS 500
/* The least time between two consumer_state records of one consumer
 * thread (each asks JetStream for the durable's state first). */
#define CAUGHT_UP_EVERY_MS 1000
#define MAX_OPTIONS 16

static volatile sig_atomic_t stopping;

/* --kill-after-apply N: SIGKILL after the Nth application (0: never), and
 * the applications so far, over every consumer thread. */
static long kill_after_apply;
static long applications;

/* --instance NAME: which instance of the worker this process is, the key
 * of its heartbeat row beside the worker's name; the host name when not
 * given (worker_main_of). */
#define INSTANCE_MAX 64
static char instance[INSTANCE_MAX + 1];

/* The wake-up state of worker_wake / worker_wait. */
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv;
static int woken;

/* One consumer thread. */
struct consumer {
	const struct worker_def *def;
	const struct worker_consumer *wc;
	const struct backbone_consumer *reg;
	const struct worker_rows *rows; /* NULL, or the def's rows of this consumer */
	struct mq *mq;
	pthread_t thread;
	long acked, duplicates, retried, dead;
	long commits;    /* transactions committed (WORKER_TX) */
	long statements; /* sent by apply_batch: begin and commit included */
};

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

int
worker_stopping(void)
{
	return stopping;
}

void
worker_wake(void)
{
	pthread_mutex_lock(&wake_mu);
	woken = 1;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

void
worker_wait(long ms, int wakeable)
{
	struct timespec until;
	long step;

	/* At most 100 ms at a time, so a signal is noticed promptly. */
	while (ms > 0 && !stopping) {
		step = ms < 100 ? ms : 100;
		ms -= step;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += step * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&wake_mu);
		while (!(wakeable && woken) && !stopping &&
		       pthread_cond_timedwait(&wake_cv, &wake_mu, &until) != ETIMEDOUT)
			;
		if (wakeable && woken) {
			woken = 0;
			ms = 0;
		}
		pthread_mutex_unlock(&wake_mu);
	}
}

long
worker_backoff_delay(long min_ms, long max_ms, unsigned attempt)
{
	long d = min_ms;

	while (attempt-- > 0 && d < max_ms)
		d *= 2;
	return d < max_ms ? d : max_ms;
}

long
worker_backoff_next(struct worker_backoff *b)
{
	long d = worker_backoff_delay(WORKER_BACKOFF_MIN_MS, WORKER_BACKOFF_MAX_MS, b->attempt);

	if (d < WORKER_BACKOFF_MAX_MS)
		b->attempt++;
	return d;
}

void
worker_backoff_reset(struct worker_backoff *b)
{
	b->attempt = 0;
}

struct worker_verdict
worker_ack(void)
{
	return (struct worker_verdict){.answer = WORKER_ACK};
}

struct worker_verdict
worker_retry(int64_t delay_ms)
{
	return (struct worker_verdict){.answer = WORKER_RETRY, .delay_ms = delay_ms};
}

struct worker_verdict
worker_dead(const char *reason)
{
	return (struct worker_verdict){.answer = WORKER_DEAD, .reason = reason};
}

struct worker_verdict
worker_retry_backoff(uint64_t delivered)
{
	return worker_retry(worker_backoff_delay(WORKER_RETRY_MIN_MS, WORKER_RETRY_MAX_MS,
						 delivered > 1 ? (unsigned)(delivered - 1) : 0));
}

struct worker_verdict
worker_verdict_of(int rc, uint64_t delivered)
{
	if (rc == TK_OK)
		return worker_ack();
	if (db_transient(rc))
		return worker_retry_backoff(delivered);
	if (rc == TK_EINVAL)
		return worker_dead("apply refused the event data");
	return worker_dead(err_str(rc));
}

/*
 * dead_letter: keep message m in dead_letters with reason, then terminate
 * it. When MariaDB cannot take it, nak with a delay instead (nothing is
 * dropped unrecorded).
 */
static void
dead_letter(struct consumer *c, struct db *db, struct mq_msg *m, const char *reason)
{
	size_t len;
	const char *data = mq_msg_data(m, &len);
	uint64_t seq = mq_msg_seq(m), delivered = mq_msg_delivered(m);
	int rc;

	rc = db_exec(db, WORKER_ST_DEAD_LETTER,
		     (struct db_val[]){DB_S(c->reg->durable), DB_S(mq_msg_subject(m)),
				       DB_I((int64_t)seq), DB_I((int64_t)delivered), DB_S(reason),
				       DB_SN(data, len)},
		     6, NULL, NULL);
	if (rc != TK_OK) {
		log_warn("%s %s: seq %llu: cannot keep the dead letter (%s); retrying",
			 c->def->name, c->reg->durable, (unsigned long long)seq, err_str(rc));
		mq_nak(m, WORKER_RETRY_MAX_MS);
		return;
	}
	log_error("%s %s: seq %llu on %s: dead letter: %s", c->def->name, c->reg->durable,
		  (unsigned long long)seq, mq_msg_subject(m), reason);
	c->dead++;
	mq_term(m);
}

/* The parameters of WORKER_ST_PROCESSED and WORKER_ST_APPLIED. */
#define PROCESSED_PARAMS 6
#define APPLIED_PARAMS 4

/* processed_params: WORKER_ST_PROCESSED's parameters for job into p. */
static void
processed_params(const struct worker_job *job, struct db_val *p)
{
	memcpy(p,
	       (struct db_val[]){DB_S(job->durable), DB_S(job->ev->event_id), DB_S(job->subject),
				 DB_S(job->ev->aggregate_id), DB_I(job->ev->version),
				 DB_I((int64_t)job->seq)},
	       PROCESSED_PARAMS * sizeof(*p));
}

int
worker_record(struct worker_job *job)
{
	struct db_val p[PROCESSED_PARAMS];

	processed_params(job, p);
	return db_exec(job->db, WORKER_ST_PROCESSED, p, PROCESSED_PARAMS, NULL, NULL);
}

/*
 * as_rows: 1 when c's consumer has rows (worker.h) and every one of
 * jobs[0..n) is such a row, with their parameters one set after the other
 * in *params (in arena a); else 0.
 */
static int
as_rows(struct consumer *c, struct arena *a, const struct worker_job *jobs, int n,
	struct db_val **params /* OUT */)
{
	const struct worker_rows *r = c->rows;
	int i;

	*params = NULL;
	if (r == NULL)
		return 0;
	arena_reset(a);
	*params = arena_alloc(a, (size_t)n * r->nparams * sizeof(**params));
	for (i = 0; i < n; i++)
		if (r->row(&jobs[i], &(*params)[(size_t)i * r->nparams]) != TK_OK)
			return 0;
	return 1;
}

/*
 * apply_batch: jobs[0..n) (1 <= n <= BATCH) in one transaction on db:
 * the processed_events records of all of them in one statement, each
 * handler in stream order (or, when they are all rows of the consumer's
 * worker_rows, one statement for them all), the applied_versions counts of all of them in
 * one statement, one commit. Returns ACK when it committed. *duplicate is
 * set when a record existed already (an event of the jobs was handled
 * before, or two of them carry one event id): no handler ran. Anything
 * but a committed ACK is rolled back, with nothing of the jobs written;
 * the verdict is then that of the job that failed (for n == 1, the
 * event's own).
 */
static struct worker_verdict
apply_batch(struct consumer *c, struct db *db, struct arena *a, struct worker_job *jobs, int n,
	    int *duplicate)
{
	struct db_val rows[BATCH * PROCESSED_PARAMS], *params = NULL;
	struct worker_verdict v = worker_ack();
	int i, at = 0, rc;

	*duplicate = 0;
	db_trace_reset(db);
	rc = db_begin(db);
	if (rc != TK_OK)
		goto out;
	for (i = 0; i < n; i++)
		processed_params(&jobs[i], &rows[i * PROCESSED_PARAMS]);
	rc = db_exec_rows(db, WORKER_ST_PROCESSED, rows, PROCESSED_PARAMS, (size_t)n, NULL);
	if (rc == TK_EEXIST) {
		/* Only these records' key means "processed already". */
		*duplicate = 1;
		rc = TK_OK;
		goto out;
	}
	if (rc != TK_OK)
		goto out;
	if (as_rows(c, a, jobs, n, &params)) {
		rc = db_exec_rows(db, c->rows->stmt, params, c->rows->nparams, (size_t)n, NULL);
		if (rc != TK_OK)
			goto out;
	} else {
		for (at = 0; at < n; at++) {
			arena_reset(a);
			v = c->wc->handler(&jobs[at]);
			if (v.answer != WORKER_ACK)
				goto out;
		}
	}
	at = n - 1;
	for (i = 0; i < n; i++)
		memcpy(&rows[i * APPLIED_PARAMS],
		       (struct db_val[]){DB_S(jobs[i].durable), DB_S(jobs[i].ev->aggregate_id),
					 DB_I(jobs[i].ev->version), DB_I((int64_t)jobs[i].seq)},
		       APPLIED_PARAMS * sizeof(*rows));
	rc = db_exec_rows(db, WORKER_ST_APPLIED, rows, APPLIED_PARAMS, (size_t)n, NULL);
	if (rc == TK_OK)
		rc = db_commit(db);
	if (rc == TK_OK) {
		c->commits++;
		if (c->wc->flags & WORKER_EMITS)
			mq_nudge_outbox();
	}
out:
	if (rc != TK_OK)
		v = worker_verdict_of(rc, jobs[at].delivered);
	if (rc != TK_OK || v.answer != WORKER_ACK || *duplicate)
		db_rollback(db);
	c->statements += (long)db_trace_count(db);
	return v;
}

/*
 * applied: count one application; at the --kill-after-apply'th, die by
 * SIGKILL before the caller acks (the event is applied, JetStream does
 * not know).
 */
static void
applied(struct consumer *c, uint64_t seq)
{
	if (kill_after_apply <= 0 ||
	    __atomic_add_fetch(&applications, 1, __ATOMIC_SEQ_CST) != kill_after_apply)
		return;
	log_warn("%s %s: seq %llu applied; killing myself before the ack (--kill-after-apply "
		 "%ld)",
		 c->def->name, c->reg->durable, (unsigned long long)seq, kill_after_apply);
	raise(SIGKILL);
}

/*
 * resolved: 1 when m, which does not decode, is recorded in processed_events
 * under its message id (the publisher's event id): an operator resolved
 * its dead letter by hand, and a replay delivers it again. The message is
 * acked then, and counted as a duplicate. 0 otherwise, when the lookup
 * fails too (the caller dead-letters it, which naks when MariaDB is away).
 * Only a message that does not decode is looked up here: one that does
 * meets its record in apply_batch.
 */
static int
resolved(struct consumer *c, struct db *db, struct arena *a, struct mq_msg *m)
{
	const char *id = mq_msg_id(m);
	struct db_rows rows = {0};
	int done = 0;

	if ((c->wc->flags & WORKER_TX) && id != NULL &&
	    db_exec(db, WORKER_ST_RESOLVED, (struct db_val[]){DB_S(c->reg->durable), DB_S(id)}, 2,
		    a, &rows) == TK_OK &&
	    rows.nrows > 0) {
		log_info("%s %s: seq %llu does not decode but was resolved before; acked again",
			 c->def->name, c->reg->durable, (unsigned long long)mq_msg_seq(m));
		c->duplicates++;
		mq_ack(m);
		done = 1;
	}
	return done;
}

/* answer: turn verdict v for message m (job's) into its ack, nak or dead
 * letter, and count it. */
static void
answer(struct consumer *c, struct db *db, struct mq_msg *m, const struct worker_job *job,
       struct worker_verdict v, int duplicate)
{
	switch (v.answer) {
	case WORKER_ACK:
		if (duplicate) {
			log_info("%s %s: seq %llu (delivery %llu) was applied before; acked again",
				 c->def->name, c->reg->durable, (unsigned long long)job->seq,
				 (unsigned long long)job->delivered);
			c->duplicates++;
		} else {
			applied(c, job->seq);
			c->acked++;
		}
		mq_ack(m);
		break;
	case WORKER_RETRY:
		if (job->delivered == 1)
			log_warn("%s %s: seq %llu: retrying later", c->def->name, c->reg->durable,
				 (unsigned long long)job->seq);
		c->retried++;
		mq_nak(m, v.delay_ms);
		break;
	case WORKER_DEAD:
		dead_letter(c, db, m, v.reason != NULL ? v.reason : "refused by the handler");
		break;
	}
}

/* job_of: the job of message m, decoded into *ev. */
static struct worker_job
job_of(struct consumer *c, struct db *db, struct arena *a, struct mq_msg *m,
       const struct envelope *ev)
{
	return (struct worker_job){
	    .durable = c->reg->durable,
	    .db = db,
	    .a = a,
	    .ev = ev,
	    .subject = mq_msg_subject(m),
	    .seq = mq_msg_seq(m),
	    .delivered = mq_msg_delivered(m),
	};
}

/*
 * too_new: 1 when ev was written in a schema version above the one this
 * build reads (event.h "Compatibility"): m is then held, unapplied and
 * not dead-lettered, and delivered again after the backoff until this
 * worker runs a version that reads it (the upgrade order of
 * docs/deploy.md makes that a moment, not a state).
 */
static int
too_new(struct consumer *c, struct mq_msg *m, const struct envelope *ev)
{
	uint64_t delivered = mq_msg_delivered(m);

	if (ev->schema_version <= EVENT_SCHEMA_VERSION)
		return 0;
	if (delivered == 1)
		log_warn("%s %s: seq %llu: event %s has schema version %lld, this program reads up "
			 "to %d: held until it is upgraded",
			 c->def->name, c->reg->durable, (unsigned long long)mq_msg_seq(m),
			 ev->event_id, (long long)ev->schema_version, EVENT_SCHEMA_VERSION);
	c->retried++;
	mq_nak(m, worker_retry_backoff(delivered).delay_ms);
	return 1;
}

static void
handle(struct consumer *c, struct db *db, struct arena *a, struct mq_msg *m)
{
	struct envelope ev;
	struct worker_job job;
	struct worker_verdict v;
	const char *why = NULL;
	size_t len;
	const char *data = mq_msg_data(m, &len);
	int duplicate = 0;

	arena_reset(a);
	if (event_decode(data, len, &ev, &why) != TK_OK) {
		if (!resolved(c, db, a, m))
			dead_letter(c, db, m, why);
		goto out;
	}
	if (too_new(c, m, &ev))
		goto out;
	job = job_of(c, db, a, m, &ev);
	if (c->wc->flags & WORKER_TX)
		v = apply_batch(c, db, a, &job, 1, &duplicate);
	else
		v = c->wc->handler(&job);
	answer(c, db, m, &job, v, duplicate);
out:
	event_free(&ev);
}

/*
 * batch_prefix: how many of a fetched batch of count to apply in one
 * transaction: all, except under --kill-after-apply, where the
 * transaction ends at the application the process is to die after (the
 * ones after it are handled one by one), so the kill still comes right
 * after the Nth committed application and before its ack.
 */
static int
batch_prefix(int count)
{
	long left;

	if (kill_after_apply <= 0)
		return count;
	left = kill_after_apply - __atomic_load_n(&applications, __ATOMIC_SEQ_CST);
	return left >= 1 && left < count ? (int)left : count;
}

/*
 * handle_batch: msgs[0..count) (count >= 2) in one transaction
 * (apply_batch; WORKER_TX consumers), then the acks, in stream order.
 * Returns 1 when the batch was committed and answered; 0 when it was not
 * (nothing of it is written: a message did not decode or is of a later
 * schema version, one was handled before, or a handler or the database
 * answered anything but ACK), and the caller then handles the messages
 * one by one, so a failure keeps its own verdict and never holds back the
 * others.
 */
static int
handle_batch(struct consumer *c, struct db *db, struct arena *a, struct mq_msg **msgs, int count)
{
	struct envelope evs[BATCH];
	struct worker_job jobs[BATCH];
	struct worker_verdict v;
	const char *why = NULL;
	size_t len;
	const char *data;
	int i, decoded = 0, done = 0, duplicate = 0;

	if (count < 2 || count > BATCH || !(c->wc->flags & WORKER_TX))
		goto out;
	for (decoded = 0; decoded < count; decoded++) {
		data = mq_msg_data(msgs[decoded], &len);
		if (event_decode(data, len, &evs[decoded], &why) != TK_OK)
			goto out;
		if (evs[decoded].schema_version > EVENT_SCHEMA_VERSION) {
			decoded++;
			goto out;
		}
		jobs[decoded] = job_of(c, db, a, msgs[decoded], &evs[decoded]);
	}
	v = apply_batch(c, db, a, jobs, count, &duplicate);
	if (v.answer != WORKER_ACK || duplicate)
		goto out;
	done = 1;
	for (i = 0; i < count; i++)
		answer(c, db, msgs[i], &jobs[i], v, 0);
out:
	for (i = 0; i < decoded; i++)
		event_free(&evs[i]);
	return done;
}

/* bind_consumer: wait until the durable consumer exists, then bind to it. */
static struct mq_pull *
bind_consumer(struct consumer *c)
{
	struct worker_backoff b = {0};
	struct mq_pull *pull = NULL;
	struct mq_consumer_state cs;
	int rc, said = 0;

	while (!stopping) {
		rc = mq_consumer_state(c->mq, MQ_STREAM, c->reg->durable, &cs);
		if (rc == TK_OK &&
		    mq_pull_open(c->mq, MQ_STREAM, c->reg->durable, c->reg->filter, &pull) == TK_OK)
			break;
		if (rc == TK_ENOTFOUND && !said) {
			log_warn("%s %s: waiting for the consumer (ticketingctl setup-backbone)",
				 c->def->name, c->reg->durable);
			said = 1;
		}
		worker_wait(worker_backoff_next(&b), 0);
	}
	return pull;
}

/*
 * caught_up: an empty fetch, so nothing was pending for this instance:
 * record it in consumer_state when JetStream also says the durable has
 * nothing waiting and nothing delivered unacknowledged (a twin instance
 * on the same durable may be applying a batch this one never saw; a
 * message naked for a retry is unacknowledged too), at most once per
 * CAUGHT_UP_EVERY_MS (*last_ms: when it last asked). Not while NATS is
 * away: a fetch may then come back empty although messages wait. A
 * failure is logged once per failing spell and left: the row just ages,
 * which is what a stuck consumer looks like.
 */
static void
caught_up(struct consumer *c, struct db *db, int *failing, int64_t *last_ms)
{
	struct mq_consumer_state cs;
	int64_t now_ms = clock_mono_ms();
	int rc;

	if (!mq_connected(c->mq) || now_ms - *last_ms < CAUGHT_UP_EVERY_MS)
		return;
	*last_ms = now_ms;
	if (mq_consumer_state(c->mq, MQ_STREAM, c->reg->durable, &cs) != TK_OK ||
	    cs.pending + cs.ack_pending > 0)
		return;
	rc =
	    db_exec(db, WORKER_ST_CAUGHT_UP,
		    (struct db_val[]){DB_S(c->reg->durable), DB_S(c->reg->durable)}, 2, NULL, NULL);
	if (rc == TK_OK) {
		*failing = 0;
	} else if (!*failing) {
		log_warn("%s %s: cannot record consumer_state: %s", c->def->name, c->reg->durable,
			 err_str(rc));
		*failing = 1;
	}
}

struct db *
worker_open_db(const struct worker_def *def)
{
	struct db_conf dc = db_conf_configured();

	dc.isolation = def->isolation;
	return db_new(&dc, def->stmts, def->nstmts);
}

static void *
consume(void *arg)
{
	struct consumer *c = arg;
	struct db *db = worker_open_db(c->def);
	struct arena *a = arena_new();
	struct mq_pull *pull = bind_consumer(c);
	struct worker_backoff b = {0};
	struct mq_batch batch;
	int64_t state_asked_ms = INT64_MIN / 2;
	int rc, i, n, down = 0, state_failing = 0;

	if (pull != NULL)
		log_info("%s %s: consuming %s", c->def->name, c->reg->durable, c->reg->filter);
	while (!stopping && pull != NULL) {
		rc = mq_fetch(pull, BATCH, FETCH_WAIT_MS, &batch);
		if (rc != TK_OK) {
			if (!down)
				log_warn("%s %s: NATS: %s; retrying", c->def->name, c->reg->durable,
					 err_str(rc));
			down = 1;
			worker_wait(worker_backoff_next(&b), 0);
			continue;
		}
		if (down)
			log_info("%s %s: NATS is back", c->def->name, c->reg->durable);
		down = 0;
		worker_backoff_reset(&b);
		if (batch.count == 0)
			caught_up(c, db, &state_failing, &state_asked_ms);
		n = batch_prefix(batch.count);
		i = n >= 2 && handle_batch(c, db, a, batch.msgs, n) ? n : 0;
		for (; i < batch.count; i++)
			handle(c, db, a, batch.msgs[i]);
		mq_batch_free(&batch);
	}
	log_info("%s %s: stopping; %ld handled, %ld redeliveries skipped, %ld retries, "
		 "%ld dead letters, %ld transactions, %ld statements in them",
		 c->def->name, c->reg->durable, c->acked, c->duplicates, c->retried, c->dead,
		 c->commits, c->statements);
	mq_pull_close(pull);
	arena_free(a);
	db_free(db);
	return NULL;
}

/* The consumer threads of a running worker. */
struct consumers {
	struct consumer *cs;
	size_t started;
};

/* The heartbeat's statements, on a connection of its own. */
enum { BEAT_ST_BEAT, BEAT_ST_PENDING, BEAT_ST__MAX };
static const char *const beat_stmts[BEAT_ST__MAX] = {
    [BEAT_ST_BEAT] = "INSERT INTO worker_beats (worker, instance, beat_at, pid) "
		     "VALUES (?, ?, NOW(6), ?) "
		     "ON DUPLICATE KEY UPDATE beat_at = VALUES(beat_at), pid = VALUES(pid)",
    /* A consumer that never caught up gets caught_up_at at the epoch:
     * not caught up (sql/common/consumer_state/002_consumer_pending.sql). */
    [BEAT_ST_PENDING] = "INSERT INTO consumer_state (consumer, caught_up_at, pending, pending_at) "
			"VALUES (?, '1970-01-01', ?, NOW(6)) ON DUPLICATE KEY UPDATE "
			"pending = VALUES(pending), pending_at = VALUES(pending_at)",
};

/* The heartbeat thread of a running worker: the durable names of its
 * consumer threads (the registry's strings) are its own copy. */
struct beat {
	const struct worker_def *def;
	struct mq *mq;
	const char **durables;
	size_t ndurables;
	pthread_t thread;
	int started;
};

/*
 * beat_once: ask JetStream about the stream and each consumer of b's
 * worker, write each consumer's lag, then the worker's beat. Nothing is
 * written while NATS does not answer: the beat ages, which is what a
 * worker cut off from NATS looks like. TK_OK or the first failure.
 */
static int
beat_once(struct beat *b, struct db *db)
{
	struct mq_stream_state st;
	struct mq_consumer_state cs;
	size_t i;
	int rc;

	rc = mq_connected(b->mq) ? mq_stream_state(b->mq, MQ_STREAM, &st) : TK_EIO;
	for (i = 0; rc == TK_OK && i < b->ndurables; i++) {
		rc = mq_consumer_state(b->mq, MQ_STREAM, b->durables[i], &cs);
		if (rc == TK_OK)
			rc =
			    db_exec(db, BEAT_ST_PENDING,
				    (struct db_val[]){DB_S(b->durables[i]),
						      DB_I((int64_t)(cs.pending + cs.ack_pending))},
				    2, NULL, NULL);
	}
	if (rc == TK_OK)
		rc = db_exec(
		    db, BEAT_ST_BEAT,
		    (struct db_val[]){DB_S(b->def->name), DB_S(instance), DB_I((int64_t)getpid())},
		    3, NULL, NULL);
	return rc;
}

/* beat_main: the heartbeat thread (arg: the struct beat), every
 * WORKER_BEAT_MS until stopping; a failure is logged once per failing
 * spell. */
static void *
beat_main(void *arg)
{
	struct beat *b = arg;
	struct db *db;
	struct db_conf dc = db_conf_configured();
	int rc, failing = 0;

	db = db_new(&dc, beat_stmts, BEAT_ST__MAX);
	while (!stopping) {
		rc = beat_once(b, db);
		if (rc != TK_OK && !failing)
			log_warn("%s: no heartbeat: %s", b->def->name, err_str(rc));
		else if (rc == TK_OK && failing)
			log_info("%s: beating again", b->def->name);
		failing = rc != TK_OK;
		worker_wait(WORKER_BEAT_MS, 0);
	}
	db_free(db);
	return NULL;
}

/* rows_of: def's worker_rows of consumer reg, or NULL. */
static const struct worker_rows *
rows_of(const struct worker_def *def, const struct backbone_consumer *reg)
{
	size_t i;

	for (i = 0; i < def->nrows; i++)
		if (strcmp(def->rows[i].durable, reg->durable) == 0)
			return &def->rows[i];
	return NULL;
}

/*
 * consumers_start: one thread per consumer of def that serves service,
 * into *all (release with consumers_join, also after a failure). TK_OK, or
 * TK_ECONFIG when a consumer is not in the registry or none serves
 * service, TK_EINTERNAL when a thread cannot start (then stopping is set,
 * so the ones started end).
 */
static int
consumers_start(const struct worker_def *def, const char *service, struct mq *mq,
		struct consumers *all /* OUT */)
{
	size_t i, n = 0;
	int rc = TK_OK;

	all->cs = xcalloc(def->nconsumers, sizeof(*all->cs));
	all->started = 0;
	for (i = 0; i < def->nconsumers; i++) {
		const struct backbone_consumer *reg =
		    backbone_consumer_find(def->consumers[i].durable);

		if (reg == NULL) {
			log_error("%s: consumer %s is not in the backbone registry", def->name,
				  def->consumers[i].durable);
			rc = TK_ECONFIG;
			goto out;
		}
		if (strcmp(reg->service, service) != 0)
			continue;
		all->cs[n] = (struct consumer){.def = def,
					       .wc = &def->consumers[i],
					       .reg = reg,
					       .rows = rows_of(def, reg),
					       .mq = mq};
		n++;
	}
	if (n == 0) {
		log_error("%s: no consumer of this worker serves the %s service", def->name,
			  service);
		rc = TK_ECONFIG;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (pthread_create(&all->cs[i].thread, NULL, consume, &all->cs[i]) != 0) {
			log_error("%s: cannot start a thread", def->name);
			stopping = 1;
			rc = TK_EINTERNAL;
			break;
		}
		all->started++;
	}
out:
	return rc;
}

/* consumers_join: wait for the threads of consumers_start to end (they do
 * once stopping is set) and release them. */
static void
consumers_join(struct consumers *all)
{
	size_t i;

	for (i = 0; i < all->started; i++)
		pthread_join(all->cs[i].thread, NULL);
	free(all->cs);
	all->cs = NULL;
	all->started = 0;
}

/* wait_for_stream: until NATS answers and the stream exists. */
static int
wait_for_stream(const struct worker_def *def, struct mq *mq)
{
	struct worker_backoff b = {0};
	struct mq_stream_state st;
	int rc, said = 0;

	while (!stopping && (rc = mq_stream_state(mq, MQ_STREAM, &st)) != TK_OK) {
		if (!said)
			log_warn("%s: waiting for %s", def->name,
				 rc == TK_ENOTFOUND ? "the stream (ticketingctl setup-backbone)"
						    : "NATS");
		said = 1;
		worker_wait(worker_backoff_next(&b), 0);
	}
	return stopping ? TK_ECONFLICT : TK_OK;
}

/* run: everything after the configuration is loaded. */
static int
run(const struct worker_def *def, const char *service)
{
	struct worker_ctx ctx = {.service = service};
	struct consumers all = {0};
	struct beat beat = {0};
	size_t i;
	struct buf name = {0};
	int rc;

	buf_printf(&name, "%s-%s", def->name, service);
	rc = mq_connect_configured(name.data, &ctx.mq);
	if (rc != TK_OK)
		goto out;
	mq_nudge_enable();
	if (wait_for_stream(def, ctx.mq) != TK_OK)
		goto out; /* stopped while waiting: a clean stop */
	if (def->nconsumers > 0)
		rc = consumers_start(def, service, ctx.mq, &all);
	beat = (struct beat){.def = def, .mq = ctx.mq, .ndurables = all.started};
	beat.durables = xcalloc(all.started + 1, sizeof(*beat.durables));
	for (i = 0; i < all.started; i++)
		beat.durables[i] = all.cs[i].reg->durable;
	if (rc == TK_OK && pthread_create(&beat.thread, NULL, beat_main, &beat) == 0)
		beat.started = 1;
	else if (rc == TK_OK)
		log_error("%s: cannot start the heartbeat thread", def->name);
	if (rc == TK_OK && def->run != NULL) {
		ctx.db = worker_open_db(def);
		rc = def->run(&ctx);
		/* The loop ended: the consumer threads end too. */
		stopping = 1;
	}
	consumers_join(&all);
	if (beat.started) {
		stopping = 1;
		pthread_join(beat.thread, NULL);
	}
out:
	free(beat.durables);
	db_free(ctx.db);
	mq_close(ctx.mq);
	buf_free(&name);
	return rc;
}

static void
usage(const struct worker_def *def)
{
	size_t i;

	fprintf(stderr, "usage: ticketing-%s --config FILE [--service NAME] [--instance NAME]",
		def->name);
	if (def->nconsumers > 0)
		fputs(" [--kill-after-apply N]", stderr);
	for (i = 0; i < def->noptions; i++)
		fprintf(stderr, " %s", def->options[i].usage);
	fputc('\n', stderr);
}

/* set_instance: name as the instance's name: TK_OK, or TK_EINVAL unless it
 * is 1..INSTANCE_MAX characters of letters, digits and ".-_:". */
static int
set_instance(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > INSTANCE_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") != n)
		return TK_EINVAL;
	memcpy(instance, name, n + 1);
	return TK_OK;
}

/* parse: the command line into *config_path, *service, the instance and
 * def's options. */
static int
parse(int argc, char **argv, const struct worker_def *def, const char **config_path,
      const char **service)
{
	struct option longopts[MAX_OPTIONS + 5] = {
	    {"config", required_argument, NULL, 'c'},
	    {"service", required_argument, NULL, 's'},
	    {"kill-after-apply", required_argument, NULL, 'k'},
	    {"instance", required_argument, NULL, 'i'},
	};
	char *end;
	size_t i;
	int ch, idx, rc = TK_EINVAL;

	if (def->noptions > MAX_OPTIONS)
		goto out;
	for (i = 0; i < def->noptions; i++)
		longopts[i + 4] = (struct option){
		    def->options[i].name, def->options[i].has_arg ? required_argument : no_argument,
		    NULL, 'o'};
	while ((ch = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		if (ch == 'c') {
			*config_path = optarg;
		} else if (ch == 's') {
			*service = optarg;
		} else if (ch == 'k') {
			/* Only a consuming worker applies events. */
			kill_after_apply = strtol(optarg, &end, 10);
			if (def->nconsumers == 0 || *optarg == '\0' || *end != '\0' ||
			    kill_after_apply <= 0)
				goto out;
		} else if (ch == 'i') {
			if (set_instance(optarg) != TK_OK)
				goto out;
		} else if (ch != 'o' || def->options[idx - 4].set(optarg) != TK_OK) {
			goto out;
		}
	}
	if (optind == argc && *config_path != NULL)
		rc = TK_OK;
out:
	return rc;
}

/* serving: the first of defs[0..n) with a consumer of service, or NULL.
 * A definition without consumers (a loop) serves every service. */
static const struct worker_def *
serving(const struct worker_def *const *defs, size_t n, const char *service)
{
	const struct backbone_consumer *reg;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (defs[i]->nconsumers == 0)
			return defs[i];
		for (j = 0; j < defs[i]->nconsumers; j++) {
			reg = backbone_consumer_find(defs[i]->consumers[j].durable);
			if (reg != NULL && strcmp(reg->service, service) == 0)
				return defs[i];
		}
	}
	return NULL;
}

int
worker_main(int argc, char **argv, const struct worker_def *def)
{
	return worker_main_of(argc, argv, &def, 1);
}

int
worker_main_of(int argc, char **argv, const struct worker_def *const *defs, size_t ndefs)
{
	pthread_condattr_t ca;
	struct sigaction sa;
	const struct worker_def *def = defs[0];
	const char *config_path = NULL, *service = NULL;
	char host[INSTANCE_MAX + 2] = "";
	int status = 2;

	if (parse(argc, argv, def, &config_path, &service) != TK_OK) {
		usage(def);
		goto out;
	}
	status = 1;
	if (instance[0] == '\0' &&
	    (gethostname(host, sizeof(host) - 1) != 0 || set_instance(host) != TK_OK)) {
		log_error("%s: the host name is no instance name: give --instance NAME", def->name);
		goto out;
	}
	/* A worker reads its service's file: the service's own keys are
	 * skipped, the common ones still checked. */
	if (config_load(config_path, def->config_keys, def->nconfig_keys, CONFIG_OTHER_KEYS) !=
	    TK_OK)
		goto out;
	if (*config_str("nats_url") == '\0' || *config_str("db_name") == '\0') {
		log_error("%s: db_name and nats_url must be set", def->name);
		goto out;
	}
	if (money_configure(config_str("currency")) != TK_OK)
		goto out;
	if (service == NULL) {
		service = config_str("db_name");
		if (strncmp(service, "ticketing_", 10) == 0)
			service += 10;
	}
	def = serving(defs, ndefs, service);
	if (def == NULL) {
		log_error("%s: no consumer of this worker serves the %s service", defs[0]->name,
			  service);
		goto out;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cv, &ca);
	pthread_condattr_destroy(&ca);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (run(def, service) == TK_OK)
		status = 0;
out:
	return status;
}
