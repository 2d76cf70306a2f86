/*
 * Health routes and Prometheus metrics of a FastCGI service (ops.h): the
 * request counters ops_count keeps with relaxed atomics, the routes the
 * shell answers before any session, and the metrics page, which adds to
 * those counters what the service's database knows (its outbox backlog,
 * its workers' heartbeats and consumer lag, the service's facts).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "backbone.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "ops.h"
#include "req.h"
#include "xalloc.h"

#define STATUS_MIN 100
#define STATUS_MAX 599
#define PATH_MAX_LEN 96

static const int64_t bucket_us[] = OPS_BUCKETS_US;
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

/* The counters: requests by status, and by the first bucket each took no
 * longer than (the last one, +Inf, for the rest); made cumulative only
 * when written out. */
static uint64_t by_status[STATUS_MAX - STATUS_MIN + 1];
static uint64_t by_bucket[NBUCKETS + 1];
static uint64_t sum_us;

/* The statements of the loopback routes, the facts' after them. */
enum { OPS_ST_OUTBOX, OPS_ST_BEATS, OPS_ST_PENDING, OPS_ST__FIRST };

static const char *const base_stmts[] = {
    [OPS_ST_OUTBOX] = "SELECT COUNT(*), "
		      "COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(6)), 0) "
		      "FROM outbox WHERE sent_at IS NULL",
    [OPS_ST_BEATS] = "SELECT worker, TIMESTAMPDIFF(MICROSECOND, beat_at, NOW(6)), instance "
		     "FROM worker_beats ORDER BY worker, instance",
    [OPS_ST_PENDING] = "SELECT consumer, pending, "
		       "TIMESTAMPDIFF(MICROSECOND, pending_at, NOW(6)) "
		       "FROM consumer_state WHERE pending IS NOT NULL ORDER BY consumer",
};

/* Written by ops_init before the threads start, read-only after. */
static const char *service;
static const struct ops_fact *facts;
static size_t nfacts;
static int has_outbox, has_beats, has_pending;
static const char **stmts;
static char paths[3][PATH_MAX_LEN];
static struct route routes[3];
static size_t nroutes;

/* The loopback routes' connection, one scrape at a time. */
static pthread_mutex_t ops_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db *ops_db;

void
ops_count(int status, int64_t duration_us)
{
	size_t i = 0;

	if (status >= STATUS_MIN && status <= STATUS_MAX)
		__atomic_add_fetch(&by_status[status - STATUS_MIN], 1, __ATOMIC_RELAXED);
	if (duration_us < 0)
		duration_us = 0;
	while (i < NBUCKETS && duration_us > bucket_us[i])
		i++;
	__atomic_add_fetch(&by_bucket[i], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sum_us, (uint64_t)duration_us, __ATOMIC_RELAXED);
}

/* seconds: microseconds us as seconds, in arena a. */
static const char *
seconds(struct arena *a, int64_t us)
{
	return arena_printf(a, "%lld.%06lld", (long long)(us / 1000000),
			    (long long)(us % 1000000 < 0 ? -(us % 1000000) : us % 1000000));
}

/* header: the HELP and TYPE lines of metric name (after "ticketing_"). */
static void
header(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP ticketing_%s %s\n# TYPE ticketing_%s %s\n", name, help, name, type);
}

/* put_requests: the request counters and the latency histogram. */
static void
put_requests(struct request *r, struct buf *b)
{
	uint64_t n, cumulative = 0;
	size_t i;

	header(b, "http_requests_total", "counter", "Requests answered, by status code.");
	for (i = 0; i < sizeof(by_status) / sizeof(by_status[0]); i++) {
		n = __atomic_load_n(&by_status[i], __ATOMIC_RELAXED);
		if (n > 0)
			buf_printf(
			    b, "ticketing_http_requests_total{service=\"%s\",code=\"%d\"} %llu\n",
			    service, (int)i + STATUS_MIN, (unsigned long long)n);
	}
	header(b, "http_request_duration_seconds", "histogram",
	       "Time from the parsed request to the written answer.");
	for (i = 0; i <= NBUCKETS; i++) {
		cumulative += __atomic_load_n(&by_bucket[i], __ATOMIC_RELAXED);
		buf_printf(
		    b,
		    "ticketing_http_request_duration_seconds_bucket{service=\"%s\",le=\"%s\"} "
		    "%llu\n",
		    service,
		    i < NBUCKETS ? arena_printf(r->arena, "%g", (double)bucket_us[i] / 1e6)
				 : "+Inf",
		    (unsigned long long)cumulative);
	}
	buf_printf(b, "ticketing_http_request_duration_seconds_sum{service=\"%s\"} %s\n", service,
		   seconds(r->arena, (int64_t)__atomic_load_n(&sum_us, __ATOMIC_RELAXED)));
	buf_printf(b, "ticketing_http_request_duration_seconds_count{service=\"%s\"} %llu\n",
		   service, (unsigned long long)cumulative);
}

/* put_database: what the service's database knows, on the loopback
 * connection (held by the caller), after a ping (so a service without
 * such tables, the sandbox, still says whether its database answers).
 * TK_OK or the first failure; what was read before it is written. */
static int
put_database(struct request *r, struct buf *b)
{
	struct db_rows rows = {0};
	size_t i;
	int rc = db_ping(ops_db);

	if (rc != TK_OK)
		goto out;
	if (has_outbox) {
		rc = db_exec(ops_db, OPS_ST_OUTBOX, NULL, 0, r->arena, &rows);
		if (rc == TK_OK && rows.nrows != 1)
			rc = TK_EDB;
		if (rc != TK_OK)
			goto out;
		header(b, "outbox_unsent", "gauge", "Outbox rows not yet published.");
		buf_printf(b, "ticketing_outbox_unsent{service=\"%s\"} %lld\n", service,
			   (long long)db_int(&rows, 0, 0));
		header(b, "outbox_oldest_unsent_seconds", "gauge",
		       "Age of the oldest unpublished outbox row; 0 when none.");
		buf_printf(b, "ticketing_outbox_oldest_unsent_seconds{service=\"%s\"} %s\n",
			   service, seconds(r->arena, db_int(&rows, 0, 1)));
	}
	if (has_beats) {
		rc = db_exec(ops_db, OPS_ST_BEATS, NULL, 0, r->arena, &rows);
		if (rc != TK_OK)
			goto out;
		header(b, "worker_beat_age_seconds", "gauge",
		       "Time since the worker last had its database and NATS connections working.");
		for (i = 0; i < rows.nrows; i++)
			buf_printf(b,
				   "ticketing_worker_beat_age_seconds{service=\"%s\",worker=\"%s\","
				   "instance=\"%s\"} %s\n",
				   service, db_str(&rows, i, 0), db_str(&rows, i, 2),
				   seconds(r->arena, db_int(&rows, i, 1)));
		header(b, "worker_up", "gauge", "1 when the worker's heartbeat is fresh, else 0.");
		for (i = 0; i < rows.nrows; i++)
			buf_printf(
			    b,
			    "ticketing_worker_up{service=\"%s\",worker=\"%s\",instance=\"%s\"} "
			    "%d\n",
			    service, db_str(&rows, i, 0), db_str(&rows, i, 2),
			    db_int(&rows, i, 1) <= (int64_t)OPS_BEAT_STALE_S * 1000000);
	}
	if (has_pending) {
		rc = db_exec(ops_db, OPS_ST_PENDING, NULL, 0, r->arena, &rows);
		if (rc != TK_OK)
			goto out;
		header(b, "consumer_pending", "gauge",
		       "Messages a durable consumer had not yet acknowledged, as its worker last "
		       "read from JetStream.");
		for (i = 0; i < rows.nrows; i++)
			buf_printf(
			    b, "ticketing_consumer_pending{service=\"%s\",consumer=\"%s\"} %lld\n",
			    service, db_str(&rows, i, 0), (long long)db_int(&rows, i, 1));
		header(b, "consumer_pending_age_seconds", "gauge",
		       "Age of the consumer_pending reading.");
		for (i = 0; i < rows.nrows; i++)
			buf_printf(b,
				   "ticketing_consumer_pending_age_seconds{service=\"%s\",consumer="
				   "\"%s\"} %s\n",
				   service, db_str(&rows, i, 0),
				   seconds(r->arena, db_int(&rows, i, 2)));
	}
	for (i = 0; i < nfacts; i++) {
		rc = db_exec(ops_db, OPS_ST__FIRST + (int)i, NULL, 0, r->arena, &rows);
		if (rc == TK_OK && rows.nrows != 1)
			rc = TK_EDB;
		if (rc != TK_OK)
			goto out;
		header(b, facts[i].name, "counter", facts[i].help);
		buf_printf(b, "ticketing_%s{service=\"%s\"} %lld\n", facts[i].name, service,
			   (long long)db_int(&rows, 0, 0));
	}
out:
	return rc;
}

/*
 * h_metrics: the metrics page (text/plain; version=0.0.4). The database's
 * part is left out when the database fails, and ticketing_database_up
 * says so: the request counters still reach the scraper. Answers 200.
 */
static int
h_metrics(struct request *r)
{
	struct buf b = {0};
	int rc;

	put_requests(r, &b);
	pthread_mutex_lock(&ops_mu);
	rc = put_database(r, &b);
	pthread_mutex_unlock(&ops_mu);
	if (rc != TK_OK)
		log_warn("%s: metrics: the database's part failed: %s", service, err_str(rc));
	header(&b, "database_up", "gauge",
	       "1 when the service's database answered every metrics query, else 0.");
	buf_printf(&b, "ticketing_database_up{service=\"%s\"} %d\n", service, rc == TK_OK);
	resp_text(r, 200, b.data);
	resp_header_remove(r, "Content-Type");
	resp_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	buf_free(&b);
	return TK_OK;
}

/* h_health: 200 "ok" when the database answers on the request thread's
 * own connection (the one the service's requests use), else 503 naming
 * it. */
static int
h_health(struct request *r)
{
	int rc = db_ping(r->store.db);

	if (rc == TK_OK)
		resp_text(r, 200, "ok\n");
	else
		resp_text(r, 503, arena_printf(r->arena, "database: %s\n", err_str(rc)));
	return TK_OK;
}

/*
 * h_workers: one line per instance of each worker of the service's
 * database, "NAME fresh AGE INSTANCE" or "NAME stale AGE INSTANCE"
 * (seconds since its beat; the instance's --instance name). 200 when every
 * one is fresh; 503 when one is stale, none ever beat, or the database
 * fails.
 */
static int
h_workers(struct request *r)
{
	struct db_rows rows = {0};
	struct buf b = {0};
	size_t i;
	int rc, stale = 0;

	pthread_mutex_lock(&ops_mu);
	rc = db_exec(ops_db, OPS_ST_BEATS, NULL, 0, r->arena, &rows);
	pthread_mutex_unlock(&ops_mu);
	if (rc != TK_OK) {
		resp_text(r, 503, arena_printf(r->arena, "database: %s\n", err_str(rc)));
		goto out;
	}
	for (i = 0; i < rows.nrows; i++) {
		int64_t age = db_int(&rows, i, 1);
		int fresh = age <= (int64_t)OPS_BEAT_STALE_S * 1000000;

		stale |= !fresh;
		buf_printf(&b, "%s %s %s %s\n", db_str(&rows, i, 0), fresh ? "fresh" : "stale",
			   seconds(r->arena, age), db_str(&rows, i, 2));
	}
	if (rows.nrows == 0)
		buf_puts(&b, "no worker has beaten\n");
	resp_text(r, stale || rows.nrows == 0 ? 503 : 200, b.data);
out:
	buf_free(&b);
	return TK_OK;
}

int
ops_init(const char *name, const struct ops_fact *fs, size_t nfs)
{
	struct db_conf dc;
	size_t i;
	int rc = TK_ECONFIG;

	if (strlen(name) + sizeof("/_health//workers") > PATH_MAX_LEN)
		goto out;
	service = name;
	facts = fs;
	nfacts = nfs;
	has_outbox = backbone_emits(name);
	has_pending = backbone_consumes(name);
	has_beats = has_outbox || has_pending;
	stmts = xcalloc(OPS_ST__FIRST + nfs, sizeof(*stmts));
	memcpy(stmts, base_stmts, sizeof(base_stmts));
	for (i = 0; i < nfs; i++)
		stmts[OPS_ST__FIRST + i] = fs[i].sql;
	snprintf(paths[0], PATH_MAX_LEN, "/_health/%s", name);
	snprintf(paths[1], PATH_MAX_LEN, "/_metrics/%s", name);
	snprintf(paths[2], PATH_MAX_LEN, "/_health/%s/workers", name);
	routes[0] = (struct route){"GET", paths[0], h_health, RF_MACHINE};
	routes[1] = (struct route){"GET", paths[1], h_metrics, RF_MACHINE | RF_LOOPBACK};
	routes[2] = (struct route){"GET", paths[2], h_workers, RF_MACHINE | RF_LOOPBACK};
	nroutes = has_beats ? 3 : 2;
	dc = db_conf_configured();
	ops_db = db_new(&dc, stmts, OPS_ST__FIRST + nfs);
	rc = TK_OK;
out:
	return rc;
}

const struct route *
ops_routes(size_t *n)
{
	*n = nroutes;
	return routes;
}

void
ops_free(void)
{
	db_free(ops_db);
	ops_db = NULL;
	free(stmts);
	stmts = NULL;
}
