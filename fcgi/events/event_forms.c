/*
 * The organizer's event forms: create (/events/new) and edit
 * (/events/:id/edit). Times are typed in the venue's local time
 * (datetime-local, YYYY-MM-DDTHH:MM) and stored in UTC. A form with
 * mistakes comes back with the values kept and a message by each field
 * (422); an edit made on a version that changed meanwhile comes back with
 * a message and the newer version (409), so saving again is a deliberate
 * overwrite.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "events.h"
#include "page.h"
#include "req.h"
#include "uuid.h"

#define MAX_ERRORS 8

/* What the form holds, as typed. */
struct event_form {
	const char *name;
	const char *description;
	const char *venue_id;
	const char *starts_at;
	const char *ends_at;
	int64_t version; /* edits only */
};

struct form_error {
	const char *section;
	const char *field;
	const char *message;
};

struct errors {
	struct form_error v[MAX_ERRORS];
	size_t n;
};

static void
add_error(struct errors *e, const char *section, const char *field, const char *message)
{
	if (message != NULL && e->n < MAX_ERRORS)
		e->v[e->n++] = (struct form_error){section, field, message};
}

/* form_page: begin the form page for f with the errors in e. id is NULL
 * for a new event. Returns TK_OK or a database error (nothing begun). */
static int
form_page(struct request *r, const char *id, const struct event_form *f, const struct errors *e)
{
	struct venue *venues;
	size_t nvenues, i;
	tmpl_dict *d, *o;
	int rc;

	rc = store_venues(&r->store, &venues, &nvenues);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/events/form.tpl", id ? "Edit event" : "New event");
	if (id != NULL) {
		tmpl_set(d, "HEADING", "Edit event");
		tmpl_set(d, "ACTION", arena_printf(r->arena, "/events/%s/edit", id));
		tmpl_set(d, "BACK_URL", arena_printf(r->arena, "/events/%s", id));
		tmpl_set(d, "SUBMIT", "Save changes");
		tmpl_set_int(tmpl_section(d, "VERSION_FIELD"), "VERSION", f->version);
	} else {
		tmpl_set(d, "HEADING", "New event");
		tmpl_set(d, "ACTION", "/events/new");
		tmpl_set(d, "BACK_URL", "/");
		tmpl_set(d, "SUBMIT", "Create event");
	}
	tmpl_set(d, "NAME", f->name);
	tmpl_set(d, "DESCRIPTION", f->description);
	tmpl_set(d, "STARTS_AT", f->starts_at);
	tmpl_set(d, "ENDS_AT", f->ends_at);
	if (nvenues == 0)
		tmpl_show(d, "NO_VENUES");
	for (i = 0; i < nvenues; i++) {
		o = tmpl_section(d, "VENUE_OPTION");
		tmpl_set(o, "VENUE_ID", venues[i].id);
		tmpl_set(o, "VENUE_LABEL",
		         arena_printf(r->arena, "%s, %s (%s)", venues[i].name, venues[i].city,
		                      venues[i].timezone));
		if (strcmp(venues[i].id, f->venue_id) == 0)
			tmpl_show(o, "SELECTED");
	}
	for (i = 0; i < e->n; i++)
		page_field_error(r, e->v[i].section, e->v[i].field, e->v[i].message);
	return TK_OK;
}

/* show_form: form_page then page_end with status. Returns TK_OK, or
 * form_page's error (nothing rendered then). */
static int
show_form(struct request *r, const char *id, const struct event_form *f, const struct errors *e,
          int status)
{
	int rc = form_page(r, id, f, e);

	if (rc == TK_OK)
		page_end(r, status);
	return rc;
}

/* read_form: the posted fields into *f (trimmed) and *in, with what is
 * wrong in *e. is_new adds "starts in the future". */
static int
read_form(struct request *r, int is_new, struct event_form *f, struct event_input *in,
          struct errors *e)
{
	char starts[20], ends[20];
	struct event_times t;
	int have_times, rc;

	add_error(e, "NAME_ERROR", "name",
	          input_text(r, params_get(&r->form, "name"), EVENT_NAME_MAX, 1, 0, &f->name,
	                     "Enter the event's name.", "A name has at most 200 characters."));
	add_error(e, "DESCRIPTION_ERROR", "description",
	          input_text(r, params_get(&r->form, "description"), EVENT_DESCRIPTION_MAX, 0, 1,
	                     &f->description, NULL, "A description has at most 5000 characters."));
	f->venue_id = params_get(&r->form, "venue_id");
	f->starts_at = params_get(&r->form, "starts_at");
	f->ends_at = params_get(&r->form, "ends_at");
	if (f->venue_id == NULL)
		f->venue_id = "";
	if (f->starts_at == NULL)
		f->starts_at = "";
	if (f->ends_at == NULL)
		f->ends_at = "";
	have_times = 1;
	if (input_local_time(f->starts_at, starts) != 0) {
		add_error(e, "STARTS_AT_ERROR", "starts_at",
		          *f->starts_at ? "Enter a date and time like 2026-12-31T19:30."
		                        : "Enter when the event starts.");
		have_times = 0;
	}
	if (input_local_time(f->ends_at, ends) != 0) {
		add_error(e, "ENDS_AT_ERROR", "ends_at",
		          *f->ends_at ? "Enter a date and time like 2026-12-31T23:00."
		                      : "Enter when the event ends.");
		have_times = 0;
	}
	if (!uuid_valid(f->venue_id)) {
		add_error(e, "VENUE_ID_ERROR", "venue_id", "Choose a venue.");
		return TK_OK;
	}
	/* With the venue known, the times convert from its time zone. */
	rc = store_event_times(&r->store, f->venue_id, have_times ? starts : "2000-01-01 00:00:00",
	                       have_times ? ends : "2000-01-01 00:00:00", &t);
	if (rc == TK_ENOTFOUND) {
		add_error(e, "VENUE_ID_ERROR", "venue_id", "Choose a venue from the list.");
		return TK_OK;
	}
	if (rc == TK_EINVAL) {
		add_error(e, "VENUE_ID_ERROR", "venue_id",
		          "The venue's time zone is unknown to the server.");
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	if (!have_times)
		return TK_OK;
	if (strcmp(t.ends_utc, t.starts_utc) <= 0)
		add_error(e, "ENDS_AT_ERROR", "ends_at", "The end must be after the start.");
	if (is_new && !t.starts_in_future)
		add_error(e, "STARTS_AT_ERROR", "starts_at", "The start must be in the future.");
	in->venue_id = f->venue_id;
	in->name = f->name;
	in->description = f->description;
	in->starts_utc = t.starts_utc;
	in->ends_utc = t.ends_utc;
	return TK_OK;
}

/* GET /events/new (organizer): the empty form. */
int
h_event_new(struct request *r)
{
	struct event_form f = {"", "", "", "", "", 0};
	struct errors e = {0};

	return show_form(r, NULL, &f, &e, 200);
}

/*
 * POST /events/new (organizer, CSRF checked): with valid fields, creates
 * the event (event.created in the same transaction) and answers 303 to its
 * page; otherwise 422 with the form, values kept, messages by the fields.
 */
int
h_event_create(struct request *r)
{
	struct event_form f = {0};
	struct event_input in = {0};
	struct errors e = {0};
	char id[UUID_STR_LEN + 1];
	int rc;

	rc = read_form(r, 1, &f, &in, &e);
	if (rc == TK_OK && e.n > 0) {
		return show_form(r, NULL, &f, &e, 422);
	}
	if (rc == TK_OK)
		rc = store_event_create(&r->store, &in, id);
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
	struct event_form f;
	struct errors e = {0};
	int rc;

	rc = load_editable(r, &ev);
	if (rc != TK_OK)
		return rc;
	f = (struct event_form){ev.name,         ev.description, ev.venue_id,
	                        ev.starts_input, ev.ends_input,  ev.version};
	return show_form(r, ev.id, &f, &e, 200);
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
	const char *raw_version = params_get(&r->form, "version");
	struct event ev;
	struct event_form f = {0};
	struct event_input in = {0};
	struct errors e = {0};
	char *end = NULL;
	int rc;

	rc = load_editable(r, &ev);
	if (rc != TK_OK)
		return rc;
	rc = read_form(r, 0, &f, &in, &e);
	if (rc != TK_OK)
		return rc;
	f.version = raw_version ? strtoll(raw_version, &end, 10) : 0;
	if (raw_version == NULL || *raw_version == '\0' || *end != '\0' || f.version < 1)
		return TK_EINVAL;
	if (e.n > 0) {
		return show_form(r, ev.id, &f, &e, 422);
	}
	rc = store_event_update(&r->store, ev.id, f.version, &in);
	if (rc == TK_ECONFLICT) {
		rc = store_event_by_id(&r->store, ev.id, &ev);
		if (rc == TK_OK && strcmp(ev.status, "scheduled") != 0)
			return TK_ECONFLICT;
		if (rc == TK_OK) {
			f.version = ev.version;
			add_error(&e, "CONFLICT_ERROR", "name",
			          "Someone else changed this event while you were editing it. "
			          "Check the values and save again to keep yours.");
			return show_form(r, ev.id, &f, &e, 409);
		}
	}
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/events/%s", ev.id));
	return TK_OK;
}
