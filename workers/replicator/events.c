/*
 * Replication into the events service's database (ticketing_events):
 *   ticketing.user.*          -> users_replica (display name and role)
 *   ticketing.session.revoked -> session_revocations (lib/revoke.h)
 *   ticketing.stock.*         -> stock_replica (the units of each listing
 *                                the catalogue pages show; stock.h reads
 *                                the event)
 * Every apply checks the event's data against its envelope and upserts
 * with a version guard: the replica row only ever moves to a newer version.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "replicator.h"
#include "stock.h"
#include "worker.h"

enum stmt { ST_USER_UPSERT = WORKER_ST__FIRST, ST_REVOCATION_UPSERT, ST_STOCK_UPSERT, ST__MAX };

/* The parameters of ST_STOCK_UPSERT. */
#define STOCK_UPSERT_PARAMS 17

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_USER_UPSERT] = REPL_USER_UPSERT_SQL,
    [ST_REVOCATION_UPSERT] = REPL_REVOCATION_UPSERT_SQL,
    [ST_STOCK_UPSERT] =
	"INSERT INTO stock_replica (id, event_id, seller_id, section, seat_row, "
	"seat, price, currency, state, ticket_version, offered, quantity, "
	"reserved, sold, available, sold_amount, version) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("event_id") REPL_IF_NEWER("seller_id")
	    REPL_IF_NEWER("section") REPL_IF_NEWER("seat_row") REPL_IF_NEWER("seat")
		REPL_IF_NEWER("price") REPL_IF_NEWER("currency") REPL_IF_NEWER("state")
		    REPL_IF_NEWER("ticket_version") REPL_IF_NEWER("offered")
			REPL_IF_NEWER("quantity") REPL_IF_NEWER("reserved") REPL_IF_NEWER("sold")
			    REPL_IF_NEWER("available") REPL_IF_NEWER("sold_amount")
				REPL_VERSION_LAST,
};

/* stock_params: a stock.changed, decoded by stock.h, as ST_STOCK_UPSERT's
 * parameters. */
static void
stock_params(const struct stock_change *sc, struct db_val *p)
{
	memcpy(p,
	       (struct db_val[]){DB_S(sc->id), DB_S(sc->event_id), DB_S(sc->seller_id),
				 DB_S(sc->section), DB_S(sc->row), DB_S(sc->seat), DB_I(sc->price),
				 DB_S(sc->currency), DB_S(sc->state), DB_I(sc->ticket_version),
				 DB_I(sc->offered), DB_I(sc->quantity), DB_I(sc->reserved),
				 DB_I(sc->sold), DB_I(sc->available), DB_I(sc->sold_amount),
				 DB_I(sc->version)},
	       STOCK_UPSERT_PARAMS * sizeof(*p));
}

static int
stock_row_of(const struct worker_job *job, struct db_val *row)
{
	return stock_row(job, stock_params, row);
}

/* Each stock.changed is one row of ST_STOCK_UPSERT (worker_rows). */
static const struct worker_rows stock_rows = {"events-stock", ST_STOCK_UPSERT, STOCK_UPSERT_PARAMS,
					      stock_row_of};

static struct worker_verdict
h_users(struct worker_job *job)
{
	return worker_verdict_of(repl_user(job->db, ST_USER_UPSERT, job->ev), job->delivered);
}

static struct worker_verdict
h_sessions(struct worker_job *job)
{
	return worker_verdict_of(repl_revocation(job->db, ST_REVOCATION_UPSERT, job->ev),
				 job->delivered);
}

static struct worker_verdict
h_stock(struct worker_job *job)
{
	return stock_handle(job, &stock_rows);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"events-users", h_users, WORKER_TX},
    {"events-sessions", h_sessions, WORKER_TX},
    {"events-stock", h_stock, WORKER_TX},
};

const struct worker_def repl_events = {
    .name = "replicator",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
    .rows = &stock_rows,
    .nrows = 1,
};
