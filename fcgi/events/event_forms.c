/*
 * The organizer's event forms: create (/events/new) and edit
 * (/events/:id/edit). Times are typed in the venue's local time
 * (datetime-local, YYYY-MM-DDTHH:MM) and stored in UTC. A form with
 * mistakes comes back with the values kept and a message by each field
 * (422); an edit made on a version that changed meanwhile comes back with
 * a message and the newer version (409), so saving again is a deliberate
 * overwrite.
 */
#include <limits.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "events.h"
#include "fields.h"
#include "idem.h"
#include "page.h"
#include "req.h"
#include "uuid.h"
#include "valid.h"

/* venue_choices: fill the venue select of d (and its finder) for the
 * venue selected (an id, or ""): at most VENUE_CHOICES venues whose name or
 * city starts with the finder's words (the query's venue_q), and the
 * selected one first when it is not among them. Returns TK_OK or a
 * database error. */
static int
venue_choices(struct request *r, tmpl_dict *d, const char *selected)
{
	struct venue *venues, chosen;
	const char *q = "";
	size_t n, i;
	int rc, listed = 0, more;
	tmpl_dict *o;

	if (fields_check(r->arena, &input_venue_finder, params_get(&r->query, "venue_q"), &q,
			 NULL) != NULL)
		q = "";
	rc = store_venues(&r->store, q, 0, VENUE_CHOICES + 1, &venues, &n);
	if (rc != TK_OK)
		return rc;
	more = n > VENUE_CHOICES;
	if (more)
		n = VENUE_CHOICES;
	for (i = 0; i < n; i++)
		listed |= strcmp(venues[i].id, selected) == 0;
	if (!listed && uuid_valid(selected)) {
		rc = store_venue_by_id(&r->store, selected, &chosen);
		if (rc == TK_OK) {
			o = tmpl_section(d, "VENUE_OPTION");
			tmpl_set(o, "VENUE_ID", chosen.id);
			tmpl_set(o, "VENUE_LABEL",
				 arena_printf(r->arena, "%s, %s (%s)", chosen.name, chosen.city,
					      chosen.timezone));
			tmpl_show(o, "SELECTED");
		} else if (rc != TK_ENOTFOUND) {
			return rc;
		}
	}
	for (i = 0; i < n; i++) {
		o = tmpl_section(d, "VENUE_OPTION");
		tmpl_set(o, "VENUE_ID", venues[i].id);
		tmpl_set(o, "VENUE_LABEL",
			 arena_printf(r->arena, "%s, %s (%s)", venues[i].name, venues[i].city,
				      venues[i].timezone));
		if (strcmp(venues[i].id, selected) == 0)
			tmpl_show(o, "SELECTED");
	}
	if (n == 0 && *q == '\0')
		tmpl_show(d, "NO_VENUES");
	if (more || *q != '\0') {
		o = tmpl_section(d, "VENUE_FINDER");
		tmpl_set(o, "VENUE_Q", q);
		tmpl_set_int(o, "VENUE_Q_MAXLENGTH", (long long)input_venue_finder.max_chars);
	}
	if (more)
		tmpl_set_int(tmpl_section(d, "MORE_VENUES"), "VENUE_CHOICES", VENUE_CHOICES);
	if (n == 0 && *q != '\0')
		tmpl_set(tmpl_section(d, "NO_VENUE_FOUND"), "VENUE_Q", q);
	return TK_OK;
}

/* form_page: begin the form page for the values and errors of f. id is
 * NULL for a new event; version is the edited one's. Returns TK_OK or a
 * database error (the page is then discarded by the error page). */
static int
form_page(struct request *r, const char *id, int64_t version, const struct fields *f)
{
	tmpl_dict *d;

	d = page_begin(r, "pages/events/form.tpl", id ? "Edit event" : "New event");
	if (id != NULL) {
		tmpl_set(d, "HEADING", "Edit event");
		tmpl_set(d, "ACTION", arena_printf(r->arena, "/events/%s/edit", id));
		tmpl_set(d, "BACK_URL", arena_printf(r->arena, "/events/%s", id));
		tmpl_set(d, "SUBMIT", "Save changes");
		tmpl_set_int(tmpl_section(d, "VERSION_FIELD"), "VERSION", version);
	} else {
		tmpl_set(d, "HEADING", "New event");
		tmpl_set(d, "ACTION", "/events/new");
		tmpl_set(d, "BACK_URL", "/");
		tmpl_set(d, "SUBMIT", "Create event");
	}
	fields_show(r, f);
	return venue_choices(r, d, f->values[EVENT_VENUE]);
}

/* show_form: form_page then page_end with status. Returns TK_OK, or
 * form_page's error (nothing rendered then: the error page replaces the
 * page begun). */
static int
show_form(struct request *r, const char *id, int64_t version, const struct fields *f, int status)
{
	int rc = form_page(r, id, version, f);

	if (rc == TK_OK)
		page_end(r, status);
	return rc;
}

/* read_form: the posted fields into *f (with what is wrong) and, when
 * they are right, *in. is_new adds "starts in the future". */
static int
read_form(struct request *r, int is_new, struct fields *f, struct event_input *in)
{
	char starts[20], ends[20];
	struct event_times t;
	int have_times, rc;

	fields_read(r->arena, is_new ? input_event_new_form : input_event_form, &r->form, f);
	if (fields_has_error(f, "venue_id"))
		return TK_OK;
	have_times = valid_local_time(f->values[EVENT_STARTS], starts) == TK_OK &&
		     valid_local_time(f->values[EVENT_ENDS], ends) == TK_OK;
	/* With the venue known, the times convert from its time zone. */
	rc = store_event_times(&r->store, f->values[EVENT_VENUE],
			       have_times ? starts : "2000-01-01 00:00:00",
			       have_times ? ends : "2000-01-01 00:00:00", &t);
	if (rc == TK_ENOTFOUND) {
		fields_error(f, NULL, "venue_id", "Choose a venue from the list.");
		return TK_OK;
	}
	if (rc == TK_EINVAL) {
		fields_error(f, NULL, "venue_id",
			     "The venue's time zone is unknown to the server.");
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	if (!have_times)
		return TK_OK;
	if (strcmp(t.ends_utc, t.starts_utc) <= 0)
		fields_error(f, NULL, "ends_at", "The end must be after the start.");
	if (is_new && !t.starts_in_future)
		fields_error(f, NULL, "starts_at", "The start must be in the future.");
	in->venue_id = f->values[EVENT_VENUE];
	in->name = f->values[EVENT_NAME];
	in->description = f->values[EVENT_DESCRIPTION];
	in->starts_utc = t.starts_utc;
	in->ends_utc = t.ends_utc;
	return TK_OK;
}

/* GET /events/new[?venue_id=ID][&venue_q=words] (organizer): the empty
 * form, with venue ID chosen (the venue list's "Create an event here"),
 * offering the venues the words find. */
int
h_event_new(struct request *r)
{
	const char *venue = params_get(&r->query, "venue_id");
	struct fields f;

	fields_init(r->arena, input_event_new_form, &f);
	if (venue != NULL && uuid_valid(venue))
		f.values[EVENT_VENUE] = venue;
	return show_form(r, NULL, 0, &f, 200);
}

/*
 * POST /events/new (organizer, CSRF checked): with valid fields, creates
 * the event (event.created in the same transaction) and answers 303 to its
 * page; otherwise 422 with the form, values kept, messages by the fields.
 * The same form sent again (its idempotency key used) answers 303 to the
 * event the first submission created and creates nothing.
 */
int
h_event_create(struct request *r)
{
	struct fields f;
	struct event_input in = {0};
	char id[IDEM_RESULT_MAX + 1];
	int rc;

	rc = read_form(r, 1, &f, &in);
	if (rc == TK_OK && f.nerrors > 0)
		return show_form(r, NULL, 0, &f, 422);
	if (rc == TK_OK)
		rc = store_event_create(&r->store, &in, fields_key(&f), id);
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/events/%s", id));
	return TK_OK;
}

/* load_editable: event :id into *e for editing. Returns TK_OK;
 * TK_ENOTFOUND (404) for an unknown id or another organizer's event,
 * TK_ECONFLICT (409) for a cancelled event, or a database error. */
static int
load_editable(struct request *r, struct event *e)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_event_by_id(&r->store, id, e);
	if (rc == TK_OK && !event_manageable(r, e))
		rc = TK_ENOTFOUND;
	if (rc == TK_OK && strcmp(e->status, "scheduled") != 0)
		rc = TK_ECONFLICT;
	return rc;
}

/* GET /events/:id/edit (organizer): the form with the event's values.
 * 404 unknown, 409 cancelled. */
int
h_event_edit(struct request *r)
{
	struct event ev;
	struct fields f;
	int rc;

	rc = load_editable(r, &ev);
	if (rc != TK_OK)
		return rc;
	fields_init(r->arena, input_event_form, &f);
	f.values[EVENT_NAME] = ev.name;
	f.values[EVENT_VENUE] = ev.venue_id;
	f.values[EVENT_STARTS] = ev.starts_input;
	f.values[EVENT_ENDS] = ev.ends_input;
	f.values[EVENT_DESCRIPTION] = ev.description;
	return show_form(r, ev.id, ev.version, &f, 200);
}

/*
 * POST /events/:id/edit (organizer, CSRF checked): with valid fields and
 * the version the form was made from, saves (event.updated) and answers
 * 303 to the event page. 422 with messages for invalid fields; 409 with
 * the form and a message when the event changed since (the form then
 * carries the newer version); 409 when it was cancelled; 404 unknown.
 */
int
h_event_update(struct request *r)
{
	struct event ev;
	struct fields f;
	struct event_input in = {0};
	long version;
	int rc;

	rc = load_editable(r, &ev);
	if (rc != TK_OK)
		return rc;
	rc = read_form(r, 0, &f, &in);
	if (rc != TK_OK)
		return rc;
	if (valid_whole_number(params_get(&r->form, "version"), 1, LONG_MAX, &version) != TK_OK)
		return TK_EINVAL;
	if (f.nerrors > 0)
		return show_form(r, ev.id, version, &f, 422);
	rc = store_event_update(&r->store, ev.id, version, &in);
	if (rc == TK_ECONFLICT) {
		rc = store_event_by_id(&r->store, ev.id, &ev);
		if (rc == TK_OK && strcmp(ev.status, "scheduled") != 0)
			return TK_ECONFLICT;
		if (rc == TK_OK) {
			fields_error(&f, "CONFLICT_ERROR", "name",
				     "Someone else changed this event while you were editing it. "
				     "Check the values and save again to keep yours.");
			return show_form(r, ev.id, ev.version, &f, 409);
		}
	}
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/events/%s", ev.id));
	return TK_OK;
}
