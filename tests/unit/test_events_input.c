/*
 * Unit tests for the input checks of the events service
 * (fcgi/events/input.c): the tables of the event, venue and search forms
 * (limits, messages, the shared validators they use), page numbers, and
 * the boolean-mode full-text query built from search words (no operator
 * of the boolean syntax may pass through).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include "fields_cases.h"

#include "arena.h"
#include "err.h"
#include "events.h"
#include "fields.h"
#include "page.h"
#include "params.h"
#include "req.h"
#include "tmpl.h"

static struct request req;

static const struct fields_case cases[] = {
    /* event form */
    {input_event_form, EVENT_NAME, "  Jazz night  ", NULL, "Jazz night"},
    {input_event_form, EVENT_NAME, "   ", "Enter the event's name.", ""},
    {input_event_form, EVENT_NAME, "a\x01", "This text cannot contain control characters.",
     "a\x01"},
    {input_event_form, EVENT_VENUE, "", "Choose a venue.", ""},
    {input_event_form, EVENT_VENUE, "hall-1", "Choose a venue from the list.", "hall-1"},
    {input_event_form, EVENT_VENUE, "01234567-89ab-7def-8123-456789abcdef", NULL,
     "01234567-89ab-7def-8123-456789abcdef"},
    {input_event_form, EVENT_STARTS, "", "Enter when the event starts.", ""},
    {input_event_form, EVENT_STARTS, "2026-12-31T19:30", NULL, "2026-12-31T19:30"},
    {input_event_form, EVENT_STARTS, "2026-12-31 19:30",
     "Enter a date and time like 2026-12-31T19:30.", "2026-12-31 19:30"},
    {input_event_form, EVENT_ENDS, "tomorrow", "Enter a date and time like 2026-12-31T23:00.",
     "tomorrow"},
    {input_event_form, EVENT_ENDS, "", "Enter when the event ends.", ""},
    {input_event_form, EVENT_DESCRIPTION, "", NULL, ""},
    {input_event_form, EVENT_DESCRIPTION, "a\r\nb\tc", NULL, "a\nb\tc"},
    {input_event_form, EVENT_DESCRIPTION, "a\x01", "This text cannot contain control characters.",
     "a\x01"},
    /* venue form */
    {input_venue_form, VENUE_NAME, "", "Enter the venue's name.", ""},
    {input_venue_form, VENUE_CITY, "", "Enter the city.", ""},
    {input_venue_form, VENUE_ADDRESS, "", "Enter the address.", ""},
    {input_venue_form, VENUE_CAPACITY, "1", NULL, "1"},
    {input_venue_form, VENUE_CAPACITY, " 2500 ", NULL, "2500"},
    {input_venue_form, VENUE_CAPACITY, "10000000", NULL, "10000000"},
    {input_venue_form, VENUE_CAPACITY, "0",
     "Enter the capacity as a whole number of people, at least 1.", "0"},
    {input_venue_form, VENUE_CAPACITY, "-5",
     "Enter the capacity as a whole number of people, at least 1.", "-5"},
    {input_venue_form, VENUE_CAPACITY, "12.5",
     "Enter the capacity as a whole number of people, at least 1.", "12.5"},
    {input_venue_form, VENUE_CAPACITY, "10000001",
     "Enter the capacity as a whole number of people, at least 1.", "10000001"},
    {input_venue_form, VENUE_CAPACITY, "",
     "Enter the capacity as a whole number of people, at least 1.", ""},
    {input_venue_form, VENUE_TIMEZONE, "Europe/Paris", NULL, "Europe/Paris"},
    {input_venue_form, VENUE_TIMEZONE, "", "Enter the venue's time zone, like Europe/Paris.", ""},
    {input_venue_form, VENUE_TIMEZONE, "+02:00",
     "Enter a time zone name from the tz database, like Europe/Paris.", "+02:00"},
    /* search form: everything optional */
    {input_search_form, SEARCH_Q, "", NULL, ""},
    {input_search_form, SEARCH_FROM, "2026-02-30", "Enter a date like 2026-12-31.", "2026-02-30"},
    {input_search_form, SEARCH_TO, " 2026-02-28 ", NULL, "2026-02-28"},
};

static void
test_form_fields(void)
{
	fields_cases_check(req.arena, cases, sizeof(cases) / sizeof(cases[0]));
}

/* The limits: one past each is refused with the limit in the message,
 * counted in characters. */
static void
test_limits(void)
{
	static const struct fields_limit limits[] = {
	    {input_event_form, EVENT_NAME, 200, "A name has at most 200 characters."},
	    {input_event_form, EVENT_DESCRIPTION, 5000,
	     "A description has at most 5000 characters."},
	    {input_venue_form, VENUE_NAME, 200, "A name has at most 200 characters."},
	    {input_venue_form, VENUE_CITY, 100, "A city has at most 100 characters."},
	    {input_venue_form, VENUE_ADDRESS, 300, "An address has at most 300 characters."},
	    {input_search_form, SEARCH_Q, 200, "Search words have at most 200 characters."},
	};

	fields_limits_check(req.arena, limits, sizeof(limits) / sizeof(limits[0]));
}

/* render: the page template file with form read from the pairs name,
 * value, ..., NULL, and then a handler's own error for field extra (when
 * not NULL), as fields_show fills it; the HTML in the arena. */
static const char *
render(const char *file, const struct field *const *form, const char *const *pairs,
       const char *extra)
{
	struct params p = {0};
	struct fields f;

	for (; pairs[0] != NULL; pairs += 2)
		params_add(req.arena, &p, pairs[0], pairs[1], strlen(pairs[1]));
	fields_read(req.arena, form, &p, &f);
	if (extra != NULL)
		fields_error(&f, NULL, extra, "Added by the handler.");
	buf_reset(&req.body);
	page_begin(&req, file, "Test");
	fields_show(&req, &f);
	page_end(&req, 422);
	return arena_strndup(req.arena, req.body.data, req.body.len);
}

/* The pages take limits, required flags, values and errors from the
 * tables. */
static void
test_pages_follow_tables(void)
{
	static const char *const venue[] = {"name", "", "city", "Lyon", "capacity", "0", NULL};
	static const char *const event[] = {"description", "Long\r\nnight", NULL};
	const char *html, *name, *city, *capacity;

	html = render("pages/venues/form.tpl", input_venue_form, venue, "city");
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "name=\"name\" value=\"\" required maxlength=\"200\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "value=\"Lyon\" required maxlength=\"100\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "maxlength=\"300\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "value=\"0\" required min=\"1\" max=\"10000000\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "maxlength=\"64\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<p class=\"field-error\" id=\"name-error\">"
					    "Enter the venue&#39;s name.</p>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<a href=\"#capacity\">Enter the capacity"));
	CU_ASSERT_PTR_NULL(strstr(html, "=\"\"{{"));
	CU_ASSERT_PTR_NULL(strstr(html, "maxlength=\"\""));
	/* The summary lists the errors in the order of the fields, the
	 * handler's (city, recorded last) in its field's place. */
	name = strstr(html, "<li><a href=\"#name\">");
	city = strstr(html, "<li><a href=\"#city\">Added by the handler.");
	capacity = strstr(html, "<li><a href=\"#capacity\">");
	CU_ASSERT(name != NULL && city != NULL && capacity != NULL && name < city &&
		  city < capacity);

	html = render("pages/events/form.tpl", input_event_form, event, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "maxlength=\"200\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<select id=\"venue_id\" name=\"venue_id\" required"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "Optional, up to 5000 characters"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "rows=\"8\" maxlength=\"5000\""));
	/* Line breaks survive the escaping of the kept value. */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, ">Long\nnight</textarea>"));
	CU_ASSERT_PTR_NULL(strstr(html, "maxlength=\"\""));
}

static void
test_page(void)
{
	long p;

	CU_ASSERT_EQUAL(input_page(NULL, EVENTS_PAGE_MAX, &p), TK_OK);
	CU_ASSERT_EQUAL(p, 1);
	CU_ASSERT_EQUAL(input_page("", EVENTS_PAGE_MAX, &p), TK_OK);
	CU_ASSERT_EQUAL(p, 1);
	CU_ASSERT_EQUAL(input_page("7", EVENTS_PAGE_MAX, &p), TK_OK);
	CU_ASSERT_EQUAL(p, 7);
	CU_ASSERT_EQUAL(input_page("50", EVENTS_PAGE_MAX, &p), TK_OK);
	CU_ASSERT_EQUAL(input_page("51", EVENTS_PAGE_MAX, &p), TK_EINVAL);
	CU_ASSERT_EQUAL(p, 1);
	CU_ASSERT_EQUAL(input_page("0", EVENTS_PAGE_MAX, &p), TK_EINVAL);
	CU_ASSERT_EQUAL(input_page("-1", EVENTS_PAGE_MAX, &p), TK_EINVAL);
	CU_ASSERT_EQUAL(input_page("abc", EVENTS_PAGE_MAX, &p), TK_EINVAL);
	CU_ASSERT_EQUAL(input_page("2x", EVENTS_PAGE_MAX, &p), TK_EINVAL);
	CU_ASSERT_EQUAL(input_page("99999999999999999999", EVENTS_PAGE_MAX, &p), TK_EINVAL);
}

static void
test_fulltext(void)
{
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "jazz"), "+jazz*");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "Jazz  Night"), "+Jazz* +Night*");
	/* Operators, quotes and short or stop words are dropped. */
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "+\"the\" -(jazz)* ~a @8 <quartet>"),
			       "+jazz* +quartet*");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "of an"), "");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, ""), "");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, NULL), "");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "Café Zürich"), "+Café* +Zürich*");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "aaa bbb ccc ddd eee fff ggg hhh iii jjj"),
			       "+aaa* +bbb* +ccc* +ddd* +eee* +fff* +ggg* +hhh*");
}

static const struct cu_test events_input_tests[] = {
    {"form fields", test_form_fields},
    {"form limits", test_limits},
    {"pages follow the tables", test_pages_follow_tables},
    {"page numbers", test_page},
    {"full-text query", test_fulltext},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"events input", NULL, NULL, events_input_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	int rc;

	const char *srcdir = getenv("TK_SRCDIR");
	char root[4096];

	snprintf(root, sizeof(root), "%s/templates", srcdir != NULL ? srcdir : ".");
	if (tmpl_init(root) != TK_OK)
		return 99;
	req.arena = arena_new();
	rc = cu_run(suites);

	req_free(&req);
	arena_free(req.arena);
	return rc;
}
