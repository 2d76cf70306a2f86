/*
 * The organizer's venue pages: the list (/venues), create (/venues/new)
 * and edit (/venues/:id/edit). A venue's time zone is an IANA name the
 * database server knows (CONVERT_TZ answers non-NULL for it). Invalid
 * fields re-render the form with the values kept (422); an edit of a
 * version that changed meanwhile comes back with a message and the newer
 * version (409).
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

/* The form as typed (capacity as text, so a wrong value is kept). */
struct venue_form {
	const char *name;
	const char *city;
	const char *address;
	const char *capacity;
	const char *timezone;
	int64_t version;
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

/* GET /venues (organizer): every venue, with links to edit them. */
int
h_venues(struct request *r)
{
	struct venue *v;
	size_t n, i;
	tmpl_dict *d, *s;
	int rc;

	rc = store_venues(&r->store, &v, &n);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/venues/list.tpl", "Venues");
	if (n == 0)
		tmpl_show(d, "EMPTY");
	else
		tmpl_show(d, "HAS_VENUES");
	for (i = 0; i < n; i++) {
		s = tmpl_section(d, "VENUE");
		tmpl_set(s, "ID", v[i].id);
		tmpl_set(s, "NAME", v[i].name);
		tmpl_set(s, "CITY", v[i].city);
		tmpl_set(s, "ADDRESS", v[i].address);
		tmpl_set_int(s, "CAPACITY", v[i].capacity);
		tmpl_set(s, "TIMEZONE", v[i].timezone);
	}
	page_end(r, 200);
	return TK_OK;
}

/* show_form: the venue form for f with the errors in e, then page_end
 * with status. id is NULL for a new venue. */
static void
show_form(struct request *r, const char *id, const struct venue_form *f, const struct errors *e,
          int status)
{
	tmpl_dict *d = page_begin(r, "pages/venues/form.tpl", id ? "Edit venue" : "New venue");
	size_t i;

	if (id != NULL) {
		tmpl_set(d, "HEADING", "Edit venue");
		tmpl_set(d, "ACTION", arena_printf(r->arena, "/venues/%s/edit", id));
		tmpl_set(d, "SUBMIT", "Save changes");
		tmpl_set_int(tmpl_section(d, "VERSION_FIELD"), "VERSION", f->version);
	} else {
		tmpl_set(d, "HEADING", "New venue");
		tmpl_set(d, "ACTION", "/venues/new");
		tmpl_set(d, "SUBMIT", "Create venue");
	}
	tmpl_set(d, "NAME", f->name);
	tmpl_set(d, "CITY", f->city);
	tmpl_set(d, "ADDRESS", f->address);
	tmpl_set(d, "CAPACITY", f->capacity);
	tmpl_set(d, "TIMEZONE", f->timezone);
	for (i = 0; i < e->n; i++)
		page_field_error(r, e->v[i].section, e->v[i].field, e->v[i].message);
	page_end(r, status);
}

/* read_form: the posted fields into *f and *v, with what is wrong in *e.
 * Returns TK_OK or a database error. */
static int
read_form(struct request *r, struct venue_form *f, struct venue *v, struct errors *e)
{
	const char *cap;
	int rc = TK_OK;

	add_error(e, "NAME_ERROR", "name",
	          input_text(r, params_get(&r->form, "name"), VENUE_NAME_MAX, 1, 0, &f->name,
	                     "Enter the venue's name.", "A name has at most 200 characters."));
	add_error(e, "CITY_ERROR", "city",
	          input_text(r, params_get(&r->form, "city"), VENUE_CITY_MAX, 1, 0, &f->city,
	                     "Enter the city.", "A city has at most 100 characters."));
	add_error(e, "ADDRESS_ERROR", "address",
	          input_text(r, params_get(&r->form, "address"), VENUE_ADDRESS_MAX, 1, 0,
	                     &f->address, "Enter the address.",
	                     "An address has at most 300 characters."));
	input_text(r, params_get(&r->form, "capacity"), 20, 0, 0, &cap, NULL, NULL);
	f->capacity = cap;
	if (input_capacity(cap, &v->capacity) != 0)
		add_error(e, "CAPACITY_ERROR", "capacity",
		          "Enter the capacity as a whole number of people, at least 1.");
	input_text(r, params_get(&r->form, "timezone"), 64, 0, 0, &f->timezone, NULL, NULL);
	if (*f->timezone == '\0')
		add_error(e, "TIMEZONE_ERROR", "timezone",
		          "Enter the venue's time zone, like Europe/Paris.");
	else if (input_timezone_name(f->timezone) != 0 ||
	         (rc = store_timezone_known(&r->store, f->timezone)) == TK_EINVAL)
		add_error(e, "TIMEZONE_ERROR", "timezone",
		          "Enter a time zone name from the tz database, like Europe/Paris.");
	if (rc == TK_EINVAL)
		rc = TK_OK;
	v->name = f->name;
	v->city = f->city;
	v->address = f->address;
	v->timezone = f->timezone;
	return rc;
}

/* GET /venues/new (organizer): the empty form. */
int
h_venue_new(struct request *r)
{
	struct venue_form f = {"", "", "", "", "", 0};
	struct errors e = {0};

	show_form(r, NULL, &f, &e, 200);
	return TK_OK;
}

/*
 * POST /venues/new (organizer, CSRF checked): with valid fields, creates
 * the venue (venue.created in the same transaction) and answers 303 to
 * the venue list, at the new venue; otherwise 422 with the form.
 */
int
h_venue_create(struct request *r)
{
	struct venue_form f = {0};
	struct venue v = {0};
	struct errors e = {0};
	char id[UUID_STR_LEN + 1];
	int rc;

	rc = read_form(r, &f, &v, &e);
	if (rc == TK_OK && e.n > 0) {
		show_form(r, NULL, &f, &e, 422);
		return TK_OK;
	}
	if (rc == TK_OK)
		rc = store_venue_create(&r->store, &v, id);
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/venues#venue-%s", id));
	return TK_OK;
}

/* load: venue :id into *v. Returns TK_OK, TK_ENOTFOUND (404) for an
 * unknown id, or a database error. */
static int
load(struct request *r, struct venue *v)
{
	const char *id = params_get(&r->route, "id");

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	return store_venue_by_id(&r->store, id, v);
}

/* GET /venues/:id/edit (organizer): the form with the venue's values. */
int
h_venue_edit(struct request *r)
{
	struct venue v;
	struct venue_form f;
	struct errors e = {0};
	int rc;

	rc = load(r, &v);
	if (rc != TK_OK)
		return rc;
	f = (struct venue_form){v.name,     v.city,
	                        v.address,  arena_printf(r->arena, "%ld", v.capacity),
	                        v.timezone, v.version};
	show_form(r, v.id, &f, &e, 200);
	return TK_OK;
}

/*
 * POST /venues/:id/edit (organizer, CSRF checked): with valid fields and
 * the version the form was made from, saves (venue.updated) and answers
 * 303 to the venue list. 422 for invalid fields, 409 with the form when
 * the venue changed since, 404 unknown, 400 without a version.
 */
int
h_venue_update(struct request *r)
{
	const char *raw_version = params_get(&r->form, "version");
	struct venue old, v = {0};
	struct venue_form f = {0};
	struct errors e = {0};
	char *end = NULL;
	int rc;

	rc = load(r, &old);
	if (rc != TK_OK)
		return rc;
	f.version = raw_version ? strtoll(raw_version, &end, 10) : 0;
	if (raw_version == NULL || *raw_version == '\0' || *end != '\0' || f.version < 1)
		return TK_EINVAL;
	rc = read_form(r, &f, &v, &e);
	if (rc != TK_OK)
		return rc;
	if (e.n > 0) {
		show_form(r, old.id, &f, &e, 422);
		return TK_OK;
	}
	v.id = old.id;
	v.version = f.version;
	rc = store_venue_update(&r->store, &v);
	if (rc == TK_ECONFLICT) {
		rc = store_venue_by_id(&r->store, old.id, &old);
		if (rc == TK_OK) {
			f.version = old.version;
			add_error(&e, "CONFLICT_ERROR", "name",
			          "Someone else changed this venue while you were editing it. "
			          "Check the values and save again to keep yours.");
			show_form(r, old.id, &f, &e, 409);
			return TK_OK;
		}
	}
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/venues#venue-%s", old.id));
	return TK_OK;
}
