/*
 * Data access of the tickets service: its statement table and the only
 * code that runs them. Every change of a listing bumps its version and
 * writes ticket.created or ticket.updated (listing.h) into the outbox in
 * the same transaction. Owner checks are in the WHERE clauses (seller_id
 * = the acting member); conditional updates (WHERE version = ?, WHERE
 * state = 'active') decide conflicts, never a read before a write.
 *
 * Events, venues and stock come from the replicas the replicator keeps
 * (workers/replicator/tickets.c); a listing page shows its start in the
 * venue's time zone with MariaDB's CONVERT_TZ.
 */
#include <string.h>

#include "arena.h"
#include "db.h"
#include "dbcache.h"
#include "err.h"
#include "idem.h"
#include "listing.h"
#include "money.h"
#include "outbox.h"
#include "revoke.h"
#include "sess.h"
#include "store.h"
#include "tickets.h"
#include "uuid.h"

enum stmt {
	ST_SALE_EVENT,
	ST_LISTING_INSERT,
	ST_LISTING,
	ST_LISTING_OWNED,
	ST_LISTINGS_MINE,
	ST_LISTING_UPDATE,
	ST_LISTING_WITHDRAW,
	ST_LISTING_HIDE,
	ST_LISTING_SELLER_STATE,
	ST_LISTING_STATE_ONLY,
	ST_LISTING_STATE,
	ST_OUTBOX_INSERT,
	ST_IDEM_CLAIM,
	ST_IDEM_LOOKUP,
	ST_REVOKED,
	ST_REVOCATIONS_FRESH,
	ST_ETICKET_CHECK,
	ST_ETICKET_USE,
	ST_SELLER_VERIFIED,
	ST__MAX
};

/* The start of event e in the time zone of its venue v (UTC while the
 * venue is not replicated yet). */
#define LOCAL_START "CONVERT_TZ(e.starts_at, '+00:00', COALESCE(v.timezone, '+00:00'))"

/* The event columns of SALE_EVENT_FROM, in struct sale_event's order. */
#define EVENT_COLUMNS                                                                              \
	"e.id, e.name, e.status, e.starts_at > UTC_TIMESTAMP(),"                                   \
	" DATE_FORMAT(" LOCAL_START ", '%W %e %M %Y, %H:%i'),"                                     \
	" DATE_FORMAT(" LOCAL_START ", '%Y-%m-%dT%H:%i'),"                                         \
	" COALESCE(v.name, ''), COALESCE(v.city, ''), COALESCE(v.timezone, '')"
#define NEVENT_COLUMNS 9

/* A listing and its stock (struct listing's order), LISTING_COLUMNS of
 * them, from listings l and stock_replica s. */
#define LISTING_STOCK_COLUMNS                                                                      \
	"l.id, l.event_id, l.seller_id, l.section, l.seat_row, l.seat, l.note,"                    \
	" l.quantity, l.price, l.currency, l.state, l.hidden_reason, l.version,"                   \
	" s.id IS NOT NULL, COALESCE(s.offered, 0), COALESCE(s.quantity, 0),"                      \
	" COALESCE(s.reserved, 0), COALESCE(s.sold, 0), COALESCE(s.available, 0),"                 \
	" COALESCE(s.sold_amount, 0)"
#define LISTING_COLUMNS 20
#define LISTING_STOCK_FROM "listings l LEFT JOIN stock_replica s ON s.id = l.id"

/* A listing, its stock and its event: the EVENT_COLUMNS after the
 * LISTING_COLUMNS. */
#define LISTING_SELECT                                                                             \
	"SELECT " LISTING_STOCK_COLUMNS ", " EVENT_COLUMNS " FROM " LISTING_STOCK_FROM             \
	" JOIN events_replica e ON e.id = l.event_id"                                              \
	" LEFT JOIN venues_replica v ON v.id = e.venue_id"

const char *const tickets_stmts[ST__MAX] = {
    [ST_SALE_EVENT] = "SELECT " EVENT_COLUMNS " FROM events_replica e"
		      " LEFT JOIN venues_replica v ON v.id = e.venue_id WHERE e.id = ?",
    /* The locking read of the event's row orders this insert with the
     * replicator's cancellation of the event's listings. */
    [ST_LISTING_INSERT] =
	"INSERT INTO listings (id, event_id, seller_id, section, seat_row, seat, note,"
	" quantity, price, currency)"
	" SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ? FROM events_replica"
	" WHERE id = ? AND status = 'scheduled' AND starts_at > UTC_TIMESTAMP()"
	" LOCK IN SHARE MODE",
    /* The listing's page: its event comes apart, from the thread's copy
     * (store_listing). */
    [ST_LISTING] = "SELECT " LISTING_STOCK_COLUMNS " FROM " LISTING_STOCK_FROM " WHERE l.id = ?",
    [ST_LISTING_OWNED] = LISTING_SELECT " WHERE l.id = ? AND l.seller_id = ?",
    [ST_LISTINGS_MINE] = LISTING_SELECT " WHERE l.seller_id = ?"
					" ORDER BY l.created_at DESC, l.id DESC LIMIT ?",
    [ST_LISTING_UPDATE] =
	"UPDATE listings SET price = ?, currency = ?, quantity = ?, version = version + 1"
	" WHERE id = ? AND seller_id = ? AND version = ? AND state = 'active'",
    [ST_LISTING_WITHDRAW] = "UPDATE listings SET state = 'withdrawn', version = version + 1"
			    " WHERE id = ? AND seller_id = ? AND state = 'active'",
    [ST_LISTING_HIDE] = "UPDATE listings SET state = 'hidden', hidden_reason = ?,"
			" version = version + 1 WHERE id = ? AND state <> 'cancelled'",
    [ST_LISTING_SELLER_STATE] = "SELECT state FROM listings WHERE id = ? AND seller_id = ?",
    [ST_LISTING_STATE_ONLY] = "SELECT state FROM listings WHERE id = ?",
    [ST_LISTING_STATE] = LISTING_STATE_SQL,
    [ST_OUTBOX_INSERT] = OUTBOX_INSERT_SQL,
    [ST_IDEM_CLAIM] = IDEM_CLAIM_SQL,
    [ST_IDEM_LOOKUP] = IDEM_LOOKUP_SQL,
    [ST_REVOKED] = REVOKE_LOOKUP_SQL,
    [ST_REVOCATIONS_FRESH] = REVOKE_FRESH_SQL,
    /* An e-ticket's order, its event's organizer, its holder and when the
     * unit was used. Parameters: unit, order id. */
    [ST_ETICKET_CHECK] =
	"SELECT o.state, o.event_id, o.listing_id, o.quantity, COALESCE(e.created_by, ''),"
	" COALESCE(u.name, ''), COALESCE(DATE_FORMAT(x.used_at, '%Y-%m-%d %H:%i:%s'), '')"
	" FROM orders_replica o LEFT JOIN events_replica e ON e.id = o.event_id"
	" LEFT JOIN users_replica u ON u.id = o.buyer_id"
	" LEFT JOIN eticket_uses x ON x.order_id = o.id AND x.unit = ? WHERE o.id = ?",
    /* Mark a unit used, in one statement that checks again what the page
     * checked: complete, a unit of the order, the actor's event (or an
     * admin). The primary key lets it happen once. Parameters: unit,
     * actor, order id, unit, actor, admin. */
    [ST_ETICKET_USE] = "INSERT INTO eticket_uses (order_id, unit, used_at, used_by)"
		       " SELECT o.id, ?, UTC_TIMESTAMP(3), ? FROM orders_replica o"
		       " JOIN events_replica e ON e.id = o.event_id"
		       " WHERE o.id = ? AND o.state = 'complete' AND ? <= o.quantity"
		       " AND (e.created_by = ? OR ? = 1)",
    /* Whether a member's address is verified (listing needs it). */
    [ST_SELLER_VERIFIED] = "SELECT email_verified FROM users_replica WHERE id = ?",
};

const size_t tickets_nstmts = ST__MAX;

static const struct idem_stmts idem = {ST_IDEM_CLAIM, ST_IDEM_LOOKUP};

int
store_session_valid(struct store *st, const struct session *s)
{
	return revoke_check(st, ST_REVOKED, s);
}

int
store_revocations_fresh(struct store *st, int *fresh)
{
	return revoke_fresh(st, ST_REVOCATIONS_FRESH, "tickets", fresh);
}

/* event_row: the EVENT_COLUMNS of row i from column col into *e. */
static void
event_row(const struct db_rows *rows, size_t i, size_t col, struct sale_event *e)
{
	e->id = db_str(rows, i, col);
	e->name = db_str(rows, i, col + 1);
	e->status = db_str(rows, i, col + 2);
	e->future = db_int(rows, i, col + 3) != 0;
	e->starts = db_str(rows, i, col + 4);
	e->starts_iso = db_str(rows, i, col + 5);
	e->venue = db_str(rows, i, col + 6);
	e->city = db_str(rows, i, col + 7);
	e->timezone = db_str(rows, i, col + 8);
}

/* listing_row: row i of a LISTING_SELECT result into *l, or of one with
 * the LISTING_COLUMNS alone when event is 0 (l->event is then left as
 * it is). */
static void
listing_row(const struct db_rows *rows, size_t i, int event, struct listing *l)
{
	l->id = db_str(rows, i, 0);
	l->event_id = db_str(rows, i, 1);
	l->seller_id = db_str(rows, i, 2);
	l->section = db_str(rows, i, 3);
	l->row = db_str(rows, i, 4);
	l->seat = db_str(rows, i, 5);
	l->note = db_str(rows, i, 6);
	l->quantity = (long)db_int(rows, i, 7);
	l->price = db_int(rows, i, 8);
	l->currency = db_str(rows, i, 9);
	l->state = db_str(rows, i, 10);
	l->hidden_reason = db_str(rows, i, 11);
	l->version = db_int(rows, i, 12);
	l->stock.known = db_int(rows, i, 13) != 0;
	l->stock.offered = (long)db_int(rows, i, 14);
	l->stock.quantity = (long)db_int(rows, i, 15);
	l->stock.reserved = (long)db_int(rows, i, 16);
	l->stock.sold = (long)db_int(rows, i, 17);
	l->stock.available = (long)db_int(rows, i, 18);
	l->stock.sold_amount = db_int(rows, i, 19);
	if (event)
		event_row(rows, i, LISTING_COLUMNS, &l->event);
}

/* read_one: statement stmt with its np parameters p into *rows, through
 * the thread's copy of the rows when ttl_ms > 0 (lib/dbcache.h), else
 * fresh. TK_ENOTFOUND when it gives no row. */
static int
read_one(struct store *st, int stmt, const struct db_val *p, size_t np, int64_t ttl_ms,
	 struct db_rows *rows)
{
	int rc = ttl_ms > 0 ? dbcache_exec(st->db, stmt, p, np, ttl_ms, st->arena, rows)
			    : db_exec(st->db, stmt, p, np, st->arena, rows);

	if (rc == TK_OK && rows->nrows == 0)
		rc = TK_ENOTFOUND;
	return rc;
}

/* sale_event: event id into *e, through the thread's copy of the rows
 * when ttl_ms > 0. TK_ENOTFOUND for an unknown event. */
static int
sale_event(struct store *st, const char *id, int64_t ttl_ms, struct sale_event *e)
{
	struct db_val p[] = {DB_S(id)};
	struct db_rows rows;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = read_one(st, ST_SALE_EVENT, p, 1, ttl_ms, &rows);
	if (rc == TK_OK)
		event_row(&rows, 0, 0, e);
	return rc;
}

int
store_sale_event(struct store *st, const char *id, struct sale_event *e)
{
	return sale_event(st, id, 0, e);
}

/* emit: the listing's ticket event of type, in the open transaction. */
static int
emit(struct store *st, const char *type, const char *id)
{
	return listing_emit(st->db, ST_LISTING_STATE, ST_OUTBOX_INSERT, st->arena, type, id);
}

int
store_listing_create(struct store *st, const struct listing_input *in, const char *key, char *id)
{
	struct db_rows rows;
	struct db_val p[10];
	int rc;

	uuid_v7(id);
	p[0] = DB_S(id);
	p[1] = DB_S(st->actor->user_id);
	p[2] = DB_S(in->section);
	p[3] = DB_S(in->row);
	p[4] = DB_S(in->seat);
	p[5] = DB_S(in->note);
	p[6] = DB_I(in->quantity);
	p[7] = DB_I(in->price);
	p[8] = DB_S(money_currency()->code);
	p[9] = DB_S(in->event_id);
	rc = idem_begin(st, &idem, "listing", key, id);
	if (rc == TK_EEXIST)
		return TK_OK; /* created before: id is that listing */
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_LISTING_INSERT, p, 10, st->arena, &rows);
	if (rc == TK_OK && rows.affected == 0)
		rc = TK_ECONFLICT; /* the event is no longer for sale */
	if (rc == TK_OK)
		rc = emit(st, "ticket.created", id);
	return store_finish(st, rc);
}

/* listing_read: listing p[0] (sold by p[1] with owner) into *l, through
 * the thread's copy of the rows when ttl_ms > 0. TK_ENOTFOUND when
 * absent. */
static int
listing_read(struct store *st, const struct db_val *p, int owner, int64_t ttl_ms, struct listing *l)
{
	struct db_rows rows;
	int rc;

	memset(l, 0, sizeof(*l));
	rc = read_one(st, owner ? ST_LISTING_OWNED : ST_LISTING, p, owner ? 2 : 1, ttl_ms, &rows);
	if (rc == TK_OK)
		listing_row(&rows, 0, owner, l);
	return rc;
}

int
store_listing(struct store *st, const char *id, int owner, struct listing *l)
{
	struct db_val p[] = {DB_S(id), DB_S(owner ? st->actor->user_id : "")};
	int rc;

	rc = listing_read(st, p, owner, owner ? 0 : STORE_LISTING_TTL_MS, l);
	/* Its seller sees it as it is now: read again, past the copy. */
	if (rc == TK_OK && !owner && st->actor != NULL &&
	    strcmp(st->actor->user_id, l->seller_id) == 0)
		rc = listing_read(st, p, 0, 0, l);
	if (rc == TK_OK && !owner)
		rc = sale_event(st, l->event_id, STORE_EVENT_TTL_MS, &l->event);
	return rc;
}

int
store_listings_mine(struct store *st, struct listing **out, size_t *n)
{
	struct db_val p[] = {DB_S(st->actor->user_id), DB_I(LISTINGS_MINE_MAX + 1)};
	struct db_rows rows;
	struct listing *v;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_exec(st->db, ST_LISTINGS_MINE, p, 2, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	v = arena_alloc(st->arena, (rows.nrows + 1) * sizeof(*v));
	for (i = 0; i < rows.nrows; i++)
		listing_row(&rows, i, 1, &v[i]);
	*out = v;
	*n = rows.nrows;
	return TK_OK;
}

/* seller_state: after a conditional update of st->actor's listing id
 * changed nothing: its state into *state, or TK_ENOTFOUND when it does
 * not exist or is not theirs. */
static int
seller_state(struct store *st, const char *id, const char **state)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, ST_LISTING_SELLER_STATE,
		     (struct db_val[]){DB_S(id), DB_S(st->actor->user_id)}, 2, st->arena, &rows);
	if (rc == TK_OK && rows.nrows == 0)
		rc = TK_ENOTFOUND;
	if (rc == TK_OK)
		*state = db_str(&rows, 0, 0);
	return rc;
}

/* change: run the conditional update stmt with p[0..n) on listing id in
 * a transaction, with ticket.updated when it changed a row. *changed
 * (OUT) tells whether it did; the transaction stays open either way.
 * TK_OK or a database error. */
static int
change(struct store *st, int stmt, const struct db_val *p, size_t n, const char *id, int *changed)
{
	struct db_rows rows;
	int rc;

	*changed = 0;
	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, stmt, p, n, st->arena, &rows);
	if (rc == TK_OK && rows.affected > 0) {
		*changed = 1;
		rc = emit(st, "ticket.updated", id);
	}
	return rc;
}

int
store_listing_update(struct store *st, const char *id, int64_t version, int64_t price,
		     long quantity)
{
	struct db_val p[] = {DB_I(price), DB_S(money_currency()->code), DB_I(quantity),
			     DB_S(id),    DB_S(st->actor->user_id),     DB_I(version)};
	const char *state;
	int changed, rc;

	rc = change(st, ST_LISTING_UPDATE, p, 6, id, &changed);
	if (rc == TK_OK && !changed) {
		rc = seller_state(st, id, &state);
		if (rc == TK_OK)
			rc = TK_ECONFLICT;
	}
	return store_finish(st, rc);
}

int
store_listing_withdraw(struct store *st, const char *id)
{
	struct db_val p[] = {DB_S(id), DB_S(st->actor->user_id)};
	const char *state;
	int changed, rc;

	rc = change(st, ST_LISTING_WITHDRAW, p, 2, id, &changed);
	if (rc == TK_OK && !changed) {
		/* Withdrawn already: nothing changes, nothing is emitted. */
		rc = seller_state(st, id, &state);
		if (rc == TK_OK && strcmp(state, "withdrawn") != 0)
			rc = TK_ECONFLICT;
	}
	return store_finish(st, rc);
}

int
store_listing_hide(struct store *st, const char *id, const char *reason)
{
	struct db_val p[] = {DB_S(reason), DB_S(id)};
	struct db_rows rows;
	int changed, rc;

	rc = change(st, ST_LISTING_HIDE, p, 2, id, &changed);
	if (rc == TK_OK && !changed) {
		rc = db_exec(st->db, ST_LISTING_STATE_ONLY, (struct db_val[]){DB_S(id)}, 1,
			     st->arena, &rows);
		if (rc == TK_OK)
			rc = rows.nrows == 0 ? TK_ENOTFOUND : TK_ECONFLICT;
	}
	return store_finish(st, rc);
}

int
store_eticket_check(struct store *st, const char *order_id, int unit, struct eticket_check *c)
{
	struct db_rows rows;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = db_exec(st->db, ST_ETICKET_CHECK, (struct db_val[]){DB_I(unit), DB_S(order_id)}, 2,
		     st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	c->state = db_str(&rows, 0, 0);
	c->event_id = db_str(&rows, 0, 1);
	c->listing_id = db_str(&rows, 0, 2);
	c->quantity = (long)db_int(&rows, 0, 3);
	c->organizer = db_str(&rows, 0, 4);
	c->holder = db_str(&rows, 0, 5);
	c->used_at = db_str(&rows, 0, 6);
	return TK_OK;
}

int
store_eticket_use(struct store *st, const char *order_id, int unit, int admin)
{
	const char *actor = st->actor->user_id;
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, ST_ETICKET_USE,
		     (struct db_val[]){DB_I(unit), DB_S(actor), DB_S(order_id), DB_I(unit),
				       DB_S(actor), DB_I(admin)},
		     6, st->arena, &rows);
	if (rc == TK_OK && rows.affected == 0)
		rc = TK_ECONFLICT;
	return rc;
}

int
store_seller_verified(struct store *st, const char *user_id, int *verified)
{
	struct db_rows rows;
	int rc;

	*verified = 0;
	rc = db_exec(st->db, ST_SELLER_VERIFIED, (struct db_val[]){DB_S(user_id)}, 1, st->arena,
		     &rows);
	if (rc == TK_OK && rows.nrows == 1)
		*verified = db_int(&rows, 0, 0) == 1;
	return rc;
}
