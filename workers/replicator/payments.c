/*
 * Replication into the payments service's database (ticketing_payments):
 *   ticketing.order.*         -> orders_replica (whose order, what it
 *                                costs, its state and deadline: what a
 *                                checkout may charge)
 *   ticketing.session.revoked -> session_revocations (lib/revoke.h)
 * Every apply checks the event's data against its envelope and upserts
 * with a version guard: the replica row only ever moves to a newer
 * version.
 */
#include <string.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "replicator.h"
#include "worker.h"

enum stmt { ST_ORDER_UPSERT = WORKER_ST__FIRST, ST_REVOCATION_UPSERT, ST__MAX };

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_ORDER_UPSERT] =
	"INSERT INTO orders_replica (id, buyer_id, listing_id, amount, currency, state,"
	" expires_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("buyer_id") REPL_IF_NEWER("listing_id")
	    REPL_IF_NEWER("amount") REPL_IF_NEWER("currency") REPL_IF_NEWER("state")
		REPL_IF_NEWER("expires_at") REPL_VERSION_LAST,
    [ST_REVOCATION_UPSERT] = REPL_REVOCATION_UPSERT_SQL,
};

/* The states of orders_replica.state. */
static const char *const order_states[] = {"awaiting_payment", "paying", "complete", "refunded",
					   "cancelled"};

static int
known_state(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(order_states) / sizeof(order_states[0]); i++)
		if (strcmp(s, order_states[i]) == 0)
			return 1;
	return 0;
}

static int
apply_order(const struct envelope *ev, struct db *db)
{
	const char *id = repl_str(ev, "id", 36), *buyer = repl_str(ev, "buyer_id", 36),
		   *listing = repl_str(ev, "ticket_id", 36),
		   *currency = repl_str(ev, "currency", 3), *state = repl_str(ev, "state", 32);
	char expires[REPL_UTC_MS_LEN + 1];
	int64_t amount, version;

	/* An order event without a buyer or listing is not an order a buyer
	 * could pay (the expiry tests write such, for orders that exist
	 * nowhere): nothing to keep. */
	if (repl_str(ev, "buyer_id", 36) == NULL && repl_str(ev, "ticket_id", 36) == NULL)
		return TK_OK;
	if (id == NULL || strcmp(id, ev->aggregate_id) != 0 ||
	    !repl_int(ev, "version", 1, INT64_MAX, &version) || version != ev->version ||
	    buyer == NULL || listing == NULL || currency == NULL || !known_state(state) ||
	    !repl_int(ev, "amount", 0, INT64_MAX, &amount) ||
	    !repl_utc_ms(repl_str(ev, "expires_at", EVENT_TIME_LEN), expires))
		return TK_EINVAL;
	return db_exec(db, ST_ORDER_UPSERT,
		       (struct db_val[]){DB_S(id), DB_S(buyer), DB_S(listing), DB_I(amount),
					 DB_S(currency), DB_S(state), DB_S(expires),
					 DB_I(ev->version)},
		       8, NULL, NULL);
}

static struct worker_verdict
h_orders(struct worker_job *job)
{
	return worker_verdict_of(apply_order(job->ev, job->db), job->delivered);
}

static struct worker_verdict
h_sessions(struct worker_job *job)
{
	return worker_verdict_of(repl_revocation(job->db, ST_REVOCATION_UPSERT, job->ev),
				 job->delivered);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"payments-orders", h_orders, WORKER_TX},
    {"payments-sessions", h_sessions, WORKER_TX},
};

const struct worker_def repl_payments = {
    .name = "replicator",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
};
