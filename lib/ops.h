/*
 * Operability of a FastCGI service: its health routes and its metrics in
 * the Prometheus text format (version 0.0.4). The application shell
 * (app.c) answers the routes of ops_routes before it reads any session or
 * sets any cookie, and counts every answered request with ops_count.
 *
 * Routes (docs/DECISIONS.md "Health routes and metrics"):
 *   GET /_health/NAME          200 "ok" when the service's database answers
 *                              on the request thread's own connection, 503
 *                              naming what failed otherwise; open to all.
 *   GET /_health/NAME/workers  each instance of each worker of the
 *                              service's database, fresh or stale by its
 *                              heartbeat (worker_beats);
 *                              503 when one is stale. Loopback only.
 *   GET /_metrics/NAME         the metrics. Loopback only.
 * The loopback routes carry RF_LOOPBACK (router.h); nginx also lets only
 * loopback reach them.
 *
 * Per-request cost: ops_count adds to a few counters with relaxed atomics;
 * no lock is taken on a request's path. The database queries of the
 * loopback routes run on one connection of their own, one scrape at a
 * time.
 */
#ifndef TK_OPS_H
#define TK_OPS_H
#include <stddef.h>
#include <stdint.h>

#include "router.h"

/* A worker whose beat is older than this many seconds is stale: five
 * beats missed (WORKER_BEAT_MS, worker.h). */
#define OPS_BEAT_STALE_S 10

/* The upper bounds of the request latency histogram, in microseconds;
 * "+Inf" follows them. */
#define OPS_BUCKETS_US                                                                             \
	{                                                                                          \
		1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,   \
		    5000000, 10000000                                                              \
	}

/*
 * A counter of the service's own records, read from its database at each
 * scrape: a fact of record (reservations expired, payments settled), so
 * it survives restarts and counts what every process of the service did.
 * name is the metric's name after "ticketing_" ("reservations_expired_total"),
 * sql a statement of no parameters that returns one number.
 */
struct ops_fact {
	const char *name;
	const char *help;
	const char *sql;
};

/*
 * ops_init: get ready to serve service's routes: build them and open the
 * loopback routes' database handle (connects lazily) with the statements
 * the service's database has (backbone_common_tables) and its facts
 * (facts[0..nfacts), kept by pointer: static). Once, before the request
 * threads start. TK_OK, or TK_ECONFIG for a name too long.
 */
int ops_init(const char *service, const struct ops_fact *facts, size_t nfacts);

/* ops_routes: the routes of ops_init's service; *n (OUT) their number. */
const struct route *ops_routes(size_t *n /* OUT */);

/* ops_count: count one answered request of status taking duration_us.
 * Thread-safe, lock-free. */
void ops_count(int status, int64_t duration_us);

/* ops_free: release what ops_init opened, after the request threads
 * stopped. */
void ops_free(void);

#endif
