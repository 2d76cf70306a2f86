/*
 * Data access of the orders service: its statement table (the ledger's
 * statements included, ledger.h) and the only code of the program that
 * runs them. A reservation and a cancel are each one transaction that
 * writes its outbox events with the rows it changes; owner checks are in
 * the WHERE clauses.
 *
 * Built a second time, as the test-only program
 * tests/integration/orders_unlocked (ORDERS_UNLOCKED_TEST, make check
 * only, never installed), the reservation reads the stock row without its lock and waits
 * ORDERS_UNLOCKED_WINDOW_MS between the check and the write: the negative
 * control of the oversell race test (docs/DECISIONS.md, "The oversell
 * race and its negative control").
 */
#include <string.h>
#include <time.h>

#include "arena.h"
#include "db.h"
#include "dbcache.h"
#include "err.h"
#include "idem.h"
#include "ledger.h"
#include "orders.h"
#include "revoke.h"
#include "sess.h"
#include "store.h"
#include "uuid.h"

#ifdef ORDERS_UNLOCKED_TEST
#define ORDERS_UNLOCKED_WINDOW_MS 100
#endif

/* How often a reservation or a cancel that deadlocked (TK_ERETRY: its
 * transaction was rolled back whole) is run again. Both lock the stock
 * row with its listing row, which the orders replicator, applying a
 * seller's change, locks in the other order. */
#define STORE_TRIES 3

enum stmt {
	ST_LISTING,
	ST_ORDER_INSERT,
	ST_ORDER_VIEW,
	ST_ORDERS,
	ST_ORDER_EXISTS,
	ST_REVOKED,
	ST_REVOCATIONS_FRESH,
	ST_IDEM_CLAIM,
	ST_IDEM_LOOKUP,
	ST_ORDER_CONTEXT,
	ST_LEDGER,
	ST__MAX = ST_LEDGER + LEDGER_ST__MAX
};

/* The columns of an order page, from orders o and listings_replica l. */
/* An order's own columns (ORDER_OWN of them), from orders o. */
#define ORDER_OWN_COLUMNS                                                                          \
	"o.id, o.state, o.cancel_reason, o.currency, o.listing_id,"                                \
	" DATE_FORMAT(o.expires_at, '%Y-%m-%d %H:%i:%s'),"                                         \
	" DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i'), o.quantity, o.unit_price, o.amount,"        \
	" FLOOR(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), o.expires_at) / 1000000),"            \
	" o.buyer_id, o.refused_payment_id, o.refund_reason, o.event_id"
#define ORDER_OWN 15

/* What an order page shows of its listing, event and venue, from
 * listings_replica l, events_replica e and venues_replica v. */
#define ORDER_CONTEXT_COLUMNS                                                                      \
	"COALESCE(l.section, ''), COALESCE(l.row_label, ''), COALESCE(l.seat, ''),"                \
	" COALESCE(l.price, 0), COALESCE(e.name, ''), COALESCE(DATE_FORMAT(CONVERT_TZ("            \
	"e.starts_at, '+00:00', COALESCE(v.timezone, '+00:00')), '%Y-%m-%d %H:%i'), ''),"          \
	" COALESCE(v.timezone, 'UTC'), COALESCE(v.name, ''), COALESCE(v.city, '')"
#define ORDER_CONTEXT_JOINS                                                                        \
	" LEFT JOIN events_replica e ON e.id = o.event_id"                                         \
	" LEFT JOIN venues_replica v ON v.id = e.venue_id"

/* Orders with their context: ORDER_OWN_COLUMNS, then ORDER_CONTEXT_COLUMNS. */
#define ORDER_COLUMNS                                                                              \
	"SELECT " ORDER_OWN_COLUMNS ", " ORDER_CONTEXT_COLUMNS                                     \
	" FROM orders o LEFT JOIN listings_replica l ON l.id = o.listing_id" ORDER_CONTEXT_JOINS

const char *const orders_stmts[ST__MAX] = {
    /* The listing, whether its event is open for sale (known here,
     * scheduled and not started), and its stock row as last committed
     * (units free, the listing version applied), read without a lock. */
    [ST_LISTING] = "SELECT l.seller_id, l.event_id, l.state, l.price, l.currency,"
		   " l.section, l.row_label, l.seat,"
		   " e.id IS NOT NULL AND e.status = 'scheduled' AND e.starts_at > UTC_TIMESTAMP(),"
		   " CAST(s.quantity AS SIGNED) - s.reserved - s.sold, s.ticket_version"
		   " FROM listings_replica l JOIN stock s ON s.listing_id = l.id"
		   " LEFT JOIN events_replica e ON e.id = l.event_id WHERE l.id = ?",
    [ST_ORDER_INSERT] = "INSERT INTO orders (id, buyer_id, seller_id, listing_id, event_id,"
			" quantity, unit_price, amount, currency, expires_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
			" UTC_TIMESTAMP(3) + INTERVAL ? SECOND) RETURNING " LEDGER_ORDER_COLUMNS,
    /* The buyer's order, or any order for an admin (the third parameter). */
    /* The order's page: its context comes apart, from the thread's copy
     * (store_order). */
    [ST_ORDER_VIEW] = "SELECT " ORDER_OWN_COLUMNS " FROM orders o"
		      " WHERE o.id = ? AND (o.buyer_id = ? OR ? = 1)",
    /* Parameters: the listing, the event. */
    [ST_ORDER_CONTEXT] =
	"SELECT " ORDER_CONTEXT_COLUMNS " FROM (SELECT ? AS listing_id,"
	" ? AS event_id) o LEFT JOIN listings_replica l ON l.id = o.listing_id" ORDER_CONTEXT_JOINS,
    [ST_ORDERS] = ORDER_COLUMNS " WHERE o.buyer_id = ? ORDER BY o.created_at DESC, o.id DESC"
				" LIMIT ?",
    [ST_ORDER_EXISTS] = "SELECT state FROM orders WHERE id = ? AND (buyer_id = ? OR ? = 1)",
    [ST_REVOKED] = REVOKE_LOOKUP_SQL,
    [ST_REVOCATIONS_FRESH] = REVOKE_FRESH_SQL,
    [ST_IDEM_CLAIM] = IDEM_CLAIM_SQL,
    [ST_IDEM_LOOKUP] = IDEM_LOOKUP_SQL,
    LEDGER_STMTS(ST_LEDGER),
};

static const struct idem_stmts idem = {ST_IDEM_CLAIM, ST_IDEM_LOOKUP};

const size_t orders_nstmts = ST__MAX;

int
store_session_valid(struct store *st, const struct session *s)
{
	return revoke_check(st, ST_REVOKED, s);
}

int
store_revocations_fresh(struct store *st, int *fresh)
{
	return revoke_fresh(st, ST_REVOCATIONS_FRESH, "orders", fresh);
}

/*
 * reserve_once: one try of store_reserve. The listing and its units as
 * last committed decide every refusal without the lock, so a sold-out
 * listing's refusals never queue behind its stock row's lock (an on-sale's
 * burst). What they let through takes the lock, and the units are checked
 * again on what the lock holds; a listing version other than the one read
 * (the seller changed it in between) makes the try start again, so the
 * order always carries the price and state of the version the lock holds.
 */
static int
reserve_once(struct store *st, const char *listing, long quantity, long seconds, const char *key,
	     struct reserve_out *out)
{
	/* The stock.changed and order.created of a reservation go into the
	 * outbox by one statement. */
	struct outbox_rows held = {0};
	const struct ledger l = {st->db, ST_LEDGER, st->arena, &held};
	struct ledger_units u;
	struct db_rows rows, order;
	const char *seller, *event, *currency;
	int64_t price;
	int rc, unlocked = 0;

#ifdef ORDERS_UNLOCKED_TEST
	unlocked = 1;
#endif
	memset(out, 0, sizeof(*out));
	/* The id is claimed with the key before anything is decided: a
	 * submission of the same key finds it and goes to that order. */
	uuid_v7(out->id);
	rc = idem_begin(st, &idem, "order", key, out->id);
	if (rc == TK_EEXIST) {
		out->outcome = RESERVED;
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_LISTING, (struct db_val[]){DB_S(listing)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows != 1 || strcmp(db_str(&rows, 0, 2), "active") != 0) {
		out->outcome = REFUSED_NO_LISTING;
		goto refused;
	}
	seller = db_str(&rows, 0, 0);
	event = db_str(&rows, 0, 1);
	price = db_int(&rows, 0, 3);
	currency = db_str(&rows, 0, 4);
	out->l.price = price;
	out->l.section = db_str(&rows, 0, 5);
	out->l.row = db_str(&rows, 0, 6);
	out->l.seat = db_str(&rows, 0, 7);
	out->available = db_int(&rows, 0, 9);
	if (strcmp(seller, st->actor->user_id) == 0)
		out->outcome = REFUSED_OWN;
	else if (db_int(&rows, 0, 8) == 0)
		out->outcome = REFUSED_EVENT;
	else if (quantity > out->available)
		out->outcome = REFUSED_UNITS;
	else
		out->outcome = RESERVED;
	if (out->outcome != RESERVED)
		goto refused;
	rc = ledger_lock(&l, listing, unlocked, &u);
	if (rc == TK_ENOTFOUND) {
		out->outcome = REFUSED_NO_LISTING;
		goto refused;
	}
	if (rc != TK_OK)
		goto out;
	if (u.ticket_version != db_int(&rows, 0, 10)) {
		rc = TK_ERETRY;
		goto out;
	}
	out->available = u.quantity - u.reserved - u.sold;
	if (quantity > out->available) {
		out->outcome = REFUSED_UNITS;
		goto refused;
	}
#ifdef ORDERS_UNLOCKED_TEST
	nanosleep(&(struct timespec){0, ORDERS_UNLOCKED_WINDOW_MS * 1000000L}, NULL);
#endif
	rc = db_exec(st->db, ST_ORDER_INSERT,
		     (struct db_val[]){DB_S(out->id), DB_S(st->actor->user_id), DB_S(seller),
				       DB_S(listing), DB_S(event), DB_I(quantity), DB_I(price),
				       DB_I(price * quantity), DB_S(currency), DB_I(seconds)},
		     10, st->arena, &order);
	if (rc != TK_OK)
		goto out;
	u.reserved += quantity;
	rc = ledger_store(&l, listing, &u);
	if (rc == TK_OK)
		rc = ledger_emit_order_row(&l, "order.created", &order);
	if (rc == TK_OK)
		rc = outbox_write(st->db, ST_LEDGER + LEDGER_ST_OUTBOX, &held);
out:
	outbox_rows_clear(&held);
	return store_finish(st, rc);
refused:
	outbox_rows_clear(&held);
	store_finish(st, TK_ECONFLICT);
	return TK_OK;
}

int
store_reserve(struct store *st, const char *listing, long quantity, long seconds, const char *key,
	      struct reserve_out *out)
{
	int rc, tries = 0;

	do
		rc = reserve_once(st, listing, quantity, seconds, key, out);
	while (rc == TK_ERETRY && ++tries < STORE_TRIES);
	return rc;
}

/* context_row: the ORDER_CONTEXT_COLUMNS of row i from column col into *o. */
static void
context_row(const struct db_rows *rows, size_t i, size_t col, struct order *o)
{
	o->l.section = db_str(rows, i, col);
	o->l.row = db_str(rows, i, col + 1);
	o->l.seat = db_str(rows, i, col + 2);
	o->l.price = db_int(rows, i, col + 3);
	o->event_name = db_str(rows, i, col + 4);
	o->event_starts = db_str(rows, i, col + 5);
	o->event_tz = db_str(rows, i, col + 6);
	o->venue = db_str(rows, i, col + 7);
	o->city = db_str(rows, i, col + 8);
}

/* order_row: row i of an ORDER_COLUMNS result into *o, or of one with the
 * ORDER_OWN_COLUMNS alone when context is 0 (its context then left as it
 * is). */
static void
order_row(const struct db_rows *rows, size_t i, int context, struct order *o)
{
	o->id = db_str(rows, i, 0);
	o->state = db_str(rows, i, 1);
	o->cancel_reason = db_str(rows, i, 2);
	o->currency = db_str(rows, i, 3);
	o->listing_id = db_str(rows, i, 4);
	o->expires = db_str(rows, i, 5);
	o->created = db_str(rows, i, 6);
	o->quantity = (long)db_int(rows, i, 7);
	o->unit_price = db_int(rows, i, 8);
	o->amount = db_int(rows, i, 9);
	o->seconds_left = (long)db_int(rows, i, 10);
	o->buyer_id = db_str(rows, i, 11);
	o->refused_payment_id = db_str(rows, i, 12);
	o->refund_reason = db_str(rows, i, 13);
	o->event_id = db_str(rows, i, 14);
	if (context)
		context_row(rows, i, ORDER_OWN, o);
}

/* admin: 1 when st->actor is an admin, who may see and refund any order. */
static int
admin(const struct store *st)
{
	return st->actor->role == ROLE_ADMIN;
}

int
store_order(struct store *st, const char *id, struct order *o)
{
	struct db_rows rows;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = db_exec(st->db, ST_ORDER_VIEW,
		     (struct db_val[]){DB_S(id), DB_S(st->actor->user_id), DB_I(admin(st))}, 3,
		     st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	order_row(&rows, 0, 0, o);
	rc = dbcache_exec(st->db, ST_ORDER_CONTEXT,
			  (struct db_val[]){DB_S(o->listing_id), DB_S(o->event_id)}, 2,
			  STORE_CONTEXT_TTL_MS, st->arena, &rows);
	if (rc == TK_OK && rows.nrows == 1)
		context_row(&rows, 0, 0, o);
	else if (rc == TK_OK)
		rc = TK_EINTERNAL;
	return rc;
}

int
store_orders(struct store *st, struct order **out, size_t *n)
{
	struct db_rows rows;
	struct order *v;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_exec(st->db, ST_ORDERS,
		     (struct db_val[]){DB_S(st->actor->user_id), DB_I(ORDERS_LISTED)}, 2, st->arena,
		     &rows);
	if (rc != TK_OK)
		return rc;
	v = arena_alloc(st->arena, (rows.nrows + 1) * sizeof(*v));
	for (i = 0; i < rows.nrows; i++)
		order_row(&rows, i, 1, &v[i]);
	*out = v;
	*n = rows.nrows;
	return TK_OK;
}

/* cancel_once: one try of store_cancel. */
static int
cancel_once(struct store *st, const char *id)
{
	const struct ledger l = {st->db, ST_LEDGER, st->arena, NULL};
	struct db_rows rows;
	int rc, done = 0;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = ledger_release(&l, id, "buyer", st->actor->user_id, 0, &done);
	if (rc == TK_OK && !done) {
		rc = db_exec(st->db, ST_ORDER_EXISTS,
			     (struct db_val[]){DB_S(id), DB_S(st->actor->user_id), DB_I(0)}, 3,
			     st->arena, &rows);
		if (rc == TK_OK)
			rc = rows.nrows == 0 ? TK_ENOTFOUND : TK_ECONFLICT;
	}
	return store_finish(st, rc);
}

int
store_cancel(struct store *st, const char *id)
{
	int rc, tries = 0;

	do
		rc = cancel_once(st, id);
	while (rc == TK_ERETRY && ++tries < STORE_TRIES);
	return rc;
}

int
store_refund(struct store *st, const char *id)
{
	const struct ledger l = {st->db, ST_LEDGER, st->arena, NULL};
	struct db_rows rows;
	int rc, done = 0;

	if (!admin(st))
		return TK_ENOTFOUND; /* the route lets admins only; this is a second line */
	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = ledger_request_refund(&l, id, "admin", &done);
	if (rc == TK_OK && !done) {
		rc = db_exec(st->db, ST_ORDER_EXISTS,
			     (struct db_val[]){DB_S(id), DB_S(st->actor->user_id), DB_I(1)}, 3,
			     st->arena, &rows);
		if (rc == TK_OK && rows.nrows == 0)
			rc = TK_ENOTFOUND;
		else if (rc == TK_OK && strcmp(db_str(&rows, 0, 0), "complete") != 0 &&
			 strcmp(db_str(&rows, 0, 0), "refunded") != 0)
			rc = TK_ECONFLICT;
	}
	return store_finish(st, rc);
}
