/*
 * Fuzz target for declared forms (lib/fields.c with the validators of
 * lib/valid.c): an urlencoded body read against a table with every kind
 * of field, through the shared form check of fuzz_form.c (what
 * fields_read promises must hold; every message is one of the table's or
 * a validator's fixed texts, never the input).
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "fields.h"
#include "fuzz.h"
#include "params.h"
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
    NULL,
};

/* fuzz_accepts (fuzz.h): 1 when the body parses and every field reads
 * without error, 0 otherwise; aborts when a promise of fields_read breaks
 * (fuzz_form_read). */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct params p;
	struct fields f;
	int accepted;

	accepted = fuzz_form_read(a, form, messages, (const char *)data, size, &p, &f);
	arena_free(a);
	return accepted;
}
