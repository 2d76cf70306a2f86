/*
 * Declared forms: reading and checking posted fields against a form's
 * table, and showing them in its page (fields.h).
 */
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "err.h"
#include "fields.h"
#include "page.h"
#include "params.h"
#include "req.h"
#include "text.h"
#include "tmpl.h"
#include "valid.h"

#define CONTROLS_MESSAGE "This text cannot contain control characters."

#define KEY_BYTES 16 /* an idempotency key: 32 hex digits */

const struct field fields_idempotency_key = {
    .name = "idempotency_key",
    .flags = FIELD_REQUIRED | FIELD_IDEMPOTENCY,
    .check = valid_key,
    .missing = "This form is incomplete. Check it and send it again.",
    .invalid = "This form is incomplete. Check it and send it again.",
};

const char *
fields_fresh_key(struct arena *a)
{
	unsigned char bin[KEY_BYTES];
	char *hex = arena_alloc(a, KEY_BYTES * 2 + 1);

	randombytes_buf(bin, sizeof(bin));
	sodium_bin2hex(hex, KEY_BYTES * 2 + 1, bin, sizeof(bin));
	return hex;
}

/* upper: name in upper case followed by suffix, in the arena ("starts_at",
 * "_ERROR" -> "STARTS_AT_ERROR"). */
static const char *
upper(struct arena *a, const char *name, const char *suffix)
{
	char *s = arena_printf(a, "%s%s", name, suffix), *p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return s;
}

/* with_limits: text with {min} and {max} replaced by fd's limits (the
 * range of a number, else the lengths), in the arena; text itself when it
 * names none. */
static const char *
with_limits(struct arena *a, const char *text, const struct field *fd)
{
	const char *p, *brace;
	long min = (fd->flags & FIELD_NUMBER) ? fd->min : (long)fd->min_chars;
	long max = (fd->flags & FIELD_NUMBER) ? fd->max : (long)fd->max_chars;
	char *out;

	if (text == NULL || strchr(text, '{') == NULL)
		return text;
	out = arena_strdup(a, "");
	for (p = text; (brace = strchr(p, '{')) != NULL; p = brace) {
		out = arena_printf(a, "%s%.*s", out, (int)(brace - p), p);
		if (strncmp(brace, "{min}", 5) == 0) {
			out = arena_printf(a, "%s%ld", out, min);
			brace += 5;
		} else if (strncmp(brace, "{max}", 5) == 0) {
			out = arena_printf(a, "%s%ld", out, max);
			brace += 5;
		} else {
			out = arena_printf(a, "%s{", out);
			brace++;
		}
	}
	return arena_printf(a, "%s%s", out, p);
}

/* drop_cr: s without carriage returns (browsers send CR LF line breaks). */
static void
drop_cr(char *s)
{
	char *dst = s;

	for (; *s != '\0'; s++)
		if (*s != '\r')
			*dst++ = *s;
	*dst = '\0';
}

const char *
fields_check(struct arena *a, const struct field *fd, const char *raw, const char **out,
	     long *number)
{
	int password = (fd->flags & FIELD_PASSWORD) != 0;
	char *v = password ? arena_strdup(a, raw ? raw : "") : text_trim(a, raw ? raw : "");
	const char *msg = NULL, *checked;
	size_t chars;
	long num = 0;

	if (fd->flags & FIELD_MULTILINE)
		drop_cr(v);
	*out = v;
	if (*v == '\0') {
		if (fd->flags & FIELD_REQUIRED)
			msg = fd->missing;
		goto out;
	}
	chars = text_chars(v);
	if (fd->min_chars > 0 && chars < fd->min_chars && fd->too_short != NULL) {
		msg = fd->too_short;
		goto out;
	}
	if (fd->max_chars > 0 && chars > fd->max_chars && fd->too_long != NULL) {
		msg = fd->too_long;
		goto out;
	}
	if (!password &&
	    text_has_controls(v, (fd->flags & FIELD_MULTILINE) ? TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE
							       : 0)) {
		msg = fd->invalid ? fd->invalid : CONTROLS_MESSAGE;
		goto out;
	}
	if ((fd->flags & FIELD_NUMBER) && valid_whole_number(v, fd->min, fd->max, &num) != TK_OK) {
		msg = fd->invalid;
		goto out;
	}
	if (fd->check != NULL) {
		checked = v;
		msg = fd->check(a, v, &checked);
		if (checked != NULL)
			*out = checked;
		if (msg != NULL && fd->invalid != NULL)
			msg = fd->invalid;
	}
out:
	if (number != NULL)
		*number = msg == NULL ? num : 0;
	return with_limits(a, msg, fd);
}

void
fields_init(struct arena *a, const struct field *const *form, struct fields *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->arena = a;
	f->form = form;
	while (form[f->n] != NULL)
		f->n++;
	f->values = arena_alloc(a, (f->n + 1) * sizeof(*f->values));
	f->numbers = arena_alloc(a, (f->n + 1) * sizeof(*f->numbers));
	for (i = 0; i < f->n; i++)
		f->values[i] = (form[i]->flags & FIELD_IDEMPOTENCY) ? fields_fresh_key(a) : "";
}

void
fields_read(struct arena *a, const struct field *const *form, const struct params *p,
	    struct fields *f)
{
	const char *msg;
	size_t i;

	fields_init(a, form, f);
	for (i = 0; i < f->n; i++) {
		msg = fields_check(a, form[i], params_get(p, form[i]->name), &f->values[i],
				   &f->numbers[i]);
		/* A form sent without its key gets a new one to be sent with. */
		if (msg != NULL && (form[i]->flags & FIELD_IDEMPOTENCY))
			f->values[i] = fields_fresh_key(a);
		fields_error(f, NULL, form[i]->name, msg);
	}
}

const char *
fields_key(const struct fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if ((f->form[i]->flags & FIELD_IDEMPOTENCY) &&
		    !fields_has_error(f, f->form[i]->name))
			return f->values[i];
	return NULL;
}

int
fields_has_error(const struct fields *f, const char *field)
{
	size_t i;

	for (i = 0; i < f->nerrors; i++)
		if (strcmp(f->errors[i].field, field) == 0)
			return 1;
	return 0;
}

int
fields_error(struct fields *f, const char *section, const char *field, const char *message)
{
	size_t i;

	if (message == NULL || f->nerrors == FIELDS_MAX_ERRORS)
		return 0;
	if (section == NULL)
		section = upper(f->arena, field, "_ERROR");
	for (i = 0; i < f->nerrors; i++)
		if (strcmp(f->errors[i].section, section) == 0)
			return 0;
	f->errors[f->nerrors++] = (struct fields_error){section, field, message};
	return 1;
}

int
fields_index(const struct fields *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->form[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* show_field: field i's value, limits and REQUIRED section into d. */
static void
show_field(struct arena *a, tmpl_dict *d, const struct fields *f, size_t i)
{
	const struct field *fd = f->form[i];

	if (!(fd->flags & FIELD_PASSWORD))
		tmpl_set(d, upper(a, fd->name, ""), f->values[i]);
	if (fd->flags & FIELD_REQUIRED)
		tmpl_show(d, upper(a, fd->name, "_REQUIRED"));
	if (fd->min_chars > 0)
		tmpl_set_int(d, upper(a, fd->name, "_MINLENGTH"), (long long)fd->min_chars);
	if (fd->max_chars > 0)
		tmpl_set_int(d, upper(a, fd->name, "_MAXLENGTH"), (long long)fd->max_chars);
	if (fd->flags & FIELD_NUMBER) {
		tmpl_set_int(d, upper(a, fd->name, "_MIN"), fd->min);
		tmpl_set_int(d, upper(a, fd->name, "_MAX"), fd->max);
	}
}

void
fields_show(struct request *r, const struct fields *f)
{
	const struct fields_error *e;
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		show_field(r->arena, r->page, f, i);
		if (f->form[i]->flags & FIELD_IDEMPOTENCY)
			tmpl_set(tmpl_section(r->hidden, "IDEMPOTENCY"), "IDEMPOTENCY_KEY",
				 f->values[i]);
	}
	/* Errors in the order of the fields on the page, then the others. */
	for (i = 0; i <= f->n; i++) {
		for (j = 0; j < f->nerrors; j++) {
			e = &f->errors[j];
			if (i < f->n ? strcmp(e->field, f->form[i]->name) == 0
				     : fields_index(f, e->field) < 0)
				page_field_error(r, e->section, e->field, e->message);
		}
	}
}
