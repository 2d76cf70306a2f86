/*
 * Checks of what people type into the events service: the tables of the
 * event, venue and search forms (fields.h; the typed values are checked by
 * the shared validators of valid.h), page numbers, and the full-text query
 * built from the search words. Pure functions of their input (no
 * database), so the unit test covers them without a server. Messages are
 * fixed texts, never the input itself.
 */
#include <string.h>

#include "arena.h"
#include "err.h"
#include "events.h"
#include "fields.h"
#include "req.h"
#include "text.h"
#include "valid.h"

#define FT_MIN_CHARS 3 /* InnoDB's innodb_ft_min_token_size */
#define FT_MAX_WORDS 8 /* more search words than this are ignored */

/* InnoDB's default full-text stop words of 3 letters or more: a "+word"
 * that is one of them would match nothing, so they are left out. */
static const char *const stop_words[] = {
    "about", "are",  "com",  "for",   "from", "how",  "that", "the", "this",
    "was",   "what", "when", "where", "who",  "will", "with", "und", "www",
};

/* ---- the event form ---- */

static const struct field event_name = {
    .name = "name",
    .flags = FIELD_REQUIRED,
    .max_chars = 200,
    .missing = "Enter the event's name.",
    .too_long = "A name has at most {max} characters.",
};

static const struct field event_venue = {
    .name = "venue_id",
    .flags = FIELD_REQUIRED,
    .check = valid_uuid,
    .missing = "Choose a venue.",
    .invalid = "Choose a venue from the list.",
};

static const struct field event_starts = {
    .name = "starts_at",
    .flags = FIELD_REQUIRED,
    .check = valid_datetime_local,
    .missing = "Enter when the event starts.",
    .invalid = "Enter a date and time like 2026-12-31T19:30.",
};

static const struct field event_ends = {
    .name = "ends_at",
    .flags = FIELD_REQUIRED,
    .check = valid_datetime_local,
    .missing = "Enter when the event ends.",
    .invalid = "Enter a date and time like 2026-12-31T23:00.",
};

static const struct field event_description = {
    .name = "description",
    .flags = FIELD_MULTILINE,
    .max_chars = 5000,
    .too_long = "A description has at most {max} characters.",
};

const struct field *const input_event_form[] = {
    [EVENT_NAME] = &event_name,
    [EVENT_VENUE] = &event_venue,
    [EVENT_STARTS] = &event_starts,
    [EVENT_ENDS] = &event_ends,
    [EVENT_DESCRIPTION] = &event_description,
    NULL,
};

/* Creating an event: the same fields and an idempotency key. */
const struct field *const input_event_new_form[] = {
    [EVENT_NAME] = &event_name,
    [EVENT_VENUE] = &event_venue,
    [EVENT_STARTS] = &event_starts,
    [EVENT_ENDS] = &event_ends,
    [EVENT_DESCRIPTION] = &event_description,
    [EVENT_KEY] = &fields_idempotency_key,
    NULL,
};

/* ---- the venue form ---- */

static const struct field venue_name = {
    .name = "name",
    .flags = FIELD_REQUIRED,
    .max_chars = 200,
    .missing = "Enter the venue's name.",
    .too_long = "A name has at most {max} characters.",
};

static const struct field venue_city = {
    .name = "city",
    .flags = FIELD_REQUIRED,
    .max_chars = 100,
    .missing = "Enter the city.",
    .too_long = "A city has at most {max} characters.",
};

static const struct field venue_address = {
    .name = "address",
    .flags = FIELD_REQUIRED,
    .max_chars = 300,
    .missing = "Enter the address.",
    .too_long = "An address has at most {max} characters.",
};

static const struct field venue_capacity = {
    .name = "capacity",
    .flags = FIELD_REQUIRED | FIELD_NUMBER,
    .min = 1,
    .max = 10000000,
    .missing = "Enter the capacity as a whole number of people, at least {min}.",
    .invalid = "Enter the capacity as a whole number of people, at least {min}.",
};

/* Longer names fail the check, with its message. */
static const struct field venue_timezone = {
    .name = "timezone",
    .flags = FIELD_REQUIRED,
    .max_chars = 64,
    .check = valid_timezone_name,
    .missing = "Enter the venue's time zone, like Europe/Paris.",
};

const struct field *const input_venue_form[] = {
    [VENUE_NAME] = &venue_name,         [VENUE_CITY] = &venue_city,
    [VENUE_ADDRESS] = &venue_address,   [VENUE_CAPACITY] = &venue_capacity,
    [VENUE_TIMEZONE] = &venue_timezone, NULL,
};

/* Creating a venue: the same fields and an idempotency key. */
const struct field *const input_venue_new_form[] = {
    [VENUE_NAME] = &venue_name,
    [VENUE_CITY] = &venue_city,
    [VENUE_ADDRESS] = &venue_address,
    [VENUE_CAPACITY] = &venue_capacity,
    [VENUE_TIMEZONE] = &venue_timezone,
    [VENUE_KEY] = &fields_idempotency_key,
    NULL,
};

/* The venue finder of the event form (GET venue_q): the start of a
 * venue's name or city. */
const struct field input_venue_finder = {
    .name = "venue_q",
    .max_chars = 100,
    .too_long = "Venue words have at most {max} characters.",
};

/* ---- the search form ---- */

static const struct field search_q = {
    .name = "q",
    .max_chars = 200,
    .too_long = "Search words have at most {max} characters.",
};

/* A city typed in full (venue cities are up to 100 characters). */
static const struct field search_city = {
    .name = "city",
    .max_chars = 100,
    .too_long = "A city has at most {max} characters.",
};

static const struct field search_from = {.name = "from", .check = valid_date};

static const struct field search_to = {.name = "to", .check = valid_date};

const struct field *const input_search_form[] = {
    [SEARCH_Q] = &search_q,
    [SEARCH_CITY] = &search_city,
    [SEARCH_FROM] = &search_from,
    [SEARCH_TO] = &search_to,
    NULL,
};

int
input_page(const char *raw, long max, long *page)
{
	if (raw == NULL || *raw == '\0') {
		*page = 1;
		return TK_OK;
	}
	if (valid_whole_number(raw, 1, max, page) != TK_OK) {
		*page = 1;
		return TK_EINVAL;
	}
	return TK_OK;
}

/* word_char: c is part of a search word (ASCII letter or digit, or any
 * byte of a non-ASCII UTF-8 character). */
static int
word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

static int
stop_word(const char *w, size_t n)
{
	size_t i, j;

	for (i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++) {
		if (strlen(stop_words[i]) != n)
			continue;
		for (j = 0; j < n; j++) {
			char c = w[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != stop_words[i][j])
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

const char *
input_fulltext(struct request *r, const char *q)
{
	size_t len = q ? strlen(q) : 0, i = 0, start, words = 0;
	char *out = arena_alloc(r->arena, len * 2 + 4 * FT_MAX_WORDS + 1), *p = out;

	while (i < len && words < FT_MAX_WORDS) {
		while (i < len && !word_char((unsigned char)q[i]))
			i++;
		start = i;
		while (i < len && word_char((unsigned char)q[i]))
			i++;
		if (i == start)
			break;
		{
			char *w = arena_strndup(r->arena, q + start, i - start);

			if (text_chars(w) < FT_MIN_CHARS || stop_word(w, i - start))
				continue;
			if (p != out)
				*p++ = ' ';
			*p++ = '+';
			memcpy(p, w, i - start);
			p += i - start;
			*p++ = '*';
			words++;
		}
	}
	*p = '\0';
	return out;
}
