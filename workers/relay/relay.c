/*
 * ticketing-relay: the outbox relay of one service database. It publishes
 * the database's unsent outbox rows to JetStream in id order, each with
 * Nats-Msg-Id = event_id, and marks a row sent only after its PubAck, in
 * the transaction that locked it. Whatever dies when, a row is published
 * again until it is marked, and JetStream drops the repeat (duplicate
 * window, mq.h), so every committed event reaches the stream exactly once.
 *
 * Several relays on one database share the work: rows are claimed with
 * SELECT ... FOR UPDATE SKIP LOCKED under READ COMMITTED, so a relay never
 * waits for another and never blocks the service's inserts. (Two relays
 * may then publish neighbouring batches concurrently; consumers apply by
 * version, so cross-batch order does not matter to them.)
 *
 * Wake-ups: the service publishes a core-NATS nudge on
 * MQ_NUDGE_PREFIX<db_name> after each commit that wrote events; the relay
 * also polls every POLL_MS in case a nudge was lost (NATS down, or a
 * writer without a connection such as ticketingctl). While NATS or MariaDB
 * is down it backs off (up to BACKOFF_MAX_MS) and catches up afterwards.
 * Sent rows older than outbox_retention_seconds are deleted.
 *
 * Usage: ticketing-relay --config FILE [--kill-after-publish N]
 * FILE is the service's own configuration (db_*, nats_url,
 * outbox_retention_seconds). Stops cleanly on SIGTERM or SIGINT after the
 * batch in hand. --kill-after-publish is for fault tests: the process
 * SIGKILLs itself right after the Nth PubAck, before marking that row sent
 * (the worst moment to die).
 */
#include <errno.h>
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
#include "log.h"
#include "mq.h"

#define BATCH 100
#define POLL_MS 500
#define PUBLISH_TIMEOUT_MS 2000
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 2000
#define PRUNE_EVERY_S 60

enum stmt {
	ST_READ_COMMITTED,
	ST_CLAIM,
	ST_MARK_SENT,
	ST_PRUNE,
	ST__MAX
};

/* ST_CLAIM's LIMIT is BATCH. */
static const char *const stmts[ST__MAX] = {
    [ST_READ_COMMITTED] = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
    [ST_CLAIM] = "SELECT id, event_id, subject, payload FROM outbox WHERE sent_at IS NULL "
		 "ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED",
    [ST_MARK_SENT] = "UPDATE outbox SET sent_at = NOW(6) WHERE id = ?",
    [ST_PRUNE] = "DELETE FROM outbox WHERE sent_at < NOW(6) - INTERVAL ? SECOND "
		 "ORDER BY sent_at LIMIT 1000",
};

static volatile sig_atomic_t stopping;
static long kill_after; /* --kill-after-publish; 0: never */
static long acked;	/* PubAcks received by this process */

/* The wake-up state the nudge listener sets. */
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv;
static int woken;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
on_nudge(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wake_mu);
	woken = 1;
	pthread_cond_signal(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

/* wait_ms: sleep up to ms, ending early on a nudge when wakeable; at most
 * 100 ms at a time so a signal is noticed promptly. */
static void
wait_ms(long ms, int wakeable)
{
	struct timespec until;
	long step;

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
			ms = 0;
		}
		pthread_mutex_unlock(&wake_mu);
	}
}

/*
 * relay_batch: claim up to BATCH unsent rows, publish them in order and
 * mark the acknowledged ones sent, in one transaction. *published gets
 * the number marked, *claimed the number claimed. TK_OK when every claimed
 * row went out; TK_EIO when NATS failed part-way (the rows before it are
 * still marked); a db.h error when MariaDB failed (nothing marked: the
 * rows go out again and JetStream drops the repeats).
 */
static int
relay_batch(struct db *db, struct mq *mq, struct arena *a, int *published, int *claimed)
{
	struct db_rows rows;
	size_t i;
	int rc, prc = TK_OK;

	*published = 0;
	*claimed = 0;
	arena_reset(a);
	pthread_mutex_lock(&wake_mu);
	woken = 0;
	pthread_mutex_unlock(&wake_mu);
	rc = db_exec(db, ST_READ_COMMITTED, NULL, 0, NULL, NULL);
	if (rc == TK_OK)
		rc = db_begin(db);
	if (rc != TK_OK)
		goto out;
	rc = db_exec(db, ST_CLAIM, NULL, 0, a, &rows);
	if (rc != TK_OK)
		goto out;
	*claimed = (int)rows.nrows;
	for (i = 0; i < rows.nrows && prc == TK_OK; i++) {
		const struct db_val *payload = db_cell(&rows, i, 3);
		int dup = 0;

		prc = mq_publish(mq, db_str(&rows, i, 2), db_str(&rows, i, 1), payload->s,
				 payload->len, PUBLISH_TIMEOUT_MS, &dup);
		if (prc != TK_OK)
			break;
		if (dup)
			log_info("relay: event %s was published before; JetStream dropped the repeat",
				 db_str(&rows, i, 1));
		if (++acked == kill_after)
			raise(SIGKILL);
		rc = db_exec(db, ST_MARK_SENT, (struct db_val[]){DB_I(db_int(&rows, i, 0))}, 1,
			     NULL, NULL);
		if (rc != TK_OK)
			goto out;
		(*published)++;
	}
	rc = db_commit(db);
	if (rc == TK_OK)
		rc = prc;
	else
		*published = 0;
out:
	if (rc != TK_OK && rc != TK_EIO)
		db_rollback(db);
	return rc;
}

static int
prune(struct db *db)
{
	return db_exec(db, ST_PRUNE,
		       (struct db_val[]){DB_I(config_int("outbox_retention_seconds"))}, 1, NULL,
		       NULL);
}

/* run: set up, then relay until a signal. Returns the exit status. */
static int
run(void)
{
	struct db_conf dc = db_conf_configured();
	struct db *db = NULL;
	struct mq *mq = NULL;
	struct arena *a = arena_new();
	char name[160], nudge[200];
	long backoff = BACKOFF_MIN_MS;
	time_t last_prune = 0;
	int rc, published, claimed, failing = 0, status = 1;
	long total = 0;

	if (*dc.database == '\0' || *config_str("nats_url") == '\0') {
		log_error("relay: db_name and nats_url must be set");
		goto out;
	}
	snprintf(name, sizeof(name), "relay-%s", dc.database);
	snprintf(nudge, sizeof(nudge), MQ_NUDGE_PREFIX "%s", dc.database);
	db = db_new(&dc, stmts, ST__MAX);
	if (mq_connect(config_str("nats_url"), name, &mq) != TK_OK)
		goto out;
	while (!stopping && (rc = mq_ensure_stream(mq, &mq_stream_default)) != TK_OK) {
		if (rc == TK_ECONFIG)
			goto out;
		wait_ms(backoff, 0);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	if (!stopping && mq_listen(mq, nudge, on_nudge, NULL) != TK_OK)
		log_warn("relay: cannot listen on %s; polling only", nudge);
	log_info("relay: %s -> stream %s", dc.database, MQ_STREAM);
	backoff = BACKOFF_MIN_MS;
	while (!stopping) {
		rc = relay_batch(db, mq, a, &published, &claimed);
		total += published;
		if (rc != TK_OK) {
			if (!failing)
				log_warn("relay: %s: %s; backing off", rc == TK_EIO ? "NATS" : "MariaDB",
					 err_str(rc));
			failing = 1;
			wait_ms(backoff, 0);
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
			continue;
		}
		if (failing)
			log_info("relay: recovered; %ld events published so far", total);
		failing = 0;
		backoff = BACKOFF_MIN_MS;
		if (time(NULL) - last_prune >= PRUNE_EVERY_S && prune(db) == TK_OK)
			last_prune = time(NULL);
		if (claimed < BATCH)
			wait_ms(POLL_MS, 1);
	}
	log_info("relay: stopping; %ld events published", total);
	status = 0;
out:
	mq_close(mq);
	db_free(db);
	arena_free(a);
	return status;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ticketing-relay --config FILE [--kill-after-publish N]\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"kill-after-publish", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0},
	};
	pthread_condattr_t ca;
	struct sigaction sa;
	const char *config_path = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'c') {
			config_path = optarg;
		} else if (ch == 'k' && atol(optarg) > 0) {
			kill_after = atol(optarg);
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
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cv, &ca);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return run();
}
