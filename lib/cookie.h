/*
 * The Cookie request header, parsed; Set-Cookie values, built. The input is
 * untrusted: see tests/fuzz/fuzz_cookie.c.
 */
#ifndef TK_COOKIE_H
#define TK_COOKIE_H
#include <stddef.h>

#include "params.h"

struct buf;

/*
 * cookie_parse: split a Cookie header ("a=1; b=2") into out. Names and values
 * are taken as bytes without percent-decoding; surrounding spaces and one
 * pair of double quotes around a value are removed. Entries that are not
 * name=value, or whose bytes are not visible ASCII, are skipped (a browser
 * may send cookies of other sites on the same host). Returns TK_OK, or
 * TK_EINVAL when the header is longer than 8 KiB or has more than 64 entries.
 */
int cookie_parse(struct arena *a, const char *header, struct params *out);

enum cookie_flags {
	COOKIE_HTTPONLY = 1 << 0,
	COOKIE_SECURE = 1 << 1,
	COOKIE_SAMESITE_LAX = 1 << 2,
	COOKIE_SAMESITE_STRICT = 1 << 3,
};

/*
 * cookie_format: the Set-Cookie header value for name=value with Path=/,
 * Max-Age (max_age < 0: a session cookie; 0: delete the cookie) and flags.
 * Returns TK_OK, or TK_EINVAL when name or value holds a byte a cookie may
 * not carry (controls, space, '"', ',', ';', '\\').
 */
int cookie_format(struct buf *out, const char *name, const char *value, long max_age,
		  unsigned flags);

#endif
