/*
 * The orders service: reservations of listing units, the buyer's order
 * pages and cancel. It owns the ticketing_orders database (stock, orders
 * and the replicas of listings and events) and emits order.* and
 * stock.changed through its outbox. Declarations shared by its files: data
 * access (store.c), the unit rules it shares with the replicator
 * (ledger.c), the reservation (reserve.c) and the order pages (show.c).
 * The rules are docs/MARKETPLACE.md's.
 */
#ifndef TK_ORDERS_H
#define TK_ORDERS_H
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct request;
struct session;
struct tmpl_dict;

/* The member's order list shows at most this many, newest first
 * (docs/DECISIONS.md, "Bounded work per request"). */
#define ORDERS_LISTED 50

/* Seconds between reloads of the page of a paying order, until the
 * capture's outcome arrives. */
#define ORDERS_REFRESH_PAYING_S 5

/* Seconds between reloads of an order page whose deadline has passed
 * while the order still awaits payment: the expiry worker cancels it
 * within the checker's grace (EXPIRY_GRACE_S, 5 s) of its deadline. */
#define ORDERS_REFRESH_PAST_S 5

extern const char *const orders_stmts[];
extern const size_t orders_nstmts;

/* The app_service checks of the revocation replica (lib/revoke.h). */
int store_session_valid(struct store *st, const struct session *s);
int store_revocations_fresh(struct store *st, int *fresh);

/* What a listing shows on the order pages. */
struct listing_view {
	const char *section, *row, *seat;
	int64_t price; /* minor units */
};

/* How a reservation ended. */
enum reserve_outcome {
	RESERVED,
	REFUSED_NO_LISTING, /* unknown, withdrawn, hidden or cancelled listing */
	REFUSED_OWN,        /* the buyer is the seller */
	REFUSED_EVENT,      /* its event started, was cancelled, or is unknown here */
	REFUSED_UNITS,      /* fewer units available than asked for */
};

struct reserve_out {
	enum reserve_outcome outcome;
	int64_t available;     /* REFUSED_UNITS: the units left */
	struct listing_view l; /* unless REFUSED_NO_LISTING */
	char id[37];           /* RESERVED: the new order */
};

/*
 * store_reserve: rule 1 of docs/MARKETPLACE.md for st->actor: in one
 * transaction lock the stock row of listing, check the listing, its event
 * and the units free, insert the order (awaiting_payment, deadline now +
 * seconds), grow stock.reserved and append order.created and
 * stock.changed. quantity must already be 1..order_max_units. *out says
 * how it ended; TK_OK also for a refusal (nothing written then), else a
 * database error (a deadlock is tried again up to three times first).
 * key: the Buy form's idempotency key (lib/idem.h), or NULL: the same key
 * sent again by the same buyer ends RESERVED with the order the first
 * submission made, and nothing else is written.
 */
int store_reserve(struct store *st, const char *listing, long quantity, long seconds,
		  const char *key, struct reserve_out *out);

/* An order as its pages show it. */
struct order {
	const char *id, *state, *cancel_reason, *currency, *listing_id, *buyer_id;
	const char *refused_payment_id; /* the last payment refused; "" if none */
	const char *refund_reason;      /* "", "admin", "event_cancelled" */
	const char *event_name;         /* "" while the replica lacks the event */
	const char *event_starts;       /* "YYYY-MM-DD HH:MM" at the venue, or "" */
	const char *event_tz;           /* the venue's IANA zone ("UTC" when unknown) */
	const char *event_id;           /* what its e-tickets are signed for */
	const char *venue, *city;       /* "" while the replica lacks the venue */
	const char *expires;            /* "YYYY-MM-DD HH:MM:SS" UTC */
	const char *created;            /* "YYYY-MM-DD HH:MM" UTC */
	long quantity;
	int64_t unit_price, amount;
	long seconds_left;     /* whole seconds to the deadline; < 0 once it passed */
	struct listing_view l; /* empty strings when the replica lacks the listing */
};

/* How long a thread keeps what an order's page shows of its listing,
 * event and venue (lib/dbcache.h); the order itself is read fresh. */
#define STORE_CONTEXT_TTL_MS 1000

/* store_order: order id of st->actor (the owner check is in the query;
 * an admin sees any order), fresh, with its listing, event and venue as
 * kept by the thread for up to STORE_CONTEXT_TTL_MS. TK_ENOTFOUND when
 * there is none, or it is someone else's. */
int store_order(struct store *st, const char *id, struct order *o);

/* store_orders: st->actor's ORDERS_LISTED newest orders into *out (n of
 * them, in the arena). */
int store_orders(struct store *st, struct order **out, size_t *n);

/*
 * store_cancel: rule 3 for the buyer: cancel order id of st->actor with
 * reason "buyer" if it is awaiting_payment, releasing its units, with
 * order.cancelled and stock.changed, in one transaction, run again when
 * it deadlocks. TK_ENOTFOUND when it is not theirs, TK_ECONFLICT when it
 * is in another state.
 */
int store_cancel(struct store *st, const char *id);

/*
 * store_refund: an admin's request of the full refund of complete order
 * id (ledger_request_refund, reason "admin": order.refund_requested) in
 * one transaction. TK_OK also when it was asked for already or is
 * refunded (nothing changes); TK_ENOTFOUND when st->actor is no admin or
 * there is no such order, TK_ECONFLICT in another state.
 */
int store_refund(struct store *st, const char *id);

/* show_listing (show.c): ITEM ("Section A, row 3, seat 12") and PRICE
 * (per unit, formatted) of l into d. */
void show_listing(struct request *r, struct tmpl_dict *d, const struct listing_view *l);

/* etickets_init (etickets.c): read the e-ticket signing key
 * (eticket_key_file) into protected memory, once at start. TK_OK, or the
 * error of config_read_hex_file (logged). */
int etickets_init(void);

/* etickets_show (etickets.c): the ETICKETS include of an order page for
 * o (item: its seat text): one signed e-ticket per unit when o is
 * complete and the session is its buyer's, "revoked" when refunded,
 * nothing otherwise; the event and venue come with o (ORDER_COLUMNS).
 * TK_OK, or the error of eticket_encode or qr_svg (the page answers
 * it). */
int etickets_show(struct request *r, struct tmpl_dict *d, const struct order *o, const char *item);

/* Handlers (reserve.c, show.c). */
int h_reserve(struct request *r);
int h_order(struct request *r);
int h_orders(struct request *r);
int h_order_cancel(struct request *r);
int h_order_refund(struct request *r);

/* Flash codes (main.c's table). */
enum {
	ORDERS_FLASH_RESERVED,
	ORDERS_FLASH_CANCELLED,
	ORDERS_FLASH_REFUND_REQUESTED,
	ORDERS_FLASH__MAX
};

#endif
