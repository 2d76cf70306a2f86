/*
 * Fuzz target for declared forms (lib/fields.c with the validators of
 * lib/valid.c): an urlencoded body, parsed by form_parse as a request's
 * would be, read against a table with every kind of field. Beyond not
 * crashing, what fields_read promises must hold: every value is valid
 * UTF-8, trimmed (passwords excepted) and without CR when multiline; a
 * value without error keeps its field's limits and has no control
 * character; a number is in its range or 0; every message is one of the
 * table's or a validator's fixed texts, never the input; a section has at
 * most one error, and there are at most FIELDS_MAX_ERRORS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "fields.h"
#include "form.h"
#include "fuzz.h"
#include "params.h"
#include "text.h"
#include "valid.h"

static const struct field f_title = {
    .name = "t",
    .flags = FIELD_REQUIRED,
    .max_chars = 8,
    .missing = "missing",
    .too_long = "at most {max}",
};
static const struct field f_note = {
    .name = "n",
    .flags = FIELD_MULTILINE,
    .max_chars = 16,
    .too_long = "at most {max}",
};
static const struct field f_pw = {
    .name = "p",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .min_chars = 2,
    .max_chars = 6,
    .missing = "missing",
    .too_short = "at least {min}",
    .too_long = "at most {max}",
};
static const struct field f_num = {
    .name = "c",
    .flags = FIELD_NUMBER,
    .min = 1,
    .max = 9999,
    .invalid = "from {min} to {max}",
};
static const struct field f_when = {.name = "w", .check = valid_datetime_local};
static const struct field f_day = {.name = "d", .check = valid_date};
static const struct field f_tz = {.name = "z", .check = valid_timezone_name};
static const struct field f_id = {.name = "i", .check = valid_uuid, .invalid = "choose"};

static const struct field *const form[] = {&f_title, &f_note, &f_pw, &f_num, &f_when,
					   &f_day,   &f_tz,   &f_id, NULL};

/* The messages the form may give. */
static const char *const messages[] = {
    "missing",
    "at most 8",
    "at most 16",
    "at least 2",
    "at most 6",
    "from 1 to 9999",
    "choose",
    "This text cannot contain control characters.",
    "Enter a date and time like 2026-12-31T19:30.",
    "Enter a date like 2026-12-31.",
    "Enter a time zone name from the tz database, like Europe/Paris.",
};

static int
known(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (strcmp(msg, messages[i]) == 0)
			return 1;
	return 0;
}

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void
check_value(const struct fields *f, size_t i)
{
	const struct field *fd = f->form[i];
	const char *v = f->values[i];
	size_t len = strlen(v);
	int failed = fields_has_error(f, fd->name);

	if (!utf8_valid(v, len))
		abort();
	if (!(fd->flags & FIELD_PASSWORD) && len > 0 && (space(v[0]) || space(v[len - 1])))
		abort();
	if ((fd->flags & FIELD_MULTILINE) && strchr(v, '\r') != NULL)
		abort();
	if ((fd->flags & FIELD_REQUIRED) && len == 0 && !failed)
		abort();
	if (!failed && fd->max_chars > 0 && text_chars(v) > fd->max_chars)
		abort();
	if (!failed && len > 0 && fd->min_chars > 0 && text_chars(v) < fd->min_chars)
		abort();
	if (!failed && !(fd->flags & FIELD_PASSWORD) &&
	    text_has_controls(v, (fd->flags & FIELD_MULTILINE) ? TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE
							       : 0))
		abort();
	if ((fd->flags & FIELD_NUMBER) &&
	    (failed || len == 0 ? f->numbers[i] != 0
				: f->numbers[i] < fd->min || f->numbers[i] > fd->max))
		abort();
}

/* fuzz_accepts (fuzz.h): 1 when the body parses and every field reads
 * without error, 0 otherwise; aborts when a promise of fields_read breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct params p = {0};
	struct fields f;
	size_t i, j;
	int accepted = 0;

	if (form_parse(a, (const char *)data, size, &p) == TK_OK) {
		fields_read(a, form, &p, &f);
		if (f.nerrors > FIELDS_MAX_ERRORS || f.nerrors > f.n)
			abort();
		for (i = 0; i < f.n; i++)
			check_value(&f, i);
		for (i = 0; i < f.nerrors; i++) {
			if (!known(f.errors[i].message) || fields_index(&f, f.errors[i].field) < 0)
				abort();
			for (j = 0; j < i; j++)
				if (strcmp(f.errors[i].section, f.errors[j].section) == 0)
					abort();
		}
		accepted = f.nerrors == 0;
	}
	arena_free(a);
	return accepted;
}
