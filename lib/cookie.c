/*
 * Cookies (cookie.h): the Cookie request header split into pairs, and
 * Set-Cookie values built for responses. Parsing is lenient about entries,
 * because the browser also sends cookies other applications on the same host
 * set, and strict about size, because the header comes from the network.
 * Formatting is strict: it refuses any byte that could end the header value
 * or start another attribute.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "err.h"
#include "params.h"

#define COOKIE_HEADER_MAX 8192
#define COOKIE_MAX_ENTRIES 64

/* visible: 1 when s[0..n) holds only visible ASCII (0x21..0x7e). */
static int
visible(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			break;
	return i == n;
}

/* trim: shrink s[0..*n) past surrounding spaces and tabs; returns the start. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/*
 * cookie_parse: split header into out (see cookie.h). A NULL header is an
 * empty one. The names and values are copied into arena a.
 */
int
cookie_parse(struct arena *a, const char *header, struct params *out)
{
	const char *p = header;
	size_t entries = 0;
	int rc = TK_OK;

	if (header == NULL)
		goto out;
	if (strnlen(header, COOKIE_HEADER_MAX + 1) > COOKIE_HEADER_MAX) {
		rc = TK_EINVAL;
		goto out;
	}
	while (*p != '\0') {
		size_t len = strcspn(p, ";");
		const char *next = p[len] == ';' ? p + len + 1 : p + len;
		const char *entry = trim(p, &len);
		const char *eq, *name, *value;
		size_t name_len, value_len;

		p = next;
		if (len == 0)
			continue;
		if (++entries > COOKIE_MAX_ENTRIES) {
			rc = TK_EINVAL;
			goto out;
		}
		eq = memchr(entry, '=', len);
		if (eq == NULL)
			continue;
		name_len = (size_t)(eq - entry);
		name = trim(entry, &name_len);
		value_len = len - (size_t)(eq - entry) - 1;
		value = trim(eq + 1, &value_len);
		if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
			value++;
			value_len -= 2;
		}
		if (name_len == 0 || !visible(name, name_len) || !visible(value, value_len))
			continue;
		params_add(a, out, arena_strndup(a, name, name_len),
			   arena_strndup(a, value, value_len), value_len);
	}
out:
	return rc;
}

/* token_char: 1 for the bytes of an HTTP token (RFC 9110 tchar). */
static int
token_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* cookie_octet: 1 for the bytes a cookie value may hold (RFC 6265). */
static int
cookie_octet(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

/*
 * cookie_format: append the Set-Cookie value to out (see cookie.h). The name
 * must be a non-empty token; the value may be empty. Nothing is appended on
 * error. SameSite=Strict wins when both SameSite flags are given.
 */
int
cookie_format(struct buf *out, const char *name, const char *value, long max_age, unsigned flags)
{
	const char *s;
	int rc = TK_OK;

	if (name == NULL || value == NULL || *name == '\0') {
		rc = TK_EINVAL;
		goto out;
	}
	for (s = name; *s != '\0'; s++) {
		if (!token_char((unsigned char)*s)) {
			rc = TK_EINVAL;
			goto out;
		}
	}
	for (s = value; *s != '\0'; s++) {
		if (!cookie_octet((unsigned char)*s)) {
			rc = TK_EINVAL;
			goto out;
		}
	}
	buf_printf(out, "%s=%s; Path=/", name, value);
	if (max_age >= 0)
		buf_printf(out, "; Max-Age=%ld", max_age);
	if (max_age == 0)
		buf_puts(out, "; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
	if (flags & COOKIE_HTTPONLY)
		buf_puts(out, "; HttpOnly");
	if (flags & COOKIE_SECURE)
		buf_puts(out, "; Secure");
	if (flags & COOKIE_SAMESITE_STRICT)
		buf_puts(out, "; SameSite=Strict");
	else if (flags & COOKIE_SAMESITE_LAX)
		buf_puts(out, "; SameSite=Lax");
out:
	return rc;
}
