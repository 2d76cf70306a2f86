/*
 * The unit ledger of the orders service: the rules of docs/MARKETPLACE.md
 * that change stock rows and orders, shared by the FastCGI program
 * (reservations, a buyer's cancel) and the orders replicator (a seller's
 * change, an event's cancellation, an expired deadline), so each rule is
 * written once. Every function runs inside the caller's open transaction
 * on l->db and writes the outbox rows of what it changed (stock.changed,
 * order.*) in it; the caller commits or rolls back.
 *
 * Its statements sit in the caller's statement table at l->base onwards:
 * put LEDGER_STMTS(base) in the table and reserve LEDGER_ST__MAX indexes
 * from base. Lock order, everywhere: the stock row first, then orders.
 */
#ifndef TK_LEDGER_H
#define TK_LEDGER_H
#include <stdint.h>

#include "outbox.h"

struct arena;
struct db;
struct db_rows;

enum {
	LEDGER_ST_STOCK_LOCK,
	LEDGER_ST_STOCK_PEEK,
	LEDGER_ST_STOCK_SET,
	LEDGER_ST_STOCK_STATE,
	LEDGER_ST_ORDER_STATE,
	LEDGER_ST_ORDER_UNITS,
	LEDGER_ST_ORDER_CANCEL,
	LEDGER_ST_ORDER_REFUND,
	LEDGER_ST_OUTBOX,
	LEDGER_ST__MAX
};

/* The stock row of a listing with whether its listing is active: locked
 * (both rows: one listing's, so reservations of different listings never
 * wait for each other) or not. Parameter: the listing id. */
#define LEDGER_UNITS_SQL                                                                           \
	"SELECT s.offered, s.quantity, s.reserved, s.sold, l.state = 'active', s.ticket_version,"  \
	" s.sold_amount FROM stock s JOIN listings_replica l ON l.id = s.listing_id"               \
	" WHERE s.listing_id = ?"

/* LEDGER_ST_STOCK_STATE, the state stock.changed publishes, is a locking
 * read (of rows ledger_lock holds already): a plain read would see the
 * transaction's snapshot, which a cancel takes before it waits for the
 * lock (its first statement reads the order), so a seller's change
 * applied meanwhile would be missing from the listing's state and price. */

/* A DATETIME(3) column as the envelope's time format, YYYY-MM-DDTHH:MM:SS.mmmZ. */
#define LEDGER_TIME(col)                                                                           \
	"CONCAT(DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.'), LPAD(MICROSECOND(" col                 \
	") DIV 1000, 3, '0'), 'Z')"

/* An order's state as its order.* events carry it, in the order
 * ledger_emit_order_row reads: from the orders table, or from the
 * RETURNING clause of the INSERT that made the order. */
#define LEDGER_ORDER_COLUMNS                                                                       \
	"id, buyer_id, seller_id, listing_id, event_id, quantity, unit_price, amount, currency,"   \
	" state, " LEDGER_TIME("expires_at") ", cancel_reason, version,"                           \
					     " payment_id, charge_id, reason"

#define LEDGER_STMTS(base)                                                                         \
	[(base) +                                                                                  \
	    LEDGER_ST_STOCK_LOCK] = LEDGER_UNITS_SQL " FOR UPDATE",                                \
	    [(base) + LEDGER_ST_STOCK_PEEK] = LEDGER_UNITS_SQL,                                    \
	    [(base) + LEDGER_ST_STOCK_SET] =                                                       \
		"UPDATE stock SET offered = ?, quantity = ?, reserved = ?, sold = ?,"              \
		" sold_amount = ?, ticket_version = ?, version = version + 1"                      \
		" WHERE listing_id = ?",                                                           \
	    [(base) + LEDGER_ST_STOCK_STATE] =                                                     \
		"SELECT s.listing_id, l.event_id, l.seller_id, l.section, l.row_label, l.seat,"    \
		" l.price, l.currency, l.state, s.ticket_version, s.offered, s.quantity,"          \
		" s.reserved, s.sold, s.sold_amount, s.version"                                    \
		" FROM stock s JOIN listings_replica l ON l.id = s.listing_id"                     \
		" WHERE s.listing_id = ? FOR UPDATE",                                              \
	    [(base) + LEDGER_ST_ORDER_STATE] =                                                     \
		"SELECT " LEDGER_ORDER_COLUMNS " FROM orders WHERE id = ?",                        \
	    [(base) + LEDGER_ST_ORDER_UNITS] =                                                     \
		"SELECT listing_id, quantity FROM orders WHERE id = ?",                            \
	    [(base) + LEDGER_ST_ORDER_CANCEL] =                                                    \
		"UPDATE orders SET state = 'cancelled', cancel_reason = ?,"                        \
		" reason = cancel_reason, version = version + 1 WHERE id = ? AND state = ?"        \
		" AND (? = '' OR buyer_id = ?) AND (? = 0 OR expires_at <= UTC_TIMESTAMP(3))",     \
	    [(base) + LEDGER_ST_ORDER_REFUND] =                                                    \
		"UPDATE orders SET refund_reason = ?, reason = refund_reason,"                     \
		" version = version + 1 WHERE id = ? AND state = 'complete'"                       \
		" AND refund_reason = ''",                                                         \
	    [(base) + LEDGER_ST_OUTBOX] = OUTBOX_INSERT_SQL

/* Where the ledger runs: the caller's connection (a transaction open),
 * the index of LEDGER_STMTS in its table, an arena for rows, and where its
 * events go: NULL, each into the outbox at once; else held there, for the
 * caller to write them all by one statement (outbox_write with
 * LEDGER_ST_OUTBOX) before it commits. */
struct ledger {
	struct db *db;
	int base;
	struct arena *a;
	struct outbox_rows *held;
};

/* The units of one listing as its stock row holds them. */
struct ledger_units {
	int64_t offered, quantity, reserved, sold;
	int64_t sold_amount;    /* the amounts of complete orders, minor units */
	int64_t ticket_version; /* the listing version applied */
	int active;             /* the listing is active (read, never written) */
};

/*
 * ledger_lock: lock the stock row of listing (SELECT ... FOR UPDATE) and
 * read its units into *u. With unlocked (only ever set by the test build
 * of the reservation, fcgi/orders/reserve.c), read without the lock.
 * TK_ENOTFOUND when the listing has no stock row, else db_exec's code.
 */
int ledger_lock(const struct ledger *l, const char *listing, int unlocked,
		struct ledger_units *u /* OUT */);

/*
 * ledger_store: write u into the stock row of listing, bump its version
 * and append stock.changed with the row's new state. quantity is not
 * recomputed here: see ledger_quantity. TK_OK or a db_exec error.
 */
int ledger_store(const struct ledger *l, const char *listing, const struct ledger_units *u);

/* ledger_quantity: rule 2's quantity of u: GREATEST(offered when
 * u->active else 0, reserved + sold). */
int64_t ledger_quantity(const struct ledger_units *u);

/* ledger_emit_order: append the order.* event type (e.g. "order.created")
 * with the full state of order id. TK_OK or a db_exec error. */
int ledger_emit_order(const struct ledger *l, const char *type, const char *id);

/* ledger_emit_refusal: append order.payment_refused with the full state
 * of order id, its payment_id and charge_id those of the payment refused
 * (the one the settlement worker voids); its reason is the order's,
 * which the caller set with the refusal. TK_OK or a db_exec error. */
int ledger_emit_refusal(const struct ledger *l, const char *id, const char *payment_id,
			const char *charge_id);

/* ledger_emit_order_row: the same from rows, one row of
 * LEDGER_ORDER_COLUMNS the caller read already (the reservation's INSERT
 * ... RETURNING: one round trip fewer). TK_EINTERNAL unless rows holds
 * exactly one row; else TK_OK or a db_exec error. */
int ledger_emit_order_row(const struct ledger *l, const char *type, const struct db_rows *rows);

/*
 * ledger_release: rule 3. Cancel order id with reason ("buyer",
 * "expired", "event_cancelled", or "capture_failed", which alone cancels
 * a paying order) if it is still awaiting_payment (paying) and, with
 * buyer not NULL, belongs to buyer and, with due, its deadline has passed;
 * release its units (reserved shrinks, quantity by rule 2) and append
 * order.cancelled and stock.changed. *done (OUT) is 1 when it cancelled,
 * 0 when the order is not there or not in that state (nothing written).
 * TK_OK or a db_exec error.
 */
int ledger_release(const struct ledger *l, const char *id, const char *reason, const char *buyer,
		   int due, int *done);

/*
 * ledger_request_refund: ask for the refund of order id with reason
 * ("admin", "event_cancelled") if it is complete and no refund was asked
 * for yet: record it and append order.refund_requested, which the
 * settlement worker answers with the refund and payment.refunded
 * (docs/PAYMENTS.md). *done (OUT) is 1 when it asked, 0 when the order is
 * not there, not complete or asked for already (nothing written). TK_OK or
 * a db_exec error.
 */
int ledger_request_refund(const struct ledger *l, const char *id, const char *reason, int *done);

#endif
