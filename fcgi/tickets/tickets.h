/*
 * The tickets service: members' listings of tickets for events. It owns
 * the ticketing_tickets database (listings, and its replicas of events,
 * venues and the orders service's stock) and emits ticket.created and
 * ticket.updated through its outbox (docs/MARKETPLACE.md). Declarations
 * shared by its files: data access (store.c), input checks (input.c) and
 * the handlers (forms.c: list, edit, withdraw, hide; show.c: the listing
 * page and the seller's listings).
 */
#ifndef TK_TICKETS_H
#define TK_TICKETS_H
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct field;
struct request;
struct session;

/* The seller's page lists at most this many listings, newest first. */
#define LISTINGS_MINE_MAX 200

/* ---- data access (store.c) ----
 * Every function takes the store context (lib/store.h); the ones that
 * change a listing act for st->actor, which must be set (the routes make
 * sure of it). */

extern const char *const tickets_stmts[];
extern const size_t tickets_nstmts;

/* An event as the replicas know it, with what pages show of its venue.
 * The start is local to the venue (UTC while the venue is not replicated
 * yet). */
struct sale_event {
	const char *id;
	const char *name;
	const char *status;     /* "scheduled" or "cancelled" */
	int future;             /* starts after now */
	const char *starts;     /* "Saturday 12 December 2026, 19:30" */
	const char *starts_iso; /* "2026-12-12T19:30" */
	const char *venue;      /* "" while unknown */
	const char *city;
	const char *timezone; /* "" while unknown */
};

/* The orders service's counts of a listing (stock_replica). */
struct stock {
	int known; /* 0 until the orders service has published the listing's stock */
	long offered, quantity, reserved, sold, available;
	int64_t sold_amount;
};

/* A listing with its event and stock. */
struct listing {
	const char *id;
	const char *event_id;
	const char *seller_id;
	const char *section;
	const char *row;
	const char *seat;
	const char *note;
	long quantity;
	int64_t price;
	const char *currency;
	const char *state; /* "active", "withdrawn", "hidden", "cancelled" */
	const char *hidden_reason;
	int64_t version;
	struct sale_event event;
	struct stock stock;
};

/* What the listing form writes. */
struct listing_input {
	const char *event_id;
	const char *section;
	const char *row;
	const char *seat;
	const char *note;
	long quantity;
	int64_t price; /* minor units of the process's currency */
};

/* store_session_valid, store_revocations_fresh: the app_service checks
 * (revoke_check, revoke_fresh). TK_OK or an error. */
int store_session_valid(struct store *st, const struct session *s);
int store_revocations_fresh(struct store *st, int *fresh);

/* store_seller_verified: *verified 1 when member user_id proved their
 * address (users_replica.email_verified, from auth's user events), else 0
 * (also when the replica does not know the member yet). TK_OK or a
 * database error. */
int store_seller_verified(struct store *st, const char *user_id, int *verified);

/* store_sale_event: event id from the replicas into *e. TK_ENOTFOUND when
 * the replica does not have it. Strings in the arena. */
int store_sale_event(struct store *st, const char *id, struct sale_event *e);

/*
 * store_listing_create: insert the listing (sold by st->actor, in the
 * process's currency) with ticket.created in one transaction, claiming the
 * form's idempotency key (NULL: none); the new id into id
 * (IDEM_RESULT_MAX + 1 bytes). The insert reads the event's replica row
 * with a lock, so it happens only while the event is scheduled and in the
 * future: TK_ECONFLICT otherwise (a cancellation applied meanwhile cannot
 * miss the listing). When key was used before, nothing is written and id
 * is the first submission's listing (TK_OK).
 */
int store_listing_create(struct store *st, const struct listing_input *in, const char *key,
			 char *id);

/* How long a thread keeps the event rows of listing pages (lib/dbcache.h):
 * its event's name, times, venue and status may be this old (a
 * cancellation also withdraws the listing, which shows within
 * STORE_LISTING_TTL_MS). */
#define STORE_EVENT_TTL_MS 1000

/* How long a thread keeps a listing with its stock for the listing page,
 * which a crowd asks for at an on-sale (docs/DECISIONS.md, "The listing
 * page's copy"): what other processes change (the stock the orders
 * service reports, a change another instance applied) shows to buyers
 * within this, as on the event page (the events service's
 * READ_CACHE_MS); what this process changes, at once (db_generation);
 * the seller always sees the listing as it is. */
#define STORE_LISTING_TTL_MS 1000

/* store_listing: listing id with its event and stock. With owner, only
 * when st->actor sells it, and all of it fresh; without, the listing as
 * kept by the thread for up to STORE_LISTING_TTL_MS (fresh when st->actor
 * is its seller) and the event for up to STORE_EVENT_TTL_MS. TK_ENOTFOUND
 * when absent (or not theirs, or its event unknown). */
int store_listing(struct store *st, const char *id, int owner, struct listing *l);

/* store_listings_mine: st->actor's listings, newest first, at most
 * LISTINGS_MINE_MAX + 1 (one more tells that there are more). */
int store_listings_mine(struct store *st, struct listing **out, size_t *n);

/* store_listing_update: set price (in the process's currency) and quantity of st->actor's listing
 * id if it is still at version and active, with ticket.updated, in one transaction. TK_ENOTFOUND
 * (absent or not theirs), TK_ECONFLICT (changed since, or no longer active). */
int store_listing_update(struct store *st, const char *id, int64_t version, int64_t price,
			 long quantity);

/* store_listing_withdraw: withdraw st->actor's active listing id with
 * ticket.updated. TK_OK also when it was withdrawn already (nothing
 * emitted then); TK_ENOTFOUND; TK_ECONFLICT when hidden or cancelled. */
int store_listing_withdraw(struct store *st, const char *id);

/* store_listing_hide: an admin hides listing id with reason (shown to the
 * seller), with ticket.updated; hiding it again replaces the reason.
 * TK_ENOTFOUND; TK_ECONFLICT when its event cancelled it. */
int store_listing_hide(struct store *st, const char *id, const char *reason);

/* An e-ticket's order as the replicas know it (store_eticket_check). */
struct eticket_check {
	const char *state;      /* the order's state */
	const char *event_id;   /* its event */
	const char *listing_id; /* its listing */
	long quantity;          /* its units */
	const char *organizer;  /* the event's organizer, "" while unknown */
	const char *holder;     /* the buyer's name, "" while unknown */
	const char *used_at;    /* "YYYY-MM-DD HH:MM:SS" UTC, "" when not used */
};

/* store_eticket_check: order_id and the use of its unit into *c (strings
 * in the arena). TK_ENOTFOUND when orders_replica lacks the order. */
int store_eticket_check(struct store *st, const char *order_id, int unit,
			struct eticket_check *c /* OUT */);

/* store_eticket_use: mark unit of order_id used by st->actor, if the order
 * is complete, has the unit and is of an event st->actor organizes (any
 * event with admin). TK_OK, TK_EEXIST when it was used already,
 * TK_ECONFLICT when a condition does not hold, or a database error. */
int store_eticket_use(struct store *st, const char *order_id, int unit, int admin);

/* ---- input checks (input.c) ---- */

/* The forms' tables (fields.h), indexed by these enums. */
enum {
	LISTING_SECTION,
	LISTING_ROW,
	LISTING_SEAT,
	LISTING_QUANTITY,
	LISTING_PRICE,
	LISTING_NOTE,
	LISTING_KEY
};
extern const struct field *const input_listing_form[];
enum { EDIT_PRICE, EDIT_QUANTITY };
extern const struct field *const input_edit_form[];
enum { HIDE_REASON };
extern const struct field *const input_hide_form[];

/* input_price: the minor units of a price money_field accepted (its
 * normalised value, decimal text) into *minor. TK_OK or TK_EINVAL. */
int input_price(const char *normalised, int64_t *minor /* OUT */);

/* ---- handlers ---- */
int h_listing_new(struct request *r);
int h_listing_create(struct request *r);
int h_listing(struct request *r);
int h_listings_mine(struct request *r);
int h_listing_edit(struct request *r);
int h_listing_update(struct request *r);
int h_listing_withdraw(struct request *r);
int h_listing_hide(struct request *r);

/* The door check of e-tickets (verify.c): verify_init reads the public
 * key (eticket_pub_file) once at start; the handlers of /tickets/verify. */
int verify_init(void);
int h_verify_form(struct request *r);
int h_verify(struct request *r);
int h_verify_use(struct request *r);

/* The service's flash codes (main.c). */
enum {
	FLASH_LISTING_CREATED,
	FLASH_LISTING_SAVED,
	FLASH_LISTING_SAVED_HELD,
	FLASH_LISTING_WITHDRAWN,
	FLASH_LISTING_HIDDEN,
	FLASH_ETICKET_USED
};

#endif
