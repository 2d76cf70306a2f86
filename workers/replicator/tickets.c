/*
 * Replication into the tickets service's database (ticketing_tickets):
 *   ticketing.event.*         -> events_replica; a cancelled event cancels
 *                                its listings (docs/MARKETPLACE.md rule 4)
 *   ticketing.venue.*         -> venues_replica (name, city, time zone)
 *   ticketing.stock.*         -> stock_replica (the orders service's counts;
 *                                stock.h reads the event)
 *   ticketing.session.revoked -> session_revocations (lib/revoke.h)
 *   ticketing.order.*         -> orders_replica (e-ticket checks)
 *   ticketing.user.*          -> users_replica (the holder's name; whether
 *                                the address is verified, for listing)
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
	ST_ORDER_UPSERT,
	ST_USER_UPSERT,
	ST__MAX
};

/* The parameters of ST_STOCK_UPSERT. */
#define STOCK_UPSERT_PARAMS 9

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_EVENT_UPSERT] =
	"INSERT INTO events_replica"
	" (id, venue_id, name, starts_at, ends_at, status, created_by, version)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("venue_id")
	    REPL_IF_NEWER("name") REPL_IF_NEWER("starts_at") REPL_IF_NEWER("ends_at")
		REPL_IF_NEWER("status") REPL_IF_NEWER("created_by") REPL_VERSION_LAST,
    [ST_VENUE_UPSERT] = REPL_VENUE_UPSERT_SQL,
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
    [ST_ORDER_UPSERT] =
	"INSERT INTO orders_replica (id, state, event_id, listing_id, buyer_id, quantity, version)"
	" VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("state")
	    REPL_IF_NEWER("event_id") REPL_IF_NEWER("listing_id") REPL_IF_NEWER("buyer_id")
		REPL_IF_NEWER("quantity") REPL_VERSION_LAST,
    [ST_USER_UPSERT] = REPL_USER_VERIFIED_UPSERT_SQL,
};

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
		   *name = repl_str(ev, "name", 800), *status = repl_str(ev, "status", 16),
		   *organizer = repl_str(ev, "created_by", 36);
	char starts[REPL_UTC_LEN + 1], ends[REPL_UTC_LEN + 1];
	int rc;

	if (!repl_versioned(ev, id) || venue == NULL || name == NULL || status == NULL ||
	    organizer == NULL || !repl_utc(repl_str(ev, "starts_at", 32), starts) ||
	    !repl_utc(repl_str(ev, "ends_at", 32), ends))
		return TK_EINVAL;
	if (strcmp(status, "scheduled") != 0 && strcmp(status, "cancelled") != 0)
		return TK_EINVAL;
	rc = db_exec(job->db, ST_EVENT_UPSERT,
		     (struct db_val[]){DB_S(id), DB_S(venue), DB_S(name), DB_S(starts), DB_S(ends),
				       DB_S(status), DB_S(organizer), DB_I(ev->version)},
		     8, NULL, NULL);
	/* Cancelled is final: whichever version says so cancels the listings
	 * that are left (none when this was applied before). */
	if (rc == TK_OK && strcmp(status, "cancelled") == 0)
		rc = cancel_listings(job, id);
	return rc;
}

/* apply_order: an order.* event's state into orders_replica, whatever
 * the type (every order.* carries the order's full state), except
 * order.created: an order awaiting payment has no e-ticket, so the
 * replica holds orders from their first change on (version 2 and up; the
 * registry's check compares it with those). */
static int
apply_order(const struct envelope *ev, struct db *db)
{
	static const char *const states[] = {"awaiting_payment", "paying", "complete", "refunded",
					     "cancelled"};
	const char *id = repl_str(ev, "id", 36), *state = repl_str(ev, "state", 20),
		   *event = repl_str(ev, "event_id", 36), *listing = repl_str(ev, "ticket_id", 36),
		   *buyer = repl_str(ev, "buyer_id", 36);
	int64_t quantity;
	size_t i;

	if (strcmp(ev->type, "order.created") == 0)
		return TK_OK;
	if (!repl_versioned(ev, id) || state == NULL || event == NULL || listing == NULL ||
	    buyer == NULL || !repl_int(ev, "quantity", 1, 255, &quantity))
		return TK_EINVAL;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i]) == 0)
			break;
	if (i == sizeof(states) / sizeof(states[0]))
		return TK_EINVAL;
	return db_exec(db, ST_ORDER_UPSERT,
		       (struct db_val[]){DB_S(id), DB_S(state), DB_S(event), DB_S(listing),
					 DB_S(buyer), DB_I(quantity), DB_I(ev->version)},
		       7, NULL, NULL);
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
	return worker_verdict_of(repl_venue(job->db, ST_VENUE_UPSERT, job->ev), job->delivered);
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

static struct worker_verdict
h_orders(struct worker_job *job)
{
	return worker_verdict_of(apply_order(job->ev, job->db), job->delivered);
}

static struct worker_verdict
h_users(struct worker_job *job)
{
	return worker_verdict_of(repl_user_verified(job->db, ST_USER_UPSERT, job->ev),
				 job->delivered);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"tickets-events", h_events, WORKER_TX | WORKER_EMITS},
    {"tickets-venues", h_venues, WORKER_TX},
    {"tickets-stock", h_stock, WORKER_TX},
    {"tickets-sessions", h_sessions, WORKER_TX},
    {"tickets-orders", h_orders, WORKER_TX},
    {"tickets-users", h_users, WORKER_TX},
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
