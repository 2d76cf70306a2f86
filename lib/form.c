/*
 * application/x-www-form-urlencoded parsing (form.h) and the UTF-8 check
 * every decoded string passes. Query strings and POST bodies come straight
 * from the network, so the parser is strict: a malformed escape, a NUL byte
 * or ill-formed UTF-8 refuses the whole input rather than guessing. Decoded
 * strings are copied into the request's arena; the input is never modified.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "form.h"
#include "params.h"

/* hex_value: 0..15 for a hexadecimal digit, else -1. */
static int
hex_value(unsigned char c)
{
	int v = -1;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	return v;
}

/*
 * decode: percent-decode s[0..n) ('+' is a space) into a new NUL-terminated
 * string in arena a. Returns TK_OK and sets *out and *out_len, or TK_EINVAL
 * for a malformed escape, a NUL byte (raw or escaped) or ill-formed UTF-8.
 */
static int
decode(struct arena *a, const char *s, size_t n, const char **out /* OUT */,
       size_t *out_len /* OUT */)
{
	char *d = arena_alloc(a, n + 1);
	size_t i, j = 0;
	int rc = TK_OK;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (n - i < 3) {
				rc = TK_EINVAL;
				goto out;
			}
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				rc = TK_EINVAL;
				goto out;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0') {
			rc = TK_EINVAL;
			goto out;
		}
		d[j++] = (char)c;
	}
	d[j] = '\0';
	if (!utf8_valid(d, j)) {
		rc = TK_EINVAL;
		goto out;
	}
	*out = d;
	*out_len = j;
out:
	return rc;
}

/*
 * form_parse: decode s[0..len) and append each name=value pair to out (see
 * form.h). A pair "=v" keeps its empty name, as browsers do.
 */
int
form_parse(struct arena *a, const char *s, size_t len, struct params *out)
{
	size_t pos = 0, pairs = 0;
	int rc = TK_OK;

	while (pos < len) {
		const char *pair = s + pos;
		const char *amp = memchr(pair, '&', len - pos);
		size_t plen = amp != NULL ? (size_t)(amp - pair) : len - pos;
		const char *eq, *name, *value;
		size_t nlen, name_len, value_len;

		pos += plen + 1;
		if (plen == 0)
			continue;
		if (++pairs > FORM_MAX_PARAMS) {
			rc = TK_EINVAL;
			goto out;
		}
		eq = memchr(pair, '=', plen);
		nlen = eq != NULL ? (size_t)(eq - pair) : plen;
		rc = decode(a, pair, nlen, &name, &name_len);
		if (rc != TK_OK)
			goto out;
		if (eq != NULL)
			rc = decode(a, eq + 1, plen - nlen - 1, &value, &value_len);
		else
			rc = decode(a, "", 0, &value, &value_len);
		if (rc != TK_OK)
			goto out;
		params_add(a, out, name, value, value_len);
	}
out:
	return rc;
}

/*
 * utf8_valid: 1 when s[0..len) is well-formed UTF-8, else 0. Follows the
 * table of well-formed byte sequences in the Unicode standard (3.9, table
 * 3-7): the second byte's range excludes overlong forms (E0, F0), surrogates
 * (ED) and code points above U+10FFFF (F4); C0, C1 and F5..FF never occur.
 */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int ok = 1;

	while (i < len) {
		unsigned char c = p[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t more, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			more = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			more = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			more = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			ok = 0;
			break;
		}
		if (len - i - 1 < more) {
			ok = 0;
			break;
		}
		if (p[i + 1] < lo || p[i + 1] > hi) {
			ok = 0;
			break;
		}
		for (k = 2; k <= more; k++) {
			if (p[i + k] < 0x80 || p[i + k] > 0xBF) {
				ok = 0;
				break;
			}
		}
		if (!ok)
			break;
		i += more + 1;
	}
	return ok;
}
