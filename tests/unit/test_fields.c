/*
 * Unit tests for declared forms (lib/fields.c) and the shared validators
 * (lib/valid.c): required fields, limits counted in characters, trimming,
 * control characters, multiline CR LF, number ranges, the limits named in
 * messages, passwords taken verbatim, a check's message and the table's,
 * unknown and missing fields, the order and bound of the errors, and the
 * idempotency key of a create form.
 * Table-driven: each row is one value checked against one field.
 */
#include <stdio.h>
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "err.h"
#include "fields.h"
#include "params.h"
#include "valid.h"

/* ---- fields of the tests ---- */

static const struct field f_title = {
    .name = "title",
    .flags = FIELD_REQUIRED,
    .max_chars = 10,
    .missing = "Enter a title.",
    .too_long = "A title has at most {max} characters.",
};

static const struct field f_note = {
    .name = "note",
    .flags = FIELD_MULTILINE,
    .max_chars = 10,
    .too_long = "A note has at most {max} characters.",
};

static const struct field f_seats = {
    .name = "seats",
    .flags = FIELD_REQUIRED | FIELD_NUMBER,
    .min = 1,
    .max = 500,
    .missing = "Enter the seats.",
    .invalid = "Enter a whole number from {min} to {max}.",
};

static const struct field f_secret = {
    .name = "secret",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .min_chars = 4,
    .max_chars = 8,
    .missing = "Enter a secret.",
    .too_short = "A secret has at least {min} characters.",
    .too_long = "A secret has at most {max} characters.",
};

/* A limit for the template only: no message, no check. */
static const struct field f_loose = {.name = "loose", .max_chars = 3};

static const struct field f_when = {
    .name = "when",
    .check = valid_datetime_local,
};

static const struct field f_day = {
    .name = "day",
    .check = valid_date,
    .invalid = "The day is not a date.",
};

static const struct field f_named = {
    .name = "named",
    .invalid = "A name cannot contain control characters.",
};

/* upper_check: a check that normalises (upper case) and refuses "x". */
static const char *
upper_check(struct arena *a, const char *raw, const char **out)
{
	char *s = arena_strdup(a, raw), *p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	*out = s;
	return strcmp(s, "X") == 0 ? "Not x." : NULL;
}

static const struct field f_code = {.name = "code", .max_chars = 5, .check = upper_check};

/* ---- fields_check, one value at a time ---- */

struct check_case {
	const struct field *field;
	const char *raw;     /* NULL: absent */
	const char *message; /* NULL: fine */
	const char *value;   /* *out */
	long number;         /* FIELD_NUMBER */
};

static const struct check_case check_cases[] = {
    /* required, trimming */
    {&f_title, "  Jazz night  ", NULL, "Jazz night", 0},
    {&f_title, NULL, "Enter a title.", "", 0},
    {&f_title, " \t\r\n ", "Enter a title.", "", 0},
    /* limits in characters, not bytes: ten 2-byte characters fit */
    {&f_title, "éééééééééé", NULL, "éééééééééé", 0},
    {&f_title, "ééééééééééé", "A title has at most 10 characters.", "ééééééééééé", 0},
    {&f_title, "日本語のタイトルです", NULL, "日本語のタイトルです", 0},
    {&f_title,
     "a\x01"
     "b",
     "This text cannot contain control characters.",
     "a\x01"
     "b",
     0},
    {&f_title, "a\nb", "This text cannot contain control characters.", "a\nb", 0},
    {&f_title,
     "a\xc2\x85"
     "b",
     "This text cannot contain control characters.",
     "a\xc2\x85"
     "b",
     0},
    {&f_title, "a\x7f", "This text cannot contain control characters.", "a\x7f", 0},
    /* optional and empty: fine, checked no further */
    {&f_note, "", NULL, "", 0},
    {&f_note, NULL, NULL, "", 0},
    /* multiline: CR LF becomes LF, tabs and LF allowed, other controls not */
    {&f_note, "a\r\nb\tc", NULL, "a\nb\tc", 0},
    {&f_note, "1\r\n2\r\n3\r\n4\r\n5", NULL, "1\n2\n3\n4\n5", 0}, /* 9, not 13 */
    {&f_note, "1\r\n2\r\n3\r\n4\r\n5\r\n6", "A note has at most 10 characters.", "1\n2\n3\n4\n5\n6",
     0},
    {&f_note,
     "a\x0b"
     "b",
     "This text cannot contain control characters.",
     "a\x0b"
     "b",
     0},
    /* numbers in a range */
    {&f_seats, "1", NULL, "1", 1},
    {&f_seats, " 500 ", NULL, "500", 500},
    {&f_seats, "0", "Enter a whole number from 1 to 500.", "0", 0},
    {&f_seats, "501", "Enter a whole number from 1 to 500.", "501", 0},
    {&f_seats, "-5", "Enter a whole number from 1 to 500.", "-5", 0},
    {&f_seats, "12.5", "Enter a whole number from 1 to 500.", "12.5", 0},
    {&f_seats, "1e3", "Enter a whole number from 1 to 500.", "1e3", 0},
    {&f_seats, "99999999999999999999999", "Enter a whole number from 1 to 500.",
     "99999999999999999999999", 0},
    {&f_seats, "", "Enter the seats.", "", 0},
    /* passwords: verbatim, any character, limits in characters */
    {&f_secret, " ab\tc ", NULL, " ab\tc ", 0},
    {&f_secret, "abc", "A secret has at least 4 characters.", "abc", 0},
    {&f_secret, "ééé", "A secret has at least 4 characters.", "ééé", 0},
    {&f_secret, "123456789", "A secret has at most 8 characters.", "123456789", 0},
    {&f_secret, "", "Enter a secret.", "", 0},
    /* a limit without a message only goes to the template */
    {&f_loose, "abcdef", NULL, "abcdef", 0},
    /* checks: their own message, or the table's instead */
    {&f_when, "2026-12-31T19:30", NULL, "2026-12-31T19:30", 0},
    {&f_when, "2026-12-31 19:30", "Enter a date and time like 2026-12-31T19:30.",
     "2026-12-31 19:30", 0},
    {&f_day, "2026-02-30", "The day is not a date.", "2026-02-30", 0},
    {&f_day, " 2026-02-28 ", NULL, "2026-02-28", 0},
    {&f_named,
     "a\x1b"
     "b",
     "A name cannot contain control characters.",
     "a\x1b"
     "b",
     0},
    /* a check normalises the value, also when it refuses it */
    {&f_code, " abc ", NULL, "ABC", 0},
    {&f_code, "x", "Not x.", "X", 0},
    {&f_code, "abcdefg", NULL, "ABCDEFG", 0},
};

static void
test_check_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct check_case *c = &check_cases[i];
		const char *out = NULL, *msg;
		long number = -1;

		msg = fields_check(cu_arena, c->field, c->raw, &out, &number);
		CU_ASSERT(c->message == NULL ? msg == NULL
					     : msg != NULL && strcmp(msg, c->message) == 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_STRING_EQUAL(out, c->value);
		if (c->field->flags & FIELD_NUMBER)
			CU_ASSERT_EQUAL(number, c->number);
		if ((c->message == NULL) != (msg == NULL) ||
		    (msg != NULL && strcmp(msg, c->message) != 0) || strcmp(out, c->value) != 0)
			fprintf(stderr, "\n  case %zu (%s): got %s / %s\n", i, c->field->name,
				msg ? msg : "(fine)", out);
	}
}

/* ---- whole forms ---- */

static const struct field *const form[] = {&f_title, &f_note, &f_seats, NULL};

/* read: fields_read of the urlencoded-like pairs name, value, ..., NULL. */
static void
read_pairs(struct fields *f, const char *const *pairs)
{
	struct params p = {0};

	for (; pairs[0] != NULL; pairs += 2)
		params_add(cu_arena, &p, pairs[0], pairs[1], strlen(pairs[1]));
	fields_read(cu_arena, form, &p, f);
}

static void
test_read_form(void)
{
	static const char *const ok[] = {"csrf_token", "t",    "seats", "12", "title", " Gig ",
					 "unknown",    "\x01", "seats", "99", NULL};
	struct fields f;

	read_pairs(&f, ok);
	CU_ASSERT_EQUAL(f.n, 3);
	CU_ASSERT_EQUAL(f.nerrors, 0);
	CU_ASSERT_STRING_EQUAL(f.values[0], "Gig");
	CU_ASSERT_STRING_EQUAL(f.values[1], "");   /* missing and optional */
	CU_ASSERT_STRING_EQUAL(f.values[2], "12"); /* the first of two */
	CU_ASSERT_EQUAL(f.numbers[2], 12);
	CU_ASSERT_EQUAL(fields_index(&f, "seats"), 2);
	CU_ASSERT_EQUAL(fields_index(&f, "csrf_token"), -1);
}

static void
test_errors_in_order(void)
{
	static const char *const bad[] = {"seats", "0", "note", "far too long a note", NULL};
	struct fields f;

	read_pairs(&f, bad);
	/* In table order: title (missing), note, seats. */
	CU_ASSERT_EQUAL_FATAL(f.nerrors, 3);
	CU_ASSERT_STRING_EQUAL(f.errors[0].field, "title");
	CU_ASSERT_STRING_EQUAL(f.errors[0].section, "TITLE_ERROR");
	CU_ASSERT_STRING_EQUAL(f.errors[0].message, "Enter a title.");
	CU_ASSERT_STRING_EQUAL(f.errors[1].section, "NOTE_ERROR");
	CU_ASSERT_STRING_EQUAL(f.errors[2].section, "SEATS_ERROR");
	CU_ASSERT_TRUE(fields_has_error(&f, "note"));
	CU_ASSERT_EQUAL(f.numbers[2], 0);
	/* A section keeps its first error; a NULL message records nothing. */
	CU_ASSERT_EQUAL(fields_error(&f, NULL, "title", "Another."), 0);
	CU_ASSERT_EQUAL(fields_error(&f, NULL, "title", NULL), 0);
	CU_ASSERT_STRING_EQUAL(f.errors[0].message, "Enter a title.");
	/* A handler's own errors come after, in another section if it likes. */
	CU_ASSERT_EQUAL(fields_error(&f, "CONFLICT_ERROR", "title", "Changed meanwhile."), 1);
	CU_ASSERT_STRING_EQUAL(f.errors[3].section, "CONFLICT_ERROR");
	CU_ASSERT_STRING_EQUAL(f.errors[3].field, "title");
}

static void
test_errors_bounded(void)
{
	struct fields f;
	char section[32];
	int i, kept = 0;

	fields_init(cu_arena, form, &f);
	CU_ASSERT_STRING_EQUAL(f.values[0], "");
	CU_ASSERT_FALSE(fields_has_error(&f, "title"));
	for (i = 0; i < FIELDS_MAX_ERRORS + 5; i++) {
		snprintf(section, sizeof(section), "S%d_ERROR", i);
		kept += fields_error(&f, arena_strdup(cu_arena, section), "title", "Wrong.");
	}
	CU_ASSERT_EQUAL(kept, FIELDS_MAX_ERRORS);
	CU_ASSERT_EQUAL(f.nerrors, FIELDS_MAX_ERRORS);
}

/* ---- the shared validators ---- */

static void
test_whole_number(void)
{
	long v;

	CU_ASSERT_EQUAL(valid_whole_number("7", 1, 10, &v), TK_OK);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(valid_whole_number("007", 1, 10, &v), TK_OK);
	CU_ASSERT_EQUAL(valid_whole_number("10", 1, 10, &v), TK_OK);
	CU_ASSERT_EQUAL(valid_whole_number("11", 1, 10, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(valid_whole_number("0", 1, 10, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(valid_whole_number("", 0, 10, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(valid_whole_number(NULL, 0, 10, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(valid_whole_number("+1", 0, 10, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(valid_whole_number(" 1", 0, 10, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(valid_whole_number("999999999999999999", 0, 999999999999999999L, &v),
			TK_OK);
	CU_ASSERT_EQUAL(valid_whole_number("9999999999999999999", 0, 999999999999999999L, &v),
			TK_EINVAL);
}

static void
test_local_time(void)
{
	static const struct {
		const char *raw;
		const char *sql; /* NULL: malformed */
	} cases[] = {
	    {"2026-12-31T19:30", "2026-12-31 19:30:00"},
	    {"2028-02-29T00:00:59", "2028-02-29 00:00:59"},
	    {"2027-02-29T10:00", NULL},
	    {"2026-13-01T10:00", NULL},
	    {"2026-04-31T10:00", NULL},
	    {"2026-12-31 19:30", NULL},
	    {"2026-12-31T24:00", NULL},
	    {"2026-12-31T19:60", NULL},
	    {"2026-12-31T19:3", NULL},
	    {"2026-12-31T19:30Z", NULL},
	    {"1999-12-31T19:30", NULL},
	    {"", NULL},
	    {NULL, NULL},
	    {"+026-12-31T19:30", NULL},
	};
	char out[20];
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].sql != NULL) {
			CU_ASSERT_EQUAL(valid_local_time(cases[i].raw, out), TK_OK);
			CU_ASSERT_STRING_EQUAL(out, cases[i].sql);
			CU_ASSERT_PTR_NULL(valid_datetime_local(cu_arena, cases[i].raw, &v));
		} else {
			CU_ASSERT_EQUAL(valid_local_time(cases[i].raw, out), TK_EINVAL);
			CU_ASSERT_PTR_NOT_NULL(valid_datetime_local(cu_arena, cases[i].raw, &v));
		}
	}
}

static void
test_date(void)
{
	const char *v;

	CU_ASSERT_PTR_NULL(valid_date(cu_arena, "2026-01-31", &v));
	CU_ASSERT_STRING_EQUAL(v, "2026-01-31");
	CU_ASSERT_PTR_NULL(valid_date(cu_arena, "2024-02-29", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_date(cu_arena, "2100-02-29", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_date(cu_arena, "2026-1-31", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_date(cu_arena, "2026-01-31x", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_date(cu_arena, "31/01/2026", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_date(cu_arena, "", &v));
}

static void
test_timezone_name(void)
{
	static const char *const good[] = {"Europe/Paris", "America/Argentina/Buenos_Aires",
					   "Etc/GMT+5", "UTC"};
	static const char *const bad[] = {"+02:00",        "SYSTEM", "Europe/", "Europe//Paris",
					  "Europe/Paris'", "",       "1/2"};
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_PTR_NULL(valid_timezone_name(cu_arena, good[i], &v));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(valid_timezone_name(cu_arena, bad[i], &v));
}

static void
test_uuid(void)
{
	const char *v;

	CU_ASSERT_PTR_NULL(valid_uuid(cu_arena, "01234567-89ab-7def-8123-456789abcdef", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_uuid(cu_arena, "01234567-89AB-7DEF-8123-456789ABCDEF", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_uuid(cu_arena, "x", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_uuid(cu_arena, NULL, &v));
}

/* hex32: s is 32 lower-case hex digits. */
static int
hex32(const char *s)
{
	const char *v;

	return s != NULL && valid_key(cu_arena, s, &v) == NULL;
}

static void
test_idempotency_key(void)
{
	static const struct field *const keyed[] = {&f_title, &fields_idempotency_key, NULL};
	static const char key[] = "0123456789abcdef0123456789abcdef";
	struct params p = {0};
	struct fields f, g;

	/* A form shown for the first time gets a fresh key each time. */
	fields_init(cu_arena, keyed, &f);
	fields_init(cu_arena, keyed, &g);
	CU_ASSERT_TRUE(hex32(f.values[1]));
	CU_ASSERT_STRING_NOT_EQUAL(f.values[1], g.values[1]);
	CU_ASSERT_PTR_EQUAL(fields_key(&f), f.values[1]);
	/* A form without one has no key. */
	fields_init(cu_arena, form, &g);
	CU_ASSERT_PTR_NULL(fields_key(&g));

	/* Sent back, the key is kept as it was. */
	params_add(cu_arena, &p, "title", "Gig", 3);
	params_add(cu_arena, &p, "idempotency_key", key, strlen(key));
	fields_read(cu_arena, keyed, &p, &f);
	CU_ASSERT_EQUAL(f.nerrors, 0);
	CU_ASSERT_STRING_EQUAL(fields_key(&f), key);

	/* Missing or malformed: one error, no key for the store, and a fresh
	 * key for the form shown again. */
	memset(&p, 0, sizeof(p));
	params_add(cu_arena, &p, "title", "Gig", 3);
	fields_read(cu_arena, keyed, &p, &f);
	CU_ASSERT_EQUAL(f.nerrors, 1);
	CU_ASSERT_TRUE(fields_has_error(&f, "idempotency_key"));
	CU_ASSERT_PTR_NULL(fields_key(&f));
	CU_ASSERT_TRUE(hex32(f.values[1]));
	params_add(cu_arena, &p, "idempotency_key", "0123456789ABCDEF0123456789ABCDEF", 32);
	fields_read(cu_arena, keyed, &p, &f);
	CU_ASSERT_EQUAL(f.nerrors, 1);
	CU_ASSERT_PTR_NULL(fields_key(&f));
}

static void
test_key(void)
{
	const char *v;

	CU_ASSERT_PTR_NULL(valid_key(cu_arena, "0123456789abcdef0123456789abcdef", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_key(cu_arena, "0123456789abcdef0123456789abcde", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_key(cu_arena, "0123456789abcdef0123456789abcdef0", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_key(cu_arena, "0123456789abcdeg0123456789abcdef", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_key(cu_arena, "", &v));
	CU_ASSERT_PTR_NOT_NULL(valid_key(cu_arena, NULL, &v));
}

static const struct cu_test fields_tests[] = {
    {"one value against its field", test_check_table},
    {"a form: values, unknown and missing fields", test_read_form},
    {"errors in table order, first per section", test_errors_in_order},
    {"errors are bounded", test_errors_bounded},
    {"the idempotency key of a create form", test_idempotency_key},
    {NULL, NULL},
};

static const struct cu_test valid_tests[] = {
    {"whole numbers in a range", test_whole_number},
    {"datetime-local", test_local_time},
    {"dates", test_date},
    {"time zone names", test_timezone_name},
    {"ids from a list", test_uuid},
    {"random keys", test_key},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"fields", cu_arena_setup, cu_arena_teardown, fields_tests},
    {"valid", cu_arena_setup, cu_arena_teardown, valid_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
