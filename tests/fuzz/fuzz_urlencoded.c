/*
 * Fuzz target for form_parse (lib/form.c), the parser of query strings and
 * urlencoded POST bodies. Beyond not crashing, every accepted input must
 * give names and values that keep the promises of params.h: valid UTF-8,
 * no NUL byte inside a value, value_len equal to the string length, and no
 * more than FORM_MAX_PARAMS pairs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "form.h"
#include "fuzz.h"
#include "params.h"

/* fuzz_accepts (fuzz.h): 1 when form_parse accepts the input, 0 when it
 * answers TK_EINVAL; aborts on any other answer or a broken promise. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct params p = {0};
	size_t i;
	int rc;

	rc = form_parse(a, (const char *)data, size, &p);
	if (rc != TK_OK && rc != TK_EINVAL)
		abort();
	if (rc == TK_OK) {
		if (p.n > FORM_MAX_PARAMS)
			abort();
		for (i = 0; i < p.n; i++) {
			const struct param *e = &p.v[i];

			if (strlen(e->value) != e->value_len)
				abort();
			if (!utf8_valid(e->name, strlen(e->name)) ||
			    !utf8_valid(e->value, e->value_len))
				abort();
			if (params_get(&p, e->name) == NULL)
				abort();
		}
	}
	arena_free(a);
	return rc == TK_OK;
}
