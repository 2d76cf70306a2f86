/*
 * The events service: venues, events, the home page and search. It owns
 * the ticketing_events database and emits venue.* and event.* through its
 * outbox. Declarations shared by its files: data access (store.c), input
 * checks (input.c) and the handlers (home.c: home and search; show.c: the
 * event page; event_forms.c: create, edit and cancel events; venue_forms.c:
 * the venue list and forms).
 *
 * Times: the database holds UTC; forms and pages use the venue's time zone
 * (an IANA name), converted by MariaDB's CONVERT_TZ, which needs the time
 * zone tables loaded (README "The events service", Time zones).
 */
#ifndef TK_EVENTS_H
#define TK_EVENTS_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "req.h"
#include "store.h"

struct field;
struct money_currency;
struct request;

/* Paging is bounded, so no request makes MariaDB skip more rows than
 * these (docs/DECISIONS.md, "Bounded work per request"): deeper results
 * are reached by narrowing the search. */
#define EVENTS_PER_PAGE 20
#define EVENTS_PAGE_MAX 50 /* page numbers above this answer 400 */
#define EVENTS_LISTED_MAX (EVENTS_PER_PAGE * EVENTS_PAGE_MAX)
#define VENUES_PER_PAGE 50
#define VENUES_PAGE_MAX 100
#define VENUE_CHOICES 50 /* venues offered at once by the event form */

/* ---- data access (store.c) ----
 * Every function takes the store context (lib/store.h); the ones that
 * change events or venues act for st->actor, which must be set (an
 * organizer or admin: the routes make sure of it). */

extern const char *const events_stmts[];
extern const size_t events_nstmts;

struct venue {
	const char *id;
	const char *name;
	const char *city;
	const char *address;
	const char *timezone;
	long capacity;
	int64_t version;
};

/* What the catalogue shows of an event's tickets (stock_replica): its
 * active listings, the units they have available, and the lowest price of
 * one with units left (0 when none has). */
struct stock_summary {
	long listings;
	long available;
	int64_t price_from;
};

/* One listing with units left, as the event page lists it. */
struct listing {
	const char *id;
	const char *section; /* "" when the seller gave none */
	const char *row;
	const char *seat;
	int64_t price; /* minor units of the deployment's currency */
	long available;
};

/* The event page lists at most this many listings, the cheapest first. */
#define LISTINGS_SHOWN_MAX 100

/* An event with what pages show of its venue. Local times are in the
 * venue's time zone. */
struct event {
	const char *id;
	const char *name;
	const char *description;
	const char *status; /* "scheduled" or "cancelled" */
	int64_t version;
	const char *venue_id;
	const char *venue_name;
	const char *venue_city;
	const char *venue_address;
	const char *venue_timezone;
	long venue_capacity;
	const char *starts_display; /* "Sat 12 Dec 2026, 19:30" */
	const char *ends_display;
	const char *starts_input; /* "2026-12-12T19:30" (datetime-local) */
	const char *ends_input;
	const char *starts_iso;     /* "2026-12-12T19:30" for <time datetime>, local */
	int past;                   /* ended before now */
	const char *created_by;     /* the organizer's user id */
	struct stock_summary stock; /* filled by store_event_search only */
};

/* event_manageable: 1 when the signed-in user may edit or cancel e: the
 * organizer who created it, or an admin. */
static inline int
event_manageable(const struct request *r, const struct event *e)
{
	return r->session != NULL && (r->session->role == ROLE_ADMIN ||
				      (r->session->role == ROLE_ORGANIZER &&
				       strcmp(r->session->user_id, e->created_by) == 0));
}

/* What the search form asks for; empty strings mean "any". text_bool is
 * the boolean-mode full-text query made by input_fulltext. */
struct search {
	const char *text;
	const char *text_bool;
	const char *city;
	const char *from; /* YYYY-MM-DD, venue-local date, inclusive */
	const char *to;   /* YYYY-MM-DD, inclusive */
	long page;        /* 1-based */
};

/* store_session_valid: the app_service session check: TK_EAUTH when
 * session s was revoked (the replicated revocations), else TK_OK, or a
 * database error. */
int store_session_valid(struct store *st, const struct session *s);

/* store_revocations_fresh: the app_service replica check: *fresh is 1 when
 * the revocation replica is current (revoke_fresh). TK_OK or a database
 * error. */
int store_revocations_fresh(struct store *st, int *fresh);

/* store_event_search: page s->page (EVENTS_PER_PAGE a page) of the
 * scheduled events that have not ended and match s, soonest first (ties by
 * id), in one query that reads at most EVENTS_LISTED_MAX + 1 matches;
 * *total (OUT) is the number of matches, EVENTS_LISTED_MAX + 1 meaning
 * "more than EVENTS_LISTED_MAX", and 0 when the page is past the end (see
 * store_event_count). Strings in the arena. */
int store_event_search(struct store *st, const struct search *s, struct event **out, size_t *n,
		       long *total);
/* store_generation: a number that changes whenever this process may have
 * changed its database (db_generation), for caches of rendered pages. */
unsigned long store_generation(void);
/* store_event_count: the number of events matching s, counted up to
 * EVENTS_LISTED_MAX + 1. */
int store_event_count(struct store *st, const struct search *s, long *total);
/* store_event_by_id: the event and its venue. TK_ENOTFOUND when absent. */
int store_event_by_id(struct store *st, const char *id, struct event *e);

/* Converted event times (store_event_times). */
struct event_times {
	const char *starts_utc; /* "YYYY-MM-DD HH:MM:SS" */
	const char *ends_utc;
	int starts_in_future;
};

/* store_event_listings: the summary of event id's tickets into *sum, and
 * its active listings with units available, cheapest first (ties by id),
 * at most LISTINGS_SHOWN_MAX, into *out and *n (in the arena). */
int store_event_listings(struct store *st, const char *id, struct stock_summary *sum,
			 struct listing **out, size_t *n);

/* store_event_times: starts/ends ("YYYY-MM-DD HH:MM:SS", local to venue
 * venue_id) converted to UTC. TK_ENOTFOUND when the venue does not exist. */
int store_event_times(struct store *st, const char *venue_id, const char *starts, const char *ends,
		      struct event_times *t);

/* What the event forms write. Times in UTC. */
struct event_input {
	const char *venue_id;
	const char *name;
	const char *description;
	const char *starts_utc;
	const char *ends_utc;
};

/* store_event_create: insert the event (created by st->actor) and its
 * event.created outbox row in one transaction, claiming the form's
 * idempotency key (NULL: none) in it; the new id into id (IDEM_RESULT_MAX
 * + 1 bytes). When key was used before, nothing is written and id is the
 * event the first submission created (TK_OK all the same). */
int store_event_create(struct store *st, const struct event_input *in, const char *key, char *id);
/* store_event_update: change event id if it is still at version and
 * scheduled, with event.updated, in one transaction. TK_ENOTFOUND,
 * TK_ECONFLICT (changed since, or cancelled). */
int store_event_update(struct store *st, const char *id, int64_t version,
		       const struct event_input *in);
/* store_event_cancel: cancel event id with event.cancelled in one
 * transaction. TK_OK also when it was cancelled already (nothing
 * emitted then); TK_ENOTFOUND. */
int store_event_cancel(struct store *st, const char *id);

/* store_venues: at most limit venues from offset (by city, name, id)
 * whose name or city starts with q ("" for all; letter case and accents as
 * the column's collation compares them). */
int store_venues(struct store *st, const char *q, long offset, long limit, struct venue **out,
		 size_t *n);
/* store_venue_count: the number of venues store_venues(q) lists, counted
 * up to max. */
int store_venue_count(struct store *st, const char *q, long max, long *total);
/* store_venue_by_id: TK_ENOTFOUND when absent. */
int store_venue_by_id(struct store *st, const char *id, struct venue *v);
/* store_timezone_known: TK_OK when MariaDB knows time zone tz, TK_EINVAL
 * when not. */
int store_timezone_known(struct store *st, const char *tz);
/* store_venue_create: insert v (id ignored) with venue.created; new id
 * into id, or, when key was used before, the first submission's venue
 * (as store_event_create). */
int store_venue_create(struct store *st, const struct venue *v, const char *key, char *id);
/* store_venue_update: change venue v->id if still at v->version, with
 * venue.updated. TK_ENOTFOUND, TK_ECONFLICT. */
int store_venue_update(struct store *st, const struct venue *v);

/* ---- input checks (input.c) ---- */

/* The forms' tables (fields.h), indexed by these enums. */
/* The edit forms have no key; the create forms (_new_) add one
 * (fields_idempotency_key, lib/idem.h) at EVENT_KEY and VENUE_KEY. */
enum { EVENT_NAME, EVENT_VENUE, EVENT_STARTS, EVENT_ENDS, EVENT_DESCRIPTION, EVENT_KEY };
extern const struct field *const input_event_form[];
extern const struct field *const input_event_new_form[];
enum { VENUE_NAME, VENUE_CITY, VENUE_ADDRESS, VENUE_CAPACITY, VENUE_TIMEZONE, VENUE_KEY };
extern const struct field *const input_venue_form[];
extern const struct field *const input_venue_new_form[];
extern const struct field input_venue_finder; /* venue_q of the event form */
enum { SEARCH_Q, SEARCH_CITY, SEARCH_FROM, SEARCH_TO };
extern const struct field *const input_search_form[];

/* input_page: the page number of raw (NULL or "" means 1) into *page;
 * TK_OK, or TK_EINVAL (and 1) when not a whole number from 1 to max. */
int input_page(const char *raw, long max, long *page);
/* input_fulltext: the boolean-mode MATCH query for the words of q: each
 * word of 3 or more letters or digits that is not a stop word becomes
 * "+word*" (every word must appear, as a prefix). Everything else in q is
 * dropped, so no operator of the boolean syntax reaches MariaDB. "" when
 * nothing is left. In the arena. */
const char *input_fulltext(struct request *r, const char *q);

/* ---- availability (avail.c), pure ---- */

/* Room for any text of avail_summary, NUL included. */
#define AVAIL_TEXT_MAX 96

/*
 * avail_summary: what the catalogue says of s, prices in currency c, into
 * out (size bytes, AVAIL_TEXT_MAX is always enough): "from €25.00 · 12
 * tickets" (one ticket: "1 ticket") when units are available, "Sold out"
 * when listings exist and none is, "" when there are none. Returns out.
 */
char *avail_summary(const struct stock_summary *s, const struct money_currency *c, char *out,
		    size_t size);

/* ---- handlers ---- */
int h_home(struct request *r);
int h_search(struct request *r);
int h_event(struct request *r);
int h_event_new(struct request *r);
int h_event_create(struct request *r);
int h_event_edit(struct request *r);
int h_event_update(struct request *r);
int h_event_cancel_form(struct request *r);
int h_event_cancel(struct request *r);
int h_venues(struct request *r);
int h_venue_new(struct request *r);
int h_venue_create(struct request *r);
int h_venue_edit(struct request *r);
int h_venue_update(struct request *r);

#endif
