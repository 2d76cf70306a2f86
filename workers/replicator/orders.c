/*
 * Replication into the orders service's database (ticketing_orders), and
 * the rules of docs/MARKETPLACE.md that other services' events start:
 *   ticketing.ticket.*      -> listings_replica, then the listing's stock
 *                              row (rule 2) and, for a cancelled listing,
 *                              its awaiting orders cancelled (rule 4)
 *   ticketing.event.*       -> events_replica (start time, status; name and
 *                              venue for the e-tickets)
 *   ticketing.venue.*       -> venues_replica (name, city, time zone: the
 *                              e-tickets)
 *   ticketing.expiration.*  -> the order cancelled if its deadline passed
 *                              while it still awaits payment (rule 5)
 *   ticketing.payment.*     -> the order's payment states (docs/PAYMENTS.md):
 *                              paying or refused, complete (units sold),
 *                              cancelled (capture failed), refunded
 *   ticketing.session.*     -> session_revocations (lib/revoke.h)
 * The stock and order changes go through the ledger the FastCGI program
 * uses (fcgi/orders/ledger.h), so each rule is written once, and emit
 * stock.changed and order.* in the shell's transaction. A listing
 * cancelled with its event asks for the refund of its complete orders.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "ledger.h"
#include "log.h"
#include "payment.h"
#include "replicator.h"
#include "worker.h"

enum stmt {
	ST_LISTING_VERSION = WORKER_ST__FIRST,
	ST_LISTING_UPSERT,
	ST_STOCK_INSERT,
	ST_AWAITING,
	ST_COMPLETE,
	ST_PAY_LISTING,
	ST_LISTING_CANCELLED,
	ST_PAY_ORDER,
	ST_PAYING,
	ST_REFUSED,
	ST_COMPLETED,
	ST_REFUNDED,
	ST_EVENT_UPSERT,
	ST_REVOCATION_UPSERT,
	ST_VENUE_UPSERT,
	ST_LEDGER,
	ST__MAX = ST_LEDGER + LEDGER_ST__MAX
};

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_LISTING_VERSION] = "SELECT version FROM listings_replica WHERE id = ? FOR UPDATE",
    [ST_LISTING_UPSERT] =
	"REPLACE INTO listings_replica (id, event_id, seller_id, section, row_label, seat, note,"
	" quantity, price, currency, state, hidden_reason, version)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_STOCK_INSERT] = "INSERT INTO stock (listing_id, offered, quantity, ticket_version, version)"
			" VALUES (?, 0, 0, 0, 0)",
    [ST_AWAITING] = "SELECT id FROM orders WHERE listing_id = ? AND state = 'awaiting_payment'"
		    " ORDER BY id",
    [ST_COMPLETE] = "SELECT id FROM orders WHERE listing_id = ? AND state = 'complete'"
		    " AND refund_reason = '' ORDER BY id",
    [ST_PAY_LISTING] = "SELECT listing_id FROM orders WHERE id = ?",
    [ST_LISTING_CANCELLED] = "SELECT state = 'cancelled' FROM listings_replica WHERE id = ?",
    /* Read after the stock row's lock (the lock order of ledger.h). */
    [ST_PAY_ORDER] = "SELECT state, payment_id, refused_payment_id, buyer_id, amount, currency,"
		     " quantity, cancel_reason, expires_at <= UTC_TIMESTAMP(3)"
		     " FROM orders WHERE id = ? FOR UPDATE",
    [ST_PAYING] = "UPDATE orders SET state = 'paying', payment_id = ?, charge_id = ?,"
		  " paid_amount = ?, paying_at = UTC_TIMESTAMP(3), reason = '',"
		  " version = version + 1 WHERE id = ? AND state = 'awaiting_payment'"
		  " AND expires_at > UTC_TIMESTAMP(3)",
    [ST_REFUSED] = "UPDATE orders SET refused_payment_id = ?, reason = ?, version = version + 1"
		   " WHERE id = ?",
    [ST_COMPLETED] = "UPDATE orders SET state = 'complete', reason = '', version = version + 1"
		     " WHERE id = ? AND state = 'paying' AND payment_id = ?",
    [ST_REFUNDED] = "UPDATE orders SET state = 'refunded', reason = refund_reason,"
		    " version = version + 1 WHERE id = ? AND state = 'complete' AND payment_id = ?",
    [ST_EVENT_UPSERT] = REPL_EVENT_UPSERT_SQL,
    [ST_VENUE_UPSERT] = REPL_VENUE_UPSERT_SQL,
    [ST_REVOCATION_UPSERT] = REPL_REVOCATION_UPSERT_SQL,
    LEDGER_STMTS(ST_LEDGER),
};

/* apply_ticket: rules 2 and 4 for a ticket.* event. */
static int
apply_ticket(struct worker_job *job)
{
	const struct ledger l = {job->db, ST_LEDGER, job->a, NULL};
	const struct envelope *ev = job->ev;
	struct ledger_units u;
	struct db_rows rows, awaiting;
	struct repl_listing t;
	size_t i;
	int rc, done;

	rc = repl_listing_read(ev, &t);
	if (rc != TK_OK)
		goto out;
	/* Only a newer version replaces the replica row (it stays a faithful
	 * copy of the source) and changes the stock. */
	rc = db_exec(job->db, ST_LISTING_VERSION, (struct db_val[]){DB_S(t.id)}, 1, job->a, &rows);
	if (rc != TK_OK || (rows.nrows == 1 && db_int(&rows, 0, 0) >= ev->version))
		goto out;
	rc = db_exec(job->db, ST_LISTING_UPSERT,
		     (struct db_val[]){DB_S(t.id), DB_S(t.event_id), DB_S(t.seller_id),
				       DB_S(t.section), DB_S(t.row), DB_S(t.seat), DB_S(t.note),
				       DB_I(t.quantity), DB_I(t.price), DB_S(t.currency),
				       DB_S(t.state), DB_S(t.hidden_reason), DB_I(ev->version)},
		     13, NULL, NULL);
	if (rc != TK_OK)
		goto out;
	rc = ledger_lock(&l, t.id, 0, &u);
	if (rc == TK_ENOTFOUND) {
		rc =
		    db_exec(job->db, ST_STOCK_INSERT, (struct db_val[]){DB_S(t.id)}, 1, NULL, NULL);
		if (rc == TK_OK)
			rc = ledger_lock(&l, t.id, 0, &u);
	}
	if (rc != TK_OK)
		goto out;
	u.offered = t.quantity;
	u.ticket_version = ev->version;
	u.quantity = ledger_quantity(&u);
	rc = ledger_store(&l, t.id, &u);
	if (rc != TK_OK || strcmp(t.state, "cancelled") != 0)
		goto out;
	rc = db_exec(job->db, ST_AWAITING, (struct db_val[]){DB_S(t.id)}, 1, job->a, &awaiting);
	for (i = 0; rc == TK_OK && i < awaiting.nrows; i++)
		rc = ledger_release(&l, db_str(&awaiting, i, 0), "event_cancelled", NULL, 0, &done);
	if (rc == TK_OK)
		rc = db_exec(job->db, ST_COMPLETE, (struct db_val[]){DB_S(t.id)}, 1, job->a,
			     &awaiting);
	for (i = 0; rc == TK_OK && i < awaiting.nrows; i++)
		rc = ledger_request_refund(&l, db_str(&awaiting, i, 0), "event_cancelled", &done);
out:
	return rc;
}

/* apply_expiration: rule 5, the cancelling side: the order is cancelled
 * (reason expired) only while it awaits payment and its deadline has
 * passed; otherwise nothing happens. */
static int
apply_expiration(struct worker_job *job)
{
	const struct ledger l = {job->db, ST_LEDGER, job->a, NULL};
	const char *id = repl_str(job->ev, "order_id", 36);
	int done;

	if (strcmp(job->ev->type, "expiration.complete") != 0)
		return TK_OK;
	if (id == NULL || strcmp(id, job->ev->aggregate_id) != 0)
		return TK_EINVAL;
	return ledger_release(&l, id, "expired", NULL, 1, &done);
}

/* An order as a payment event finds it, locked. */
struct paid_order {
	const char *state, *payment_id, *refused_payment_id, *buyer_id, *currency, *cancel_reason;
	int64_t amount, quantity;
	int due; /* its deadline has passed */
};

/* refusal: why payment pe cannot make order o paying; NULL when it can. */
static const char *
refusal(const struct paid_order *o, const struct payment_event *pe)
{
	if (strcmp(o->state, "cancelled") == 0)
		return strcmp(o->cancel_reason, "expired") == 0 ? "expired" : "cancelled";
	if (strcmp(o->state, "awaiting_payment") != 0)
		return "other_payment";
	if (o->due)
		return "expired";
	if (strcmp(o->buyer_id, pe->buyer_id) != 0)
		return "buyer";
	if (strcmp(o->currency, pe->currency) != 0)
		return "currency";
	if (o->amount != pe->amount)
		return "amount";
	return NULL;
}

/* authorize: payment.authorized pe for order o (id): paying, or refused
 * (an awaiting order past its deadline cancelled as expired first). */
static int
authorize(const struct ledger *l, const char *id, const struct paid_order *o,
	  const struct payment_event *pe)
{
	const char *why = refusal(o, pe);
	struct db_rows rows;
	int rc, done;

	if (why == NULL) {
		rc = db_exec(l->db, ST_PAYING,
			     (struct db_val[]){DB_S(pe->id), DB_S(pe->charge_id), DB_I(pe->amount),
					       DB_S(id)},
			     4, l->a, &rows);
		if (rc == TK_OK && rows.affected == 1)
			rc = ledger_emit_order(l, "order.paying", id);
		goto out;
	}
	rc = TK_OK;
	if (strcmp(o->state, "awaiting_payment") == 0 && o->due)
		rc = ledger_release(l, id, "expired", NULL, 1, &done);
	if (rc == TK_OK)
		rc = db_exec(l->db, ST_REFUSED,
			     (struct db_val[]){DB_S(pe->id), DB_S(why), DB_S(id)}, 3, l->a, &rows);
	if (rc == TK_OK)
		rc = ledger_emit_refusal(l, id, pe->id, pe->charge_id);
	log_info("order %s: payment %s refused (%s)", id, pe->id, why);
out:
	return rc;
}

/* move: order id of payment pe from its state by statement stmt
 * (ST_COMPLETED, ST_REFUNDED), its units u of listing following, and
 * order event type emitted. An order completed after its listing was
 * cancelled with its event (it was paying then) is asked for its refund
 * at once, as the cancellation asked for the complete ones. */
static int
move(const struct ledger *l, int stmt, const char *type, const char *id, const char *listing,
     struct ledger_units *u, const struct paid_order *o, const struct payment_event *pe)
{
	struct db_rows rows;
	int rc, done;

	rc = db_exec(l->db, stmt, (struct db_val[]){DB_S(id), DB_S(pe->id)}, 2, l->a, &rows);
	if (rc != TK_OK || rows.affected != 1)
		goto out;
	if (stmt == ST_COMPLETED) {
		u->reserved -= o->quantity;
		u->sold += o->quantity;
		u->sold_amount += o->amount;
	} else {
		/* A refunded order's units stay sold (they are not offered
		 * again); its amount leaves the seller's earnings. */
		u->sold_amount -= o->amount;
	}
	u->quantity = ledger_quantity(u);
	rc = ledger_emit_order(l, type, id);
	if (rc == TK_OK)
		rc = ledger_store(l, listing, u);
	if (rc != TK_OK || stmt != ST_COMPLETED)
		goto out;
	rc = db_exec(l->db, ST_LISTING_CANCELLED, (struct db_val[]){DB_S(listing)}, 1, l->a, &rows);
	if (rc == TK_OK && rows.nrows == 1 && db_int(&rows, 0, 0) == 1)
		rc = ledger_request_refund(l, id, "event_cancelled", &done);
out:
	return rc;
}

/* apply_payment: a payment.* event pe, under the order's stock row and
 * order row locks. A replayed or older event finds the order past the
 * state it starts from and changes nothing. */
static int
apply_payment(struct worker_job *job, const struct payment_event *pe)
{
	const struct ledger l = {job->db, ST_LEDGER, job->a, NULL};
	const char *id = pe->order_id, *listing;
	struct ledger_units u;
	struct paid_order o;
	struct db_rows rows;
	int rc, done, mine;

	if (pe->type == PAYMENT_VOIDED)
		return TK_OK; /* the answer to a refusal: the order is as it was */
	rc = db_exec(job->db, ST_PAY_LISTING, (struct db_val[]){DB_S(id)}, 1, job->a, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows == 0) {
		rc = TK_ENOTFOUND;
		goto out;
	}
	listing = db_str(&rows, 0, 0);
	rc = ledger_lock(&l, listing, 0, &u);
	if (rc == TK_OK)
		rc = db_exec(job->db, ST_PAY_ORDER, (struct db_val[]){DB_S(id)}, 1, job->a, &rows);
	if (rc != TK_OK)
		goto out;
	o.state = db_str(&rows, 0, 0);
	o.payment_id = db_str(&rows, 0, 1);
	o.refused_payment_id = db_str(&rows, 0, 2);
	o.buyer_id = db_str(&rows, 0, 3);
	o.amount = db_int(&rows, 0, 4);
	o.currency = db_str(&rows, 0, 5);
	o.quantity = db_int(&rows, 0, 6);
	o.cancel_reason = db_str(&rows, 0, 7);
	o.due = db_int(&rows, 0, 8) != 0;
	mine = strcmp(o.payment_id, pe->id) == 0;
	switch (pe->type) {
	case PAYMENT_AUTHORIZED:
		if (!mine && strcmp(o.refused_payment_id, pe->id) != 0)
			rc = authorize(&l, id, &o, pe);
		break;
	case PAYMENT_SETTLED:
		if (mine && strcmp(o.state, "paying") == 0)
			rc = move(&l, ST_COMPLETED, "order.completed", id, listing, &u, &o, pe);
		break;
	case PAYMENT_FAILED:
		if (mine && strcmp(o.state, "paying") == 0)
			rc = ledger_release(&l, id, "capture_failed", NULL, 0, &done);
		break;
	case PAYMENT_REFUNDED:
		if (mine && strcmp(o.state, "complete") == 0)
			rc = move(&l, ST_REFUNDED, "order.refunded", id, listing, &u, &o, pe);
		break;
	case PAYMENT_VOIDED:
		break;
	}
out:
	return rc;
}

static struct worker_verdict
h_payments(struct worker_job *job)
{
	struct payment_event pe;
	const char *why;
	int rc;

	if (payment_decode(job->ev, &pe, &why) != TK_OK)
		return worker_dead(why);
	rc = apply_payment(job, &pe);
	if (rc == TK_ENOTFOUND)
		return worker_dead("order_id is not an order of this service");
	return worker_verdict_of(rc, job->delivered);
}

static struct worker_verdict
h_tickets(struct worker_job *job)
{
	return worker_verdict_of(apply_ticket(job), job->delivered);
}

static struct worker_verdict
h_events(struct worker_job *job)
{
	return worker_verdict_of(repl_event(job->db, ST_EVENT_UPSERT, job->ev), job->delivered);
}

static struct worker_verdict
h_expirations(struct worker_job *job)
{
	return worker_verdict_of(apply_expiration(job), job->delivered);
}

static struct worker_verdict
h_venues(struct worker_job *job)
{
	return worker_verdict_of(repl_venue(job->db, ST_VENUE_UPSERT, job->ev), job->delivered);
}

static struct worker_verdict
h_sessions(struct worker_job *job)
{
	return worker_verdict_of(repl_revocation(job->db, ST_REVOCATION_UPSERT, job->ev),
				 job->delivered);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"orders-tickets", h_tickets, WORKER_TX | WORKER_EMITS},
    {"orders-events", h_events, WORKER_TX},
    {"orders-expirations", h_expirations, WORKER_TX | WORKER_EMITS},
    {"orders-sessions", h_sessions, WORKER_TX},
    {"orders-payments", h_payments, WORKER_TX | WORKER_EMITS},
    {"orders-venues", h_venues, WORKER_TX},
};

const struct worker_def repl_orders = {
    .name = "replicator",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
};
