/*
 * The unit ledger (ledger.h): stock rows, order cancellation and the
 * outbox events both publish, for the FastCGI program and the replicator.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "ledger.h"
#include "outbox.h"

#define ST(l, s) ((l)->base + (s))

int
ledger_lock(const struct ledger *l, const char *listing, int unlocked, struct ledger_units *u)
{
	struct db_rows rows;
	int rc;

	memset(u, 0, sizeof(*u));
	rc = db_exec(l->db, ST(l, unlocked ? LEDGER_ST_STOCK_PEEK : LEDGER_ST_STOCK_LOCK),
		     (struct db_val[]){DB_S(listing)}, 1, l->a, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	u->offered = db_int(&rows, 0, 0);
	u->quantity = db_int(&rows, 0, 1);
	u->reserved = db_int(&rows, 0, 2);
	u->sold = db_int(&rows, 0, 3);
	u->active = db_int(&rows, 0, 4) != 0;
	u->ticket_version = db_int(&rows, 0, 5);
	u->sold_amount = db_int(&rows, 0, 6);
	return TK_OK;
}

int64_t
ledger_quantity(const struct ledger_units *u)
{
	int64_t offered = u->active ? u->offered : 0;

	return offered > u->reserved + u->sold ? offered : u->reserved + u->sold;
}

/* emit: add the event (outbox_append's arguments) to the outbox, or to
 * l->held when the caller holds them. */
static int
emit(const struct ledger *l, const char *type, const char *aggregate_type, const char *id,
     int64_t version, json_t *state)
{
	if (l->held != NULL)
		return outbox_hold(l->held, type, aggregate_type, id, version, state);
	return outbox_append(l->db, ST(l, LEDGER_ST_OUTBOX), type, aggregate_type, id, version,
			     state);
}

/* emit_stock: append stock.changed with the full state of the stock row
 * of listing. */
static int
emit_stock(const struct ledger *l, const char *listing)
{
	struct db_rows rows;
	json_t *state = NULL;
	int64_t quantity, reserved, sold;
	int rc;

	rc = db_exec(l->db, ST(l, LEDGER_ST_STOCK_STATE), (struct db_val[]){DB_S(listing)}, 1, l->a,
		     &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows != 1) {
		rc = TK_EINTERNAL;
		goto out;
	}
	quantity = db_int(&rows, 0, 11);
	reserved = db_int(&rows, 0, 12);
	sold = db_int(&rows, 0, 13);
	state = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "id", db_str(&rows, 0, 0), "event_id", db_str(&rows, 0, 1), "seller_id",
	    db_str(&rows, 0, 2), "section", db_str(&rows, 0, 3), "row", db_str(&rows, 0, 4), "seat",
	    db_str(&rows, 0, 5), "price", (json_int_t)db_int(&rows, 0, 6), "currency",
	    db_str(&rows, 0, 7), "state", db_str(&rows, 0, 8), "ticket_version",
	    (json_int_t)db_int(&rows, 0, 9), "offered", (json_int_t)db_int(&rows, 0, 10),
	    "quantity", (json_int_t)quantity, "reserved", (json_int_t)reserved, "sold",
	    (json_int_t)sold, "available",
	    (json_int_t)(strcmp(db_str(&rows, 0, 8), "active") == 0 ? quantity - reserved - sold
								    : 0),
	    "sold_amount", (json_int_t)db_int(&rows, 0, 14), "version",
	    (json_int_t)db_int(&rows, 0, 15));
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = emit(l, "stock.changed", "stock", listing, db_int(&rows, 0, 15), state);
out:
	json_decref(state);
	return rc;
}

int
ledger_store(const struct ledger *l, const char *listing, const struct ledger_units *u)
{
	struct db_val p[] = {DB_I(u->offered), DB_I(u->quantity),    DB_I(u->reserved),
			     DB_I(u->sold),    DB_I(u->sold_amount), DB_I(u->ticket_version),
			     DB_S(listing)};
	int rc;

	rc = db_exec(l->db, ST(l, LEDGER_ST_STOCK_SET), p, 7, NULL, NULL);
	if (rc == TK_OK)
		rc = emit_stock(l, listing);
	return rc;
}

/* emit_order_row: append type with the order state of rows (one row of
 * LEDGER_ORDER_COLUMNS), its payment_id and charge_id replaced by
 * payment_id and charge_id unless they are NULL. */
static int
emit_order_row(const struct ledger *l, const char *type, const struct db_rows *rows,
	       const char *payment_id, const char *charge_id)
{
	json_t *state = NULL;
	int rc;

	if (rows->nrows != 1) {
		rc = TK_EINTERNAL;
		goto out;
	}
	state = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s,"
	    " s:s, s:s}",
	    "id", db_str(rows, 0, 0), "buyer_id", db_str(rows, 0, 1), "seller_id",
	    db_str(rows, 0, 2), "ticket_id", db_str(rows, 0, 3), "event_id", db_str(rows, 0, 4),
	    "quantity", (json_int_t)db_int(rows, 0, 5), "unit_price",
	    (json_int_t)db_int(rows, 0, 6), "amount", (json_int_t)db_int(rows, 0, 7), "currency",
	    db_str(rows, 0, 8), "state", db_str(rows, 0, 9), "expires_at", db_str(rows, 0, 10),
	    "cancel_reason", db_str(rows, 0, 11), "version", (json_int_t)db_int(rows, 0, 12),
	    "payment_id", payment_id != NULL ? payment_id : db_str(rows, 0, 13), "charge_id",
	    charge_id != NULL ? charge_id : db_str(rows, 0, 14), "reason", db_str(rows, 0, 15));
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = emit(l, type, "order", db_str(rows, 0, 0), db_int(rows, 0, 12), state);
out:
	json_decref(state);
	return rc;
}

int
ledger_emit_order_row(const struct ledger *l, const char *type, const struct db_rows *rows)
{
	return emit_order_row(l, type, rows, NULL, NULL);
}

int
ledger_emit_refusal(const struct ledger *l, const char *id, const char *payment_id,
		    const char *charge_id)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(l->db, ST(l, LEDGER_ST_ORDER_STATE), (struct db_val[]){DB_S(id)}, 1, l->a,
		     &rows);
	if (rc == TK_OK)
		rc = emit_order_row(l, "order.payment_refused", &rows, payment_id, charge_id);
	return rc;
}

int
ledger_emit_order(const struct ledger *l, const char *type, const char *id)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(l->db, ST(l, LEDGER_ST_ORDER_STATE), (struct db_val[]){DB_S(id)}, 1, l->a,
		     &rows);
	if (rc == TK_OK)
		rc = ledger_emit_order_row(l, type, &rows);
	return rc;
}

int
ledger_release(const struct ledger *l, const char *id, const char *reason, const char *buyer,
	       int due, int *done)
{
	struct db_rows rows;
	struct ledger_units u;
	const char *listing;
	/* Only a failed capture ends a paying order (docs/PAYMENTS.md). */
	const char *from = strcmp(reason, "capture_failed") == 0 ? "paying" : "awaiting_payment";
	int64_t units;
	int rc;

	*done = 0;
	rc = db_exec(l->db, ST(l, LEDGER_ST_ORDER_UNITS), (struct db_val[]){DB_S(id)}, 1, l->a,
		     &rows);
	if (rc != TK_OK || rows.nrows == 0)
		goto out;
	listing = db_str(&rows, 0, 0);
	units = db_int(&rows, 0, 1);
	/* The stock row first (the lock order of ledger.h), then the order. */
	rc = ledger_lock(l, listing, 0, &u);
	if (rc != TK_OK)
		goto out;
	rc = db_exec(l->db, ST(l, LEDGER_ST_ORDER_CANCEL),
		     (struct db_val[]){DB_S(reason), DB_S(id), DB_S(from), DB_S(buyer ? buyer : ""),
				       DB_S(buyer ? buyer : ""), DB_I(due)},
		     6, l->a, &rows);
	if (rc != TK_OK || rows.affected == 0)
		goto out;
	u.reserved -= units;
	u.quantity = ledger_quantity(&u);
	rc = ledger_emit_order(l, "order.cancelled", id);
	if (rc == TK_OK)
		rc = ledger_store(l, listing, &u);
	if (rc == TK_OK)
		*done = 1;
out:
	return rc;
}

int
ledger_request_refund(const struct ledger *l, const char *id, const char *reason, int *done)
{
	struct db_rows rows;
	int rc;

	*done = 0;
	rc = db_exec(l->db, ST(l, LEDGER_ST_ORDER_REFUND),
		     (struct db_val[]){DB_S(reason), DB_S(id)}, 2, l->a, &rows);
	if (rc != TK_OK || rows.affected == 0)
		goto out;
	rc = ledger_emit_order(l, "order.refund_requested", id);
	if (rc == TK_OK)
		*done = 1;
out:
	return rc;
}
