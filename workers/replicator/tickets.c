/*
 * Replication into the tickets service's database (ticketing_tickets):
 *   ticketing.event.*         -> events_replica; a cancelled event cancels
 *                                its listings (docs/MARKETPLACE.md rule 4)
 *   ticketing.venue.*         -> venues_replica (name, city, time zone)
 *   ticketing.stock.*         -> stock_replica (the orders service's counts;
 *                                stock.h reads the event)
 *   ticketing.session.revoked -> session_revocations (lib/revoke.h)
 * Every apply checks the event's data against its envelope and upserts
 * with a version guard: the replica row only ever moves to a newer
 * version. Cancelling listings runs in the shell's transaction with the
 * event's record (WORKER_TX): each listing's version grows and its
 * ticket.updated goes into the outbox in that transaction
 * (fcgi/tickets/listing.h), and a listing created meanwhile is ordered
 * with it by the lock on the event's replica row (fcgi/tickets/store.c).
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "listing.h"
#include "outbox.h"
#include "replicator.h"
#include "stock.h"
#include "worker.h"

enum stmt {
	ST_EVENT_UPSERT = WORKER_ST__FIRST,
	ST_VENUE_UPSERT,
	ST_STOCK_UPSERT,
	ST_REVOCATION_UPSERT,
	ST_EVENT_LISTINGS,
	ST_LISTING_CANCEL,
	ST_LISTING_STATE,
	ST_OUTBOX_INSERT,
	ST__MAX
};

/* The parameters of ST_STOCK_UPSERT. */
#define STOCK_UPSERT_PARAMS 9

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_EVENT_UPSERT] =
	"INSERT INTO events_replica"
	" (id, venue_id, name, starts_at, ends_at, status, version)"
	" VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("venue_id")
	    REPL_IF_NEWER("name") REPL_IF_NEWER("starts_at") REPL_IF_NEWER("ends_at")
		REPL_IF_NEWER("status") REPL_VERSION_LAST,
    [ST_VENUE_UPSERT] = "INSERT INTO venues_replica (id, name, city, timezone, version)"
			" VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("name")
			    REPL_IF_NEWER("city") REPL_IF_NEWER("timezone") REPL_VERSION_LAST,
    [ST_STOCK_UPSERT] =
	"INSERT INTO stock_replica (id, ticket_version, offered, quantity, reserved, sold,"
	" available, sold_amount, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("ticket_version") REPL_IF_NEWER("offered")
	    REPL_IF_NEWER("quantity") REPL_IF_NEWER("reserved") REPL_IF_NEWER("sold")
		REPL_IF_NEWER("available") REPL_IF_NEWER("sold_amount") REPL_VERSION_LAST,
    [ST_REVOCATION_UPSERT] = REPL_REVOCATION_UPSERT_SQL,
    [ST_EVENT_LISTINGS] = "SELECT id FROM listings WHERE event_id = ? AND state <> 'cancelled'"
			  " ORDER BY id FOR UPDATE",
    [ST_LISTING_CANCEL] = "UPDATE listings SET state = 'cancelled', version = version + 1"
			  " WHERE id = ? AND state <> 'cancelled'",
    [ST_LISTING_STATE] = LISTING_STATE_SQL,
    [ST_OUTBOX_INSERT] = OUTBOX_INSERT_SQL,
};

/* versioned: the data's id and version match the envelope's. */
static int
versioned(const struct envelope *ev, const char *id)
{
	int64_t version;

	return id != NULL && strcmp(id, ev->aggregate_id) == 0 &&
	       repl_int(ev, "version", 1, INT64_MAX, &version) && version == ev->version;
}

/* cancel_listings: every listing of event id that is not cancelled yet
 * becomes cancelled, each with ticket.updated. */
static int
cancel_listings(struct worker_job *job, const char *id)
{
	struct db_rows rows;
	const char *lid;
	size_t i;
	int rc;

	rc = db_exec(job->db, ST_EVENT_LISTINGS, (struct db_val[]){DB_S(id)}, 1, job->a, &rows);
	for (i = 0; rc == TK_OK && i < rows.nrows; i++) {
		lid = db_str(&rows, i, 0);
		rc = db_exec(job->db, ST_LISTING_CANCEL, (struct db_val[]){DB_S(lid)}, 1, NULL,
			     NULL);
		if (rc == TK_OK)
			rc = listing_emit(job->db, ST_LISTING_STATE, ST_OUTBOX_INSERT, job->a,
					  "ticket.updated", lid);
	}
	return rc;
}

static int
apply_event(struct worker_job *job)
{
	const struct envelope *ev = job->ev;
	const char *id = repl_str(ev, "id", 36), *venue = repl_str(ev, "venue_id", 36),
		   *name = repl_str(ev, "name", 800), *status = repl_str(ev, "status", 16);
	char starts[REPL_UTC_LEN + 1], ends[REPL_UTC_LEN + 1];
	int rc;

	if (!versioned(ev, id) || venue == NULL || name == NULL || status == NULL ||
	    !repl_utc(repl_str(ev, "starts_at", 32), starts) ||
	    !repl_utc(repl_str(ev, "ends_at", 32), ends))
		return TK_EINVAL;
	if (strcmp(status, "scheduled") != 0 && strcmp(status, "cancelled") != 0)
		return TK_EINVAL;
	rc = db_exec(job->db, ST_EVENT_UPSERT,
		     (struct db_val[]){DB_S(id), DB_S(venue), DB_S(name), DB_S(starts), DB_S(ends),
				       DB_S(status), DB_I(ev->version)},
		     7, NULL, NULL);
	/* Cancelled is final: whichever version says so cancels the listings
	 * that are left (none when this was applied before). */
	if (rc == TK_OK && strcmp(status, "cancelled") == 0)
		rc = cancel_listings(job, id);
	return rc;
}

static int
apply_venue(const struct envelope *ev, struct db *db)
{
	const char *id = repl_str(ev, "id", 36), *name = repl_str(ev, "name", 800),
		   *city = repl_str(ev, "city", 400), *tz = repl_str(ev, "timezone", 64);

	if (!versioned(ev, id) || name == NULL || city == NULL || tz == NULL)
		return TK_EINVAL;
	return db_exec(
	    db, ST_VENUE_UPSERT,
	    (struct db_val[]){DB_S(id), DB_S(name), DB_S(city), DB_S(tz), DB_I(ev->version)}, 5,
	    NULL, NULL);
}

/* stock_params: a stock.changed, decoded by stock.h, as ST_STOCK_UPSERT's
 * parameters. */
static void
stock_params(const struct stock_change *sc, struct db_val *p)
{
	memcpy(p,
	       (struct db_val[]){DB_S(sc->id), DB_I(sc->ticket_version), DB_I(sc->offered),
				 DB_I(sc->quantity), DB_I(sc->reserved), DB_I(sc->sold),
				 DB_I(sc->available), DB_I(sc->sold_amount), DB_I(sc->version)},
	       STOCK_UPSERT_PARAMS * sizeof(*p));
}

static int
stock_row_of(const struct worker_job *job, struct db_val *row)
{
	return stock_row(job, stock_params, row);
}

/* Each stock.changed is one row of ST_STOCK_UPSERT (worker_rows). */
static const struct worker_rows stock_rows = {"tickets-stock", ST_STOCK_UPSERT, STOCK_UPSERT_PARAMS,
					      stock_row_of};

static struct worker_verdict
h_events(struct worker_job *job)
{
	return worker_verdict_of(apply_event(job), job->delivered);
}

static struct worker_verdict
h_venues(struct worker_job *job)
{
	return worker_verdict_of(apply_venue(job->ev, job->db), job->delivered);
}

static struct worker_verdict
h_stock(struct worker_job *job)
{
	return stock_handle(job, &stock_rows);
}

static struct worker_verdict
h_sessions(struct worker_job *job)
{
	return worker_verdict_of(repl_revocation(job->db, ST_REVOCATION_UPSERT, job->ev),
				 job->delivered);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"tickets-events", h_events, WORKER_TX | WORKER_EMITS},
    {"tickets-venues", h_venues, WORKER_TX},
    {"tickets-stock", h_stock, WORKER_TX},
    {"tickets-sessions", h_sessions, WORKER_TX},
};

const struct worker_def repl_tickets = {
    .name = "replicator",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
    .rows = &stock_rows,
    .nrows = 1,
};
