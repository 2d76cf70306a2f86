/*
 * What every fuzz target over a declared form checks (fuzz.h): an
 * urlencoded body, parsed by form_parse as a request's would be, read
 * against a form table by fields_read. Beyond not crashing, what
 * fields_read promises must hold: every value is valid UTF-8, trimmed
 * (passwords excepted) and without CR when multiline; a value without
 * error keeps its field's limits and has no control character; a number is
 * in its range or 0; every message is one of the fixed texts the target
 * lists, never the input; a section has at most one error, and there are
 * at most FIELDS_MAX_ERRORS. fuzz_fields runs it on a table with every
 * kind of field, the service targets on their real forms.
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

static int
known(const char *msg, const char *const *messages)
{
	size_t i;

	for (i = 0; messages[i] != NULL; i++)
		if (strcmp(msg, messages[i]) == 0)
			return 1;
	return 0;
}

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* check_value: abort when value i of f breaks a promise of fields_read. */
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

/* fuzz_form_read (fuzz.h): parse, read and check; see the paragraph above. */
int
fuzz_form_read(struct arena *a, const struct field *const *form, const char *const *messages,
	       const char *body, size_t size, struct params *p /* OUT */,
	       struct fields *f /* OUT */)
{
	size_t i, j;
	int accepted = 0;

	memset(p, 0, sizeof(*p));
	memset(f, 0, sizeof(*f));
	if (form_parse(a, body, size, p) != TK_OK)
		goto out;
	fields_read(a, form, p, f);
	if (f->nerrors > FIELDS_MAX_ERRORS || f->nerrors > f->n)
		abort();
	for (i = 0; i < f->n; i++)
		check_value(f, i);
	for (i = 0; i < f->nerrors; i++) {
		if (!known(f->errors[i].message, messages) ||
		    fields_index(f, f->errors[i].field) < 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(f->errors[i].section, f->errors[j].section) == 0)
				abort();
	}
	accepted = f->nerrors == 0;
out:
	return accepted;
}

const struct fuzz_form *
fuzz_form_pick(const struct fuzz_form *forms, size_t n, const uint8_t *data, size_t size,
	       size_t *plen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*plen = strlen(forms[i].prefix);
		if (size >= *plen && memcmp(data, forms[i].prefix, *plen) == 0)
			return &forms[i];
	}
	*plen = 0;
	return NULL;
}
