/*
 * Fuzz target for the input checks of the auth service (fcgi/auth/input.c):
 * an urlencoded body, parsed by form_parse as a sign-up or sign-in post
 * would be, whose email, name, password and next values go through
 * input_email, input_name, input_password and input_next. Beyond not
 * crashing: every message is one of the fixed texts, never the input; an
 * accepted email is lower case with one '@', a local part of 1 to 64
 * bytes, a dotted domain and none of the bytes mail addresses quote; an
 * accepted name is trimmed, at most 100 characters, without control
 * characters; a password is kept byte for byte; input_next answers the
 * value itself only when it is a local path that cannot leave the site
 * ("/x", never "//host" or "/\host", no space, control or non-ASCII byte),
 * and "/auth/account" otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "err.h"
#include "form.h"
#include "fuzz.h"
#include "params.h"
#include "pw.h"
#include "text.h"

#define NEXT_DEFAULT "/auth/account"

static const char *const messages[] = {
    "Enter your email address.",
    "An email address has at most 254 characters.",
    "Enter an email address like name@example.com.",
    "Enter your name.",
    "A name has at most 100 characters.",
    "A name cannot contain control characters.",
    "Enter a password.",
    "A password has at least 12 characters.",
    "A password has at most 128 characters.",
    NULL,
};

static void
check_message(const char *msg)
{
	size_t i;

	for (i = 0; messages[i] != NULL; i++)
		if (strcmp(msg, messages[i]) == 0)
			return;
	abort();
}

static void
check_email(const char *raw, const char *v)
{
	const char *at = strchr(v, '@');
	size_t len = strlen(v), i;

	(void)raw;
	if (at == NULL || at == v || at - v > 64 || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' || v[len - 1] == '.' || text_chars(v) > 254)
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= ' ' || c == 0x7f || (c >= 'A' && c <= 'Z') || strchr("<>\",;\\()[]", c))
			abort();
	}
}

static void
check_name(const char *raw, const char *v)
{
	size_t len = strlen(v);

	(void)raw;
	if (len == 0 || v[0] == ' ' || v[len - 1] == ' ' || text_chars(v) > 100 ||
	    text_has_controls(v, 0))
		abort();
}

/* check_password: a password is kept byte for byte. */
static void
check_password(const char *raw, const char *v)
{
	if (raw == NULL || strcmp(v, raw) != 0 || text_chars(v) < PW_MIN_LEN ||
	    text_chars(v) > PW_MAX_LEN)
		abort();
}

/* check_field: raw through the input check fn; a message must be a known
 * text, an accepted value must pass check. Returns 1 when accepted. */
static int
check_field(struct arena *a, const char *(*fn)(struct arena *, const char *, const char **),
	    const char *raw, void (*check)(const char *raw, const char *v))
{
	const char *out, *msg = fn(a, raw, &out);

	if (msg != NULL)
		check_message(msg);
	else
		check(raw, out);
	return msg == NULL;
}

static int
safe_next(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	if (p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return 0;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return 0;
	return 1;
}

/* fuzz_accepts (fuzz.h): 1 when the body parses, the email, name and
 * password pass and next is kept; 0 otherwise; aborts when a promise
 * above breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct params p = {0};
	const char *raw, *next;
	int accepted = 0;

	if (form_parse(a, (const char *)data, size, &p) != TK_OK)
		goto out;
	accepted = check_field(a, input_email, params_get(&p, "email"), check_email) &
		   check_field(a, input_name, params_get(&p, "name"), check_name) &
		   check_field(a, input_password, params_get(&p, "password"), check_password);
	raw = params_get(&p, "next");
	next = input_next(raw);
	if (next == NULL || (next != raw && strcmp(next, NEXT_DEFAULT) != 0) ||
	    (next == raw) != (raw != NULL && safe_next(raw)))
		abort();
	accepted &= next == raw;
out:
	arena_free(a);
	return accepted;
}
