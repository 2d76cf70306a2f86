/*
 * The event page: the event, its venue, and the tickets on offer. The
 * events service learns about tickets only through its replica of ticket
 * data, which the tickets service will feed; until then the page says
 * honestly that none are listed. A cancelled event says so and offers
 * nothing.
 */
#include <string.h>

#include "arena.h"
#include "err.h"
#include "events.h"
#include "page.h"
#include "req.h"
#include "uuid.h"

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

/* show_event: event :id rendered with page template file and title (the
 * event's name when NULL), 200. With manage, only for the organizer who
 * created it or an admin. Returns TK_OK, TK_ENOTFOUND (404) for an id that
 * is not a UUID or not an event (of theirs), or a database error. */
static int
show_event(struct request *r, const char *file, const char *title, int manage)
{
	const char *id = params_get(&r->route, "id");
	struct event e;
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_event_by_id(&r->store, id, &e);
	if (rc == TK_OK && manage && !event_manageable(r, &e))
		rc = TK_ENOTFOUND;
	if (rc != TK_OK)
		return rc;
	event_fill(r, page_begin(r, file, title != NULL ? title : e.name), &e);
	page_end(r, 200);
	return TK_OK;
}

/*
 * GET /events/:id: the event page. 404 for an id that is not a UUID or
 * not an event.
 */
int
h_event(struct request *r)
{
	return show_event(r, "pages/events/show.tpl", NULL, 0);
}

/*
 * GET /events/:id/cancel (organizer): the confirmation page; for an event
 * already cancelled it says so. 404 for an unknown id or an event of
 * another organizer (admins may cancel any).
 */
int
h_event_cancel_form(struct request *r)
{
	return show_event(r, "pages/events/cancel.tpl", "Cancel event", 1);
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
