/*
 * ticketing-replicator: the generic replication engine. For one consuming
 * service database (a struct repl_target, replicator.h) it runs one thread
 * per {durable consumer, subject filter, apply function}, each with its own
 * MariaDB connection, pulling batches from JetStream.
 *
 * Each message is decoded strictly (event.h) and applied in one
 * transaction together with its processed_events row:
 *   - processed already (a redelivery): roll back, ack;
 *   - applied: commit, then ack (a lost ack only causes a redelivery);
 *   - MariaDB down, deadlock: roll back, nak with a delay growing with the
 *     delivery count (up to NAK_MAX_MS), so the worker recovers by itself;
 *   - undecodable or refused by the apply function: a dead letter (kept in
 *     dead_letters, logged, then terminated in JetStream).
 * MaxDeliver is set high enough (MAX_DELIVER × NAK_MAX_MS ≈ 14 h) that a
 * MariaDB outage never exhausts it.
 *
 * Usage: ticketing-replicator --config FILE [--service NAME] [--replay]
 * FILE is the consuming service's configuration (db_*, nats_url); NAME
 * defaults to db_name without its "ticketing_" prefix. Streams and
 * consumers are created or updated at start-up. --replay first deletes
 * the target's consumers and their processed_events rows, so the whole
 * stream is applied again from its first message (replicas only move
 * forward, so the result equals the sources). Records with version 0, the
 * dead letters an operator resolved by hand, are kept, so a replay does not
 * dead-letter them again. SIGTERM/SIGINT: finish the
 * batch in hand, then exit.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "log.h"
#include "mq.h"
#include "replicator.h"

#define BATCH 64
#define FETCH_WAIT_MS 500
#define ACK_WAIT_MS 30000
#define MAX_DELIVER 10000
#define NAK_MIN_MS 250
#define NAK_MAX_MS 5000
#define BACKOFF_MAX_MS 2000

static volatile sig_atomic_t stopping;
static int replay; /* --replay */

struct worker {
	const struct repl_target *target;
	const struct repl_apply *apply;
	struct mq *mq;
	pthread_t thread;
	long applied, duplicates, dead;
};

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* nap: sleep ms in slices, returning early when stopping. */
static void
nap(long ms)
{
	struct timespec ts = {0, 0};
	long step;

	while (ms > 0 && !stopping) {
		step = ms < 100 ? ms : 100;
		ts.tv_nsec = step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static int
transient(int rc)
{
	return rc == TK_EDBDOWN || rc == TK_ERETRY;
}

/*
 * dead_letter: keep message m in dead_letters with reason, then terminate
 * it. When MariaDB cannot take it, nak with a delay instead (nothing is
 * dropped unrecorded).
 */
static void
dead_letter(struct worker *w, struct db *db, struct mq_msg *m, const char *reason)
{
	size_t len;
	const char *data = mq_msg_data(m, &len);
	uint64_t seq = mq_msg_seq(m), delivered = mq_msg_delivered(m);
	int rc;

	rc = db_exec(db, REPL_ST_DEAD_LETTER,
		     (struct db_val[]){DB_S(w->apply->durable), DB_S(mq_msg_subject(m)),
				       DB_I((int64_t)seq), DB_I((int64_t)delivered), DB_S(reason),
				       DB_SN(data, len)},
		     6, NULL, NULL);
	if (rc != TK_OK) {
		log_warn("replicator %s: seq %llu: cannot keep the dead letter (%s); retrying",
			 w->apply->durable, (unsigned long long)seq, err_str(rc));
		mq_nak(m, NAK_MAX_MS);
		return;
	}
	log_error("replicator %s: seq %llu on %s: dead letter: %s", w->apply->durable,
		  (unsigned long long)seq, mq_msg_subject(m), reason);
	w->dead++;
	mq_term(m);
}

/* apply_one: the transaction of one decoded event. TK_EEXIST when it was
 * processed before. */
static int
apply_one(struct worker *w, struct db *db, struct arena *a, const struct event *ev,
	  const char *subject, uint64_t seq)
{
	int rc;

	rc = db_begin(db);
	if (rc != TK_OK)
		goto out;
	rc = db_exec(db, REPL_ST_PROCESSED,
		     (struct db_val[]){DB_S(w->apply->durable), DB_S(ev->event_id), DB_S(subject),
				       DB_S(ev->aggregate_id), DB_I(ev->version),
				       DB_I((int64_t)seq)},
		     6, NULL, NULL);
	if (rc == TK_OK)
		rc = w->apply->apply(db, ev, a);
	if (rc == TK_OK)
		rc = db_commit(db);
out:
	if (rc != TK_OK)
		db_rollback(db);
	return rc;
}

static void
handle(struct worker *w, struct db *db, struct arena *a, struct mq_msg *m)
{
	struct event ev;
	const char *why = NULL;
	size_t len;
	const char *data = mq_msg_data(m, &len);
	uint64_t delivered;
	int64_t delay;
	int rc;

	arena_reset(a);
	if (event_decode(data, len, &ev, &why) != TK_OK) {
		dead_letter(w, db, m, why);
		return;
	}
	rc = apply_one(w, db, a, &ev, mq_msg_subject(m), mq_msg_seq(m));
	if (rc == TK_OK) {
		w->applied++;
		mq_ack(m);
	} else if (rc == TK_EEXIST) {
		w->duplicates++;
		mq_ack(m);
	} else if (transient(rc)) {
		delivered = mq_msg_delivered(m);
		delay = NAK_MIN_MS * (int64_t)(delivered > 0 ? delivered : 1);
		mq_nak(m, delay > NAK_MAX_MS ? NAK_MAX_MS : delay);
	} else {
		dead_letter(w, db, m, rc == TK_EINVAL ? "apply refused the event data" : err_str(rc));
	}
	event_free(&ev);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct db_conf dc = db_conf_configured();
	struct db *db = db_new(&dc, w->target->stmts, w->target->nstmts);
	struct arena *a = arena_new();
	struct mq_pull *pull = NULL;
	struct mq_consumer_conf cc = {
	    .stream = MQ_STREAM,
	    .durable = w->apply->durable,
	    .filter = w->apply->filter,
	    .ack_wait_ms = ACK_WAIT_MS,
	    .max_deliver = MAX_DELIVER,
	    .max_ack_pending = 1000,
	};
	struct mq_batch b;
	long backoff = 100;
	int rc, i, down = 0;

	while (!stopping && (mq_ensure_consumer(w->mq, &cc) != TK_OK ||
			     mq_pull_open(w->mq, MQ_STREAM, cc.durable, cc.filter, &pull) != TK_OK)) {
		nap(backoff);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	if (!stopping)
		log_info("replicator %s: consuming %s", cc.durable, cc.filter);
	while (!stopping) {
		rc = mq_fetch(pull, BATCH, FETCH_WAIT_MS, &b);
		if (rc == TK_ENOTFOUND)
			continue;
		if (rc != TK_OK) {
			if (!down)
				log_warn("replicator %s: NATS: %s; retrying", cc.durable, err_str(rc));
			down = 1;
			nap(backoff);
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
			continue;
		}
		if (down)
			log_info("replicator %s: NATS is back", cc.durable);
		down = 0;
		backoff = 100;
		for (i = 0; i < b.count; i++)
			handle(w, db, a, b.msgs[i]);
		mq_batch_free(&b);
	}
	log_info("replicator %s: stopping; %ld applied, %ld redeliveries skipped, %ld dead letters",
		 cc.durable, w->applied, w->duplicates, w->dead);
	mq_pull_close(pull);
	arena_free(a);
	db_free(db);
	return NULL;
}

/* forget: delete t's consumers and their processed_events rows (except
 * the operator's skips, version 0). */
static int
forget(const struct repl_target *t, struct mq *mq)
{
	struct db_conf dc = db_conf_configured();
	struct db *db = db_new(&dc, t->stmts, t->nstmts);
	size_t i;
	int rc = TK_OK;

	for (i = 0; rc == TK_OK && i < t->napplies; i++) {
		rc = mq_delete_consumer(mq, MQ_STREAM, t->applies[i].durable);
		if (rc == TK_ENOTFOUND)
			rc = TK_OK;
		if (rc == TK_OK)
			rc = db_exec(db, REPL_ST_FORGET,
				     (struct db_val[]){DB_S(t->applies[i].durable)}, 1, NULL, NULL);
		if (rc == TK_OK)
			log_info("replicator %s: replaying from the first message",
				 t->applies[i].durable);
		else
			log_error("replicator %s: cannot reset for replay: %s",
				  t->applies[i].durable, err_str(rc));
	}
	db_free(db);
	return rc;
}

/* run: connect, ensure the stream, run the workers until a signal. */
static int
run(const struct repl_target *t)
{
	struct worker *ws = calloc(t->napplies, sizeof(*ws));
	struct mq *mq = NULL;
	char name[128];
	long backoff = 100;
	size_t i, started = 0;
	int rc, status = 1;

	if (ws == NULL)
		goto out;
	snprintf(name, sizeof(name), "replicator-%s", t->service);
	if (mq_connect(config_str("nats_url"), name, &mq) != TK_OK)
		goto out;
	while (!stopping && (rc = mq_ensure_stream(mq, &mq_stream_default)) != TK_OK) {
		if (rc == TK_ECONFIG)
			goto out;
		nap(backoff);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	if (replay && forget(t, mq) != TK_OK)
		goto out;
	for (i = 0; i < t->napplies; i++) {
		ws[i].target = t;
		ws[i].apply = &t->applies[i];
		ws[i].mq = mq;
		if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0) {
			log_error("replicator: cannot start a thread");
			stopping = 1;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	status = started == t->napplies ? 0 : 1;
out:
	mq_close(mq);
	free(ws);
	return status;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ticketing-replicator --config FILE [--service NAME] [--replay]\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"service", required_argument, NULL, 's'},
	    {"replay", no_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	const struct repl_target *t = NULL;
	const char *config_path = NULL, *service = NULL;
	struct sigaction sa;
	size_t i;
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'c') {
			config_path = optarg;
		} else if (ch == 's') {
			service = optarg;
		} else if (ch == 'r') {
			replay = 1;
		} else {
			usage();
			return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (config_load(config_path, NULL, 0, CONFIG_OTHER_KEYS) != TK_OK)
		return 1;
	if (service == NULL) {
		service = config_str("db_name");
		if (strncmp(service, "ticketing_", 10) == 0)
			service += 10;
	}
	for (i = 0; i < repl_ntargets; i++)
		if (strcmp(repl_targets[i]->service, service) == 0)
			t = repl_targets[i];
	if (t == NULL) {
		fprintf(stderr, "ticketing-replicator: no replication target for service %s\n",
			service);
		return 2;
	}
	if (*config_str("nats_url") == '\0' || *config_str("db_name") == '\0') {
		fprintf(stderr, "ticketing-replicator: db_name and nats_url must be set\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return run(t);
}
