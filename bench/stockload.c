/*
 * bench/stockload: stock changes committed in the orders database at a
 * steady rate, the load of bench/backbone.sh. Each change is what the
 * orders service commits for a listing: the stock row updated and its
 * stock.changed appended to the outbox in one transaction, by the very
 * code the service and the orders replicator run (fcgi/orders/ledger.c:
 * ledger_lock, ledger_store), followed by the service's nudge of the
 * orders relay (mq_nudge_outbox). The change itself is one more unit
 * offered, so every commit carries a new stock version.
 *
 * The listings are the stock rows whose listing id starts with PREFIX-
 * (bench/backbone.sh writes them), changed once each in id order, change
 * i due at i / RATE seconds after the start, spread over THREADS
 * connections (change i on thread i % THREADS). A thread behind its
 * schedule commits at once, so the rate printed is what was reached.
 *
 * Usage: bench/stockload --config ORDERS_CONF --rate RATE [--threads N] PREFIX
 * ORDERS_CONF: the orders service's configuration (the local stack's
 * conf/orders.conf: its database account and nats_url). Prints one line:
 * "committed N in S s: R/s, at most L ms behind schedule". Exits 1 when a
 * change failed (after the others).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "ledger.h"
#include "log.h"
#include "mq.h"

#define MAX_THREADS 32

enum stmt { ST_LISTINGS, ST_LEDGER, ST__MAX = ST_LEDGER + LEDGER_ST__MAX };

static const char *const stmts[ST__MAX] = {
    [ST_LISTINGS] = "SELECT listing_id FROM stock WHERE listing_id LIKE CONCAT(?, '-%')"
		    " ORDER BY listing_id",
    LEDGER_STMTS(ST_LEDGER),
};

/* What the threads share: the listings, the schedule and the results. */
static struct db_rows listings;
static double rate;
static int nthreads = 4;
static double start_s;
static double behind_max_s; /* under mu */
static long failed;         /* under mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* change: one more unit offered of listing, in one transaction, as a
 * seller's change is committed. TK_OK or a db.h error (rolled back). */
static int
change(struct db *db, struct arena *a, const char *listing)
{
	const struct ledger l = {db, ST_LEDGER, a, NULL};
	struct ledger_units u;
	int rc;

	arena_reset(a);
	rc = db_begin(db);
	if (rc == TK_OK)
		rc = ledger_lock(&l, listing, 0, &u);
	if (rc == TK_OK) {
		u.offered++;
		u.quantity = ledger_quantity(&u);
		rc = ledger_store(&l, listing, &u);
	}
	if (rc == TK_OK)
		rc = db_commit(db);
	if (rc != TK_OK)
		db_rollback(db);
	else
		mq_nudge_outbox();
	return rc;
}

static void *
run(void *arg)
{
	long first = (long)(intptr_t)arg, i;
	struct db_conf dc = db_conf_configured();
	struct db *db = db_new(&dc, stmts, ST__MAX);
	struct arena *a = arena_new();
	struct timespec pause;
	double due, late, worst = 0;
	long bad = 0;
	int rc;

	for (i = first; i < (long)listings.nrows; i += nthreads) {
		due = start_s + (double)i / rate;
		late = now_s() - due;
		if (late < 0) {
			pause.tv_sec = (time_t)-late;
			pause.tv_nsec = (long)((-late - (double)pause.tv_sec) * 1e9);
			nanosleep(&pause, NULL);
		} else if (late > worst) {
			worst = late;
		}
		rc = change(db, a, db_str(&listings, (size_t)i, 0));
		if (rc != TK_OK) {
			log_error("stockload: %s: %s", db_str(&listings, (size_t)i, 0),
				  err_str(rc));
			bad++;
		}
	}
	pthread_mutex_lock(&mu);
	if (worst > behind_max_s)
		behind_max_s = worst;
	failed += bad;
	pthread_mutex_unlock(&mu);
	arena_free(a);
	db_free(db);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t threads[MAX_THREADS];
	const char *config_path = NULL, *prefix = NULL;
	struct arena *a = NULL;
	struct db *db = NULL;
	struct db_conf dc;
	double took;
	int i, started = 0, status = 2;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_path = argv[++i];
		else if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = atof(argv[++i]);
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else if (prefix == NULL && argv[i][0] != '-')
			prefix = argv[i];
		else
			goto usage;
	}
	if (config_path == NULL || prefix == NULL || rate <= 0 || nthreads < 1 ||
	    nthreads > MAX_THREADS)
		goto usage;
	status = 1;
	if (config_load(config_path, NULL, 0, CONFIG_OTHER_KEYS) != TK_OK)
		goto out;
	mq_nudge_enable();
	dc = db_conf_configured();
	db = db_new(&dc, stmts, ST__MAX);
	a = arena_new();
	if (db_exec(db, ST_LISTINGS, (struct db_val[]){DB_S(prefix)}, 1, a, &listings) != TK_OK) {
		log_error("stockload: cannot read the listings of %s", prefix);
		goto out;
	}
	if (listings.nrows == 0) {
		log_error("stockload: no stock row's listing id starts with %s-", prefix);
		goto out;
	}
	start_s = now_s();
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, run, (void *)(intptr_t)i) != 0)
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	took = now_s() - start_s;
	printf("committed %zu in %.2f s: %.0f/s, at most %.0f ms behind schedule\n", listings.nrows,
	       took, (double)listings.nrows / took, behind_max_s * 1000);
	if (started == nthreads && failed == 0)
		status = 0;
	goto out;
usage:
	fputs("usage: bench/stockload --config ORDERS_CONF --rate RATE [--threads N] PREFIX\n",
	      stderr);
out:
	arena_free(a);
	db_free(db);
	return status;
}
