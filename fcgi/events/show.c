/*
 * The event page: the event, its venue, and the tickets on offer. The
 * events service learns about tickets only through its replica of the
 * orders service's unit counts (stock_replica, fed by stock.changed): the
 * page lists each active listing with units left, cheapest first, with a
 * link to the listing's page of the tickets service, and says "Sold out"
 * when listings exist and none has units left. Signed-in visitors get a
 * link to sell tickets for a scheduled event that has not ended. A
 * cancelled or past event says so and offers nothing.
 *
 * For signed-out visitors each thread keeps the pages it rendered for at
 * most PAGE_CACHE_MS (lib/pagecache.h, as the home page): an on-sale
 * brings thousands of them to one event page at once. What the page shows
 * of the tickets may then lag the replica by that long; a change this
 * process commits to the event drops the copies at once.
 */
#include <string.h>

#include "arena.h"
#include "err.h"
#include "events.h"
#include "money.h"
#include "page.h"
#include "pagecache.h"
#include "req.h"
#include "uuid.h"

#define PAGE_CACHE_MS 1000

/* event_fill: the fields of the event page (and the cancel page) in d. */
static void
event_fill(struct request *r, tmpl_dict *d, const struct event *e)
{
	tmpl_set(d, "ID", e->id);
	tmpl_set(d, "NAME", e->name);
	tmpl_set(d, "DESCRIPTION", e->description);
	tmpl_set(d, "VENUE", e->venue_name);
	tmpl_set(d, "CITY", e->venue_city);
	tmpl_set(d, "ADDRESS", e->venue_address);
	tmpl_set_int(d, "CAPACITY", e->venue_capacity);
	tmpl_set(d, "TIMEZONE", e->venue_timezone);
	tmpl_set(d, "STARTS", e->starts_display);
	tmpl_set(d, "STARTS_ISO", e->starts_input);
	tmpl_set(d, "ENDS", e->ends_display);
	tmpl_set(d, "ENDS_ISO", e->ends_input);
	if (*e->description != '\0')
		page_paragraphs(r, tmpl_section(d, "HAS_DESCRIPTION"), e->description);
	if (strcmp(e->status, "cancelled") == 0)
		tmpl_show(d, "CANCELLED");
	else if (e->past)
		tmpl_show(d, "PAST");
	else
		tmpl_show(d, "SCHEDULED");
	if (event_manageable(r, e) && strcmp(e->status, "scheduled") == 0)
		tmpl_show(d, "ORGANIZER");
}

/* or_dash: s, or "–" when it is empty (a seller may leave a place out). */
static const char *
or_dash(const char *s)
{
	return *s != '\0' ? s : "–";
}

/* tickets_fill: the ON_OFFER section d of the event page for a scheduled,
 * upcoming event e: the listings with units left (OFFERS with SUMMARY and
 * a LISTING each), SOLD_OUT or NO_TICKETS, and SELL for a signed-in
 * visitor. */
static int
tickets_fill(struct request *r, tmpl_dict *d, const struct event *e)
{
	const struct money_currency *cur = money_currency();
	char text[AVAIL_TEXT_MAX], price[MONEY_TEXT_MAX];
	struct stock_summary sum;
	struct listing *l;
	tmpl_dict *offers, *row;
	size_t n, i;
	int rc;

	rc = store_event_listings(&r->store, e->id, &sum, &l, &n);
	if (rc != TK_OK)
		return rc;
	if (r->session != NULL)
		tmpl_show(d, "SELL");
	if (n == 0) {
		tmpl_show(d, sum.listings > 0 ? "SOLD_OUT" : "NO_TICKETS");
		return TK_OK;
	}
	offers = tmpl_section(d, "OFFERS");
	tmpl_set(offers, "SUMMARY", avail_summary(&sum, cur, text, sizeof(text)));
	for (i = 0; i < n; i++) {
		row = tmpl_section(offers, "LISTING");
		tmpl_set(row, "LISTING_ID", l[i].id);
		tmpl_set(row, "SECTION", or_dash(l[i].section));
		tmpl_set(row, "ROW", or_dash(l[i].row));
		tmpl_set(row, "SEAT", or_dash(l[i].seat));
		tmpl_set(row, "PRICE", money_format(l[i].price, cur, price, sizeof(price)));
		tmpl_set_int(row, "AVAILABLE", l[i].available);
	}
	if (n == LISTINGS_SHOWN_MAX)
		tmpl_set_int(offers, "SHOWN_MAX", LISTINGS_SHOWN_MAX);
	return TK_OK;
}

/* show_event: event :id rendered with page template file and title (the
 * event's name when NULL), 200; with tickets, the tickets on offer too.
 * With manage, only for the organizer who created it or an admin. Returns
 * TK_OK, TK_ENOTFOUND (404) for an id that is not a UUID or not an event
 * (of theirs), or a database error. */
static int
show_event(struct request *r, const char *file, const char *title, int manage, int tickets)
{
	const char *id = params_get(&r->route, "id");
	struct event e;
	tmpl_dict *d;
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_event_by_id(&r->store, id, &e);
	if (rc == TK_OK && manage && !event_manageable(r, &e))
		rc = TK_ENOTFOUND;
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, file, title != NULL ? title : e.name);
	event_fill(r, d, &e);
	if (tickets && strcmp(e.status, "scheduled") == 0 && !e.past) {
		rc = tickets_fill(r, tmpl_section(d, "ON_OFFER"), &e);
		if (rc != TK_OK)
			return rc;
	}
	page_end(r, 200);
	return TK_OK;
}

/*
 * GET /events/:id: the event page. 404 for an id that is not a UUID or
 * not an event. Signed-out visitors may get a copy rendered up to
 * PAGE_CACHE_MS before.
 */
int
h_event(struct request *r)
{
	const char *key = arena_printf(r->arena, "/events/%s", params_get(&r->route, "id"));
	unsigned long generation = store_generation();
	int rc;

	if (pagecache_serve(r, key, generation, PAGE_CACHE_MS))
		return TK_OK;
	rc = show_event(r, "pages/events/show.tpl", NULL, 0, 1);
	if (rc == TK_OK)
		pagecache_keep(r, key, generation);
	return rc;
}

/*
 * GET /events/:id/cancel (organizer): the confirmation page; for an event
 * already cancelled it says so. 404 for an unknown id or an event of
 * another organizer (admins may cancel any).
 */
int
h_event_cancel_form(struct request *r)
{
	return show_event(r, "pages/events/cancel.tpl", "Cancel event", 1, 0);
}

/*
 * POST /events/:id/cancel (organizer, CSRF checked): cancels the event
 * (event.cancelled in the same transaction) and answers 303 to its page.
 * Idempotent: an event already cancelled stays so, 303 again, nothing
 * emitted. 404 for an unknown id or an event of another organizer.
 */
int
h_event_cancel(struct request *r)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_event_cancel(&r->store, id);
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/events/%s", id));
	return TK_OK;
}
