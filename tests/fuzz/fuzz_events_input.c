/*
 * Fuzz target for the input checks of the events service
 * (fcgi/events/input.c). The input is "event?BODY", "venue?BODY" or
 * "search?BODY": BODY is an urlencoded body read against that real form
 * table through the shared form check of fuzz_form.c (what fields_read
 * promises; every message one of the forms' or validators' fixed texts).
 * For a search, the page number goes through input_page and the words
 * through input_fulltext, whose query must be only "+word*" terms, one
 * space apart, at most 8, each word at least 3 characters of letters,
 * digits or non-ASCII bytes: no operator of the boolean syntax passes.
 * Any other prefix is rejected without a check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "events.h"
#include "fields.h"
#include "form.h"
#include "fuzz.h"
#include "params.h"
#include "req.h"
#include "text.h"

static const char *const messages[] = {
    "Enter the event's name.",
    "A name has at most 200 characters.",
    "Choose a venue.",
    "Choose a venue from the list.",
    "Enter when the event starts.",
    "Enter a date and time like 2026-12-31T19:30.",
    "Enter when the event ends.",
    "Enter a date and time like 2026-12-31T23:00.",
    "A description has at most 5000 characters.",
    "Enter the venue's name.",
    "Enter the city.",
    "A city has at most 100 characters.",
    "Enter the address.",
    "An address has at most 300 characters.",
    "Enter the capacity as a whole number of people, at least 1.",
    "Enter the venue's time zone, like Europe/Paris.",
    "Enter a time zone name from the tz database, like Europe/Paris.",
    "Search words have at most 200 characters.",
    "Enter a date like 2026-12-31.",
    "This text cannot contain control characters.",
    NULL,
};

static int
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

/* check_fulltext: abort unless q is "+w1* +w2* ..." as described above. */
static void
check_fulltext(struct arena *a, const char *q)
{
	size_t words = 0, n;

	while (*q != '\0') {
		if (words > 0 && *q++ != ' ')
			abort();
		if (*q++ != '+')
			abort();
		for (n = 0; word_byte((unsigned char)q[n]); n++)
			;
		if (n == 0 || q[n] != '*')
			abort();
		if (text_chars(arena_strndup(a, q, n)) < 3)
			abort();
		q += n + 1;
		words++;
	}
	if (words > 8)
		abort();
}

/* fuzz_accepts (fuzz.h): 1 when the form reads without error (and, for a
 * search, the page number is valid); 0 otherwise; aborts when a promise
 * above breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	static const struct fuzz_form forms[] = {
	    {"event?", input_event_form},
	    {"venue?", input_venue_form},
	    {"search?", input_search_form},
	};
	struct arena *a = arena_new();
	struct request r;
	struct params p;
	struct fields f;
	const char *body = (const char *)data;
	const struct fuzz_form *picked;
	size_t plen = 0;
	long page = -1;
	int accepted = 0, rc;

	picked = fuzz_form_pick(forms, sizeof(forms) / sizeof(forms[0]), data, size, &plen);
	if (picked == NULL)
		goto out;
	accepted = fuzz_form_read(a, picked->form, messages, body + plen, size - plen, &p, &f);
	if (picked->form != input_search_form || f.form == NULL)
		goto out;
	rc = input_page(params_get(&p, "page"), EVENTS_PAGE_MAX, &page);
	if ((rc != TK_OK && rc != TK_EINVAL) || page < 1 || page > EVENTS_PAGE_MAX ||
	    (rc == TK_EINVAL && page != 1))
		abort();
	accepted &= rc == TK_OK;
	memset(&r, 0, sizeof(r));
	r.arena = a;
	check_fulltext(a, input_fulltext(&r, f.values[SEARCH_Q]));
out:
	arena_free(a);
	return accepted;
}
