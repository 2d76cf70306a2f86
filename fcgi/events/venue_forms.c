/*
 * The organizer's venue pages: the list (/venues), create (/venues/new)
 * and edit (/venues/:id/edit). A venue's time zone is an IANA name the
 * database server knows (CONVERT_TZ answers non-NULL for it). Invalid
 * fields re-render the form with the values kept (422); an edit of a
 * version that changed meanwhile comes back with a message and the newer
 * version (409).
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
#include "text.h"
#include "uuid.h"
#include "valid.h"

/*
 * GET /venues[?q=words][&page=N] (organizer): VENUES_PER_PAGE venues a
 * page, by city and name, those whose name or city starts with q, each
 * with links to edit it and to create an event there. 400 for a page
 * number that is not one of 1 to VENUES_PAGE_MAX or words too long; 404
 * past the last page.
 */
int
h_venues(struct request *r)
{
	const char *q = "", *base;
	struct venue *v;
	size_t n, i;
	long page, total, pages;
	tmpl_dict *d, *s;
	int rc;

	if (input_page(params_get(&r->query, "page"), VENUES_PAGE_MAX, &page) != TK_OK ||
	    fields_check(r->arena, &input_venue_finder, params_get(&r->query, "q"), &q, NULL) !=
		NULL)
		return TK_EINVAL;
	rc = store_venues(&r->store, q, (page - 1) * VENUES_PER_PAGE, VENUES_PER_PAGE, &v, &n);
	if (rc == TK_OK && n == 0 && page > 1)
		rc = TK_ENOTFOUND;
	if (rc == TK_OK)
		rc = store_venue_count(&r->store, q, (long)VENUES_PER_PAGE * VENUES_PAGE_MAX + 1,
				       &total);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/venues/list.tpl",
		       page > 1 ? arena_printf(r->arena, "Venues, page %ld", page) : "Venues");
	tmpl_set(d, "Q", q);
	tmpl_set_int(d, "Q_MAXLENGTH", (long long)input_venue_finder.max_chars);
	if (n == 0 && *q == '\0')
		tmpl_show(d, "EMPTY");
	else if (n == 0)
		tmpl_set(tmpl_section(d, "NONE_FOUND"), "Q", q);
	else
		tmpl_show(d, "HAS_VENUES");
	if (n > 0) {
		s = tmpl_section(d, "COUNT");
		tmpl_set_int(s, "FIRST", (page - 1) * VENUES_PER_PAGE + 1);
		tmpl_set_int(s, "LAST", (page - 1) * VENUES_PER_PAGE + (long)n);
		if (total > (long)VENUES_PER_PAGE * VENUES_PAGE_MAX)
			tmpl_set(s, "TOTAL",
				 arena_printf(r->arena, "more than %d",
					      VENUES_PER_PAGE * VENUES_PAGE_MAX));
		else
			tmpl_set_int(s, "TOTAL", total);
	}
	for (i = 0; i < n; i++) {
		s = tmpl_section(d, "VENUE");
		tmpl_set(s, "ID", v[i].id);
		tmpl_set(s, "NAME", v[i].name);
		tmpl_set(s, "CITY", v[i].city);
		tmpl_set(s, "ADDRESS", v[i].address);
		tmpl_set_int(s, "CAPACITY", v[i].capacity);
		tmpl_set(s, "TIMEZONE", v[i].timezone);
	}
	pages = (total + VENUES_PER_PAGE - 1) / VENUES_PER_PAGE;
	base = *q != '\0'
		   ? arena_printf(r->arena, "/venues?q=%s&page=", text_url_encode(r->arena, q))
		   : "/venues?page=";
	page_pagination(r, d, base, page, pages < VENUES_PAGE_MAX ? pages : VENUES_PAGE_MAX);
	page_end(r, 200);
	return TK_OK;
}

/* show_form: the venue form with the values and errors of f, then
 * page_end with status. id is NULL for a new venue; version is the edited
 * one's. */
static void
show_form(struct request *r, const char *id, int64_t version, const struct fields *f, int status)
{
	tmpl_dict *d = page_begin(r, "pages/venues/form.tpl", id ? "Edit venue" : "New venue");

	if (id != NULL) {
		tmpl_set(d, "HEADING", "Edit venue");
		tmpl_set(d, "ACTION", arena_printf(r->arena, "/venues/%s/edit", id));
		tmpl_set(d, "SUBMIT", "Save changes");
		tmpl_set_int(tmpl_section(d, "VERSION_FIELD"), "VERSION", version);
	} else {
		tmpl_set(d, "HEADING", "New venue");
		tmpl_set(d, "ACTION", "/venues/new");
		tmpl_set(d, "SUBMIT", "Create venue");
	}
	fields_show(r, f);
	page_end(r, status);
}

/* read_form: the posted fields of form (input_venue_form or
 * input_venue_new_form) into *f (with what is wrong) and *v.
 * Returns TK_OK or a database error. */
static int
read_form(struct request *r, const struct field *const *form, struct fields *f, struct venue *v)
{
	int rc = TK_OK;

	fields_read(r->arena, form, &r->form, f);
	if (!fields_has_error(f, "timezone") &&
	    (rc = store_timezone_known(&r->store, f->values[VENUE_TIMEZONE])) == TK_EINVAL) {
		fields_error(f, NULL, "timezone",
			     "Enter a time zone name from the tz database, like Europe/Paris.");
		rc = TK_OK;
	}
	v->name = f->values[VENUE_NAME];
	v->city = f->values[VENUE_CITY];
	v->address = f->values[VENUE_ADDRESS];
	v->capacity = f->numbers[VENUE_CAPACITY];
	v->timezone = f->values[VENUE_TIMEZONE];
	return rc;
}

/* GET /venues/new (organizer): the empty form. */
int
h_venue_new(struct request *r)
{
	struct fields f;

	fields_init(r->arena, input_venue_new_form, &f);
	show_form(r, NULL, 0, &f, 200);
	return TK_OK;
}

/*
 * POST /venues/new (organizer, CSRF checked): with valid fields, creates
 * the venue (venue.created in the same transaction) and answers 303 to
 * the venue list, at the new venue; otherwise 422 with the form. The
 * same form sent again (its idempotency key used) answers 303 to the venue
 * the first submission created and creates nothing.
 */
int
h_venue_create(struct request *r)
{
	struct fields f;
	struct venue v = {0};
	char id[IDEM_RESULT_MAX + 1];
	int rc;

	rc = read_form(r, input_venue_new_form, &f, &v);
	if (rc == TK_OK && f.nerrors > 0) {
		show_form(r, NULL, 0, &f, 422);
		return TK_OK;
	}
	if (rc == TK_OK)
		rc = store_venue_create(&r->store, &v, fields_key(&f), id);
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
	struct fields f;
	int rc;

	rc = load(r, &v);
	if (rc != TK_OK)
		return rc;
	fields_init(r->arena, input_venue_form, &f);
	f.values[VENUE_NAME] = v.name;
	f.values[VENUE_CITY] = v.city;
	f.values[VENUE_ADDRESS] = v.address;
	f.values[VENUE_CAPACITY] = arena_printf(r->arena, "%ld", v.capacity);
	f.values[VENUE_TIMEZONE] = v.timezone;
	show_form(r, v.id, v.version, &f, 200);
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
	struct venue old, v = {0};
	struct fields f;
	long version;
	int rc;

	rc = load(r, &old);
	if (rc != TK_OK)
		return rc;
	if (valid_whole_number(params_get(&r->form, "version"), 1, LONG_MAX, &version) != TK_OK)
		return TK_EINVAL;
	rc = read_form(r, input_venue_form, &f, &v);
	if (rc != TK_OK)
		return rc;
	if (f.nerrors > 0) {
		show_form(r, old.id, version, &f, 422);
		return TK_OK;
	}
	v.id = old.id;
	v.version = version;
	rc = store_venue_update(&r->store, &v);
	if (rc == TK_ECONFLICT) {
		rc = store_venue_by_id(&r->store, old.id, &old);
		if (rc == TK_OK) {
			fields_error(&f, "CONFLICT_ERROR", "name",
				     "Someone else changed this venue while you were editing it. "
				     "Check the values and save again to keep yours.");
			show_form(r, old.id, old.version, &f, 409);
			return TK_OK;
		}
	}
	if (rc != TK_OK)
		return rc;
	resp_redirect(r, arena_printf(r->arena, "/venues#venue-%s", old.id));
	return TK_OK;
}
