/*
 * The home page (upcoming events) and search (words, city, dates), both
 * paged 20 at a time, soonest first with ties broken by id so pages never
 * overlap or skip. One prepared query renders a page: the total comes
 * with the rows (COUNT(*) OVER ()). The city filter is typed, not chosen
 * from a list of every city.
 *
 * Each event says what its tickets are: "from €25.00 · 12 tickets",
 * "Sold out", or that none are listed yet (avail_summary).
 *
 * For visitors who are signed out (and carry no cookie but the visitor
 * cookie, so no flash message either), each thread also keeps the home
 * pages and search results it rendered, whole, for at most PAGE_CACHE_MS
 * (lib/pagecache.h), keyed by the filters and the page number,
 * dropped as soon as this process commits a change (store_generation).
 * The page holds nothing personal for them: no CSRF field, no name.
 *
 * Malformed parameters (page not a whole number from 1 to EVENTS_PAGE_MAX,
 * a date not YYYY-MM-DD, "to" before "from") answer 400 with the page
 * saying what is wrong and no results. A page past the end answers 404
 * with a link back to the first page (no such page exists). No page lists
 * more than the first EVENTS_LISTED_MAX matches, and the total is counted
 * up to there ("More than 1000"): the query's work stays bounded however
 * large the catalogue, and a visitor narrows the search instead.
 */
#include <string.h>

#include "app.h"
#include "arena.h"
#include "err.h"
#include "events.h"
#include "fields.h"
#include "money.h"
#include "page.h"
#include "pagecache.h"
#include "req.h"
#include "text.h"

#define PAGE_CACHE_MS 1000

/* list_events: fill the LIST include of d with events v[0..n). */
static void
list_events(tmpl_dict *d, const struct event *v, size_t n)
{
	tmpl_dict *list = tmpl_include(d, "LIST", "pages/events/list.tpl"), *e;
	char tickets[AVAIL_TEXT_MAX];
	size_t i;

	if (n > 0)
		tmpl_show(list, "EVENTS");
	for (i = 0; i < n; i++) {
		e = tmpl_section(list, "EVENT");
		tmpl_set(e, "ID", v[i].id);
		tmpl_set(e, "NAME", v[i].name);
		tmpl_set(e, "VENUE", v[i].venue_name);
		tmpl_set(e, "CITY", v[i].venue_city);
		tmpl_set(e, "WHEN", v[i].starts_display);
		tmpl_set(e, "WHEN_ISO", v[i].starts_iso);
		avail_summary(&v[i].stock, money_currency(), tickets, sizeof(tickets));
		if (tickets[0] != '\0')
			tmpl_set(tmpl_section(e, "TICKETS"), "SUMMARY", tickets);
		else
			tmpl_show(e, "NO_TICKETS");
	}
}

/* pages_of: the pages that list total matches (at most EVENTS_PAGE_MAX). */
static long
pages_of(long total)
{
	long pages = (total + EVENTS_PER_PAGE - 1) / EVENTS_PER_PAGE;

	return pages < EVENTS_PAGE_MAX ? pages : EVENTS_PAGE_MAX;
}

/* bad_page: show BAD_PAGE in d: the page number is not one of 1 to
 * EVENTS_PAGE_MAX. */
static void
bad_page(tmpl_dict *d)
{
	tmpl_set_int(tmpl_section(d, "BAD_PAGE"), "PAGE_MAX", EVENTS_PAGE_MAX);
}

/* results: run search s and fill d: LIST, PAGINATION, the counts, the
 * EMPTY state or PAST_END. Returns TK_OK, TK_ENOTFOUND (past the end:
 * d filled for the 404 page) or a database error. */
static int
results(struct request *r, tmpl_dict *d, const struct search *s, const char *base)
{
	struct event *v;
	tmpl_dict *c;
	size_t n;
	long total;
	int rc;

	rc = store_event_search(&r->store, s, &v, &n, &total);
	if (rc != TK_OK)
		return rc;
	if (n == 0 && s->page > 1) {
		rc = store_event_count(&r->store, s, &total);
		if (rc != TK_OK)
			return rc;
		c = tmpl_section(d, "PAST_END");
		tmpl_set_int(c, "PAGES", total > 0 ? pages_of(total) : 1);
		tmpl_set(c, "FIRST_URL", arena_printf(r->arena, "%s1", base));
		return TK_ENOTFOUND;
	}
	if (n == 0) {
		tmpl_show(d, "EMPTY");
		return TK_OK;
	}
	c = tmpl_section(d, "COUNT");
	if (total > EVENTS_LISTED_MAX) {
		tmpl_set(c, "TOTAL", arena_printf(r->arena, "More than %d", EVENTS_LISTED_MAX));
		tmpl_set_int(tmpl_section(c, "NARROW"), "LISTED_MAX", EVENTS_LISTED_MAX);
	} else {
		tmpl_set_int(c, "TOTAL", total);
	}
	tmpl_set(c, "NOUN", total == 1 ? "event" : "events");
	tmpl_set_int(c, "FIRST", (s->page - 1) * EVENTS_PER_PAGE + 1);
	tmpl_set_int(c, "LAST", (s->page - 1) * EVENTS_PER_PAGE + (long)n);
	list_events(d, v, n);
	page_pagination(r, d, base, s->page, pages_of(total));
	return TK_OK;
}

static void
organizer_links(struct request *r, tmpl_dict *d)
{
	if (r->session != NULL &&
	    (r->session->role == ROLE_ORGANIZER || r->session->role == ROLE_ADMIN))
		tmpl_show(d, "ORGANIZER");
}

/*
 * GET /[?page=N]: upcoming scheduled events, soonest first, 20 a page.
 * 400 with the page saying which pages exist for a page number that is not
 * one of 1 to EVENTS_PAGE_MAX, 404 past the last page.
 */
int
h_home(struct request *r)
{
	struct search s = {.text = "", .text_bool = "", .city = "", .from = "", .to = ""};
	struct fields f;
	unsigned long generation = store_generation();
	const char *key;
	tmpl_dict *d;
	int rc = TK_OK, status = 200, bad;

	bad = input_page(params_get(&r->query, "page"), EVENTS_PAGE_MAX, &s.page) != TK_OK;
	key = arena_printf(r->arena, "/?page=%ld", s.page);
	if (!bad && pagecache_serve(r, key, generation, PAGE_CACHE_MS))
		return TK_OK;
	d = page_begin(r, "pages/events/home.tpl",
		       s.page > 1 ? arena_printf(r->arena, "Upcoming events, page %ld", s.page)
				  : "Upcoming events");
	fields_init(r->arena, input_search_form, &f);
	fields_show(r, &f);
	organizer_links(r, d);
	if (bad) {
		bad_page(d);
		status = 400;
	} else {
		rc = results(r, d, &s, "/?page=");
		if (rc == TK_ENOTFOUND)
			status = 404;
		else if (rc != TK_OK)
			return rc;
	}
	page_end(r, status);
	if (!bad)
		pagecache_keep(r, key, generation);
	return TK_OK;
}

/* search_link: "/events?" with the non-empty filters of s, then "page=". */
static const char *
search_link(struct request *r, const struct search *s)
{
	const char *names[] = {"q", "city", "from", "to"};
	const char *values[] = {s->text, s->city, s->from, s->to};
	char *link = arena_strdup(r->arena, "/events?");
	size_t i;

	for (i = 0; i < 4; i++)
		if (*values[i] != '\0')
			link = arena_printf(r->arena, "%s%s=%s&", link, names[i],
					    text_url_encode(r->arena, values[i]));
	return arena_printf(r->arena, "%spage=", link);
}

/*
 * GET /events?q=&city=&from=&to=&page=: the search form and the matching
 * upcoming events. q matches words of the name and description (full-text
 * index, every word as a prefix) or a part of the venue's name or city;
 * city matches exactly; from/to are venue-local dates, inclusive. 400 with
 * the form and messages for malformed parameters; 404 past the last page;
 * 200 otherwise, with a helpful empty state when nothing matches.
 * Signed-out visitors may get a copy of a 200 page rendered up to
 * PAGE_CACHE_MS before for the same filters and page.
 */
int
h_search(struct request *r)
{
	struct search s = {.page = 1};
	struct fields f;
	unsigned long generation = store_generation();
	const char *key;
	tmpl_dict *d;
	int rc, status = 200, bad;

	fields_read(r->arena, input_search_form, &r->query, &f);
	s.text = f.values[SEARCH_Q];
	s.city = f.values[SEARCH_CITY];
	s.from = f.values[SEARCH_FROM];
	s.to = f.values[SEARCH_TO];
	if (*s.from != '\0' && *s.to != '\0' && !fields_has_error(&f, "from") &&
	    !fields_has_error(&f, "to") && strcmp(s.to, s.from) < 0)
		fields_error(&f, NULL, "to", "The end date is before the start date.");
	s.text_bool = input_fulltext(r, s.text);
	bad = input_page(params_get(&r->query, "page"), EVENTS_PAGE_MAX, &s.page) != TK_OK;
	key = arena_printf(r->arena, "%s%ld", search_link(r, &s), s.page);
	if (f.nerrors == 0 && !bad && pagecache_serve(r, key, generation, PAGE_CACHE_MS))
		return TK_OK;

	d = page_begin(r, "pages/events/search.tpl",
		       *s.text ? arena_printf(r->arena, "Events matching “%s”", s.text)
			       : "Search events");
	organizer_links(r, d);
	fields_show(r, &f);
	if (f.nerrors > 0)
		status = 400;
	if (bad) {
		bad_page(d);
		status = 400;
	}
	if (status == 200) {
		tmpl_show(d, "SEARCHED");
		rc = results(r, d, &s, search_link(r, &s));
		if (rc == TK_ENOTFOUND)
			status = 404;
		else if (rc != TK_OK)
			return rc;
	}
	page_end(r, status);
	pagecache_keep(r, key, generation);
	return TK_OK;
}
