/*
 * Fuzz target for cookie_parse (lib/cookie.c), the parser of the Cookie
 * request header. Every accepted entry must be a non-empty name and a value
 * of visible ASCII; and every pair that cookie_format accepts must come back
 * unchanged when the browser's echo of its Set-Cookie value is parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "err.h"
#include "fuzz.h"
#include "params.h"

/* visible: 1 when s holds only visible ASCII. */
static int
visible(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			break;
	return *s == '\0';
}

/*
 * round_trip: format name=value as a Set-Cookie value; the browser sends
 * back its part before the first ';', which must parse to the same pair.
 */
static void
round_trip(struct arena *a, const struct param *e)
{
	struct buf b = {0};
	struct params back = {0};
	char *semi;

	if (cookie_format(&b, e->name, e->value, -1, COOKIE_HTTPONLY) == TK_OK) {
		semi = strchr(b.data, ';');
		if (semi == NULL || strcmp(semi, "; Path=/; HttpOnly") != 0)
			abort();
		*semi = '\0';
		if (cookie_parse(a, b.data, &back) != TK_OK || back.n != 1 ||
		    strcmp(back.v[0].name, e->name) != 0 || strcmp(back.v[0].value, e->value) != 0)
			abort();
	}
	buf_free(&b);
}

/* fuzz_accepts (fuzz.h): 1 when cookie_parse accepts the header, 0 when it
 * answers TK_EINVAL; aborts on any other answer or a broken promise. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct params p = {0};
	char *header = malloc(size + 1);
	size_t i;
	int rc;

	if (header == NULL)
		abort();
	memcpy(header, data, size);
	header[size] = '\0';
	rc = cookie_parse(a, header, &p);
	if (rc != TK_OK && rc != TK_EINVAL)
		abort();
	if (rc == TK_OK) {
		if (p.n > 64)
			abort();
		for (i = 0; i < p.n; i++) {
			const struct param *e = &p.v[i];

			if (e->name[0] == '\0' || !visible(e->name) || !visible(e->value) ||
			    strlen(e->value) != e->value_len)
				abort();
			round_trip(a, e);
		}
	}
	free(header);
	arena_free(a);
	return rc == TK_OK;
}
