/*
 * Table-driven checks of declared form fields (lib/fields.h) for the
 * input tests of each service: a case is one raw value for one field of
 * a form, with the message expected (NULL: accepted) and the value kept;
 * a limit is a field's max_chars, which one character more must exceed
 * with the message given (counted in characters: the values are made of
 * two-byte "é").
 */
#ifndef TK_TESTS_FIELDS_CASES_H
#define TK_TESTS_FIELDS_CASES_H
#include <stdio.h>
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "fields.h"

struct fields_case {
	const struct field *const *form;
	int field;
	const char *raw;
	const char *message; /* NULL: fine */
	const char *value;   /* the value kept (normalised when fine) */
};

struct fields_limit {
	const struct field *const *form;
	int field;
	size_t max;
	const char *message;
};

/* fields_cases_check: assert each of cases[0..n); a failing case is
 * printed with its index. */
static inline void
fields_cases_check(struct arena *a, const struct fields_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct fields_case *c = &cases[i];
		const char *out = NULL;
		const char *msg = fields_check(a, c->form[c->field], c->raw, &out, NULL);
		int ok = (c->message == NULL ? msg == NULL
					     : msg != NULL && strcmp(msg, c->message) == 0) &&
			 out != NULL && strcmp(out, c->value) == 0;

		CU_ASSERT(ok);
		if (!ok)
			fprintf(stderr, "\n  case %zu: got %s / %s\n", i, msg ? msg : "(fine)",
				out ? out : "(null)");
	}
}

/* fields_limits_check: assert each of limits[0..n): max characters pass,
 * one more is refused with the message. */
static inline void
fields_limits_check(struct arena *a, const struct fields_limit *limits, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct field *fd = limits[i].form[limits[i].field];
		char *s = arena_alloc(a, 2 * (limits[i].max + 1) + 1);
		const char *out, *msg;

		CU_ASSERT_EQUAL(fd->max_chars, limits[i].max);
		for (j = 0; j < limits[i].max; j++)
			memcpy(s + 2 * j, "é", 2);
		s[2 * j] = '\0';
		CU_ASSERT_PTR_NULL(fields_check(a, fd, s, &out, NULL));
		memcpy(s + 2 * j, "é", 3);
		msg = fields_check(a, fd, s, &out, NULL);
		CU_ASSERT(msg != NULL && strcmp(msg, limits[i].message) == 0);
	}
}

#endif
