/*
 * Parser for application/x-www-form-urlencoded bytes (query strings and POST
 * bodies). The input is untrusted: see tests/fuzz/fuzz_urlencoded.c.
 */
#ifndef TK_FORM_H
#define TK_FORM_H
#include <stddef.h>

#include "params.h"

#define FORM_MAX_PARAMS 256

/*
 * form_parse: decode s[0..len) ('+' is a space, %XX escapes) and append each
 * name=value pair to out. A pair without '=' gets an empty value; empty
 * pairs ("a=1&&b=2") are skipped. Returns TK_OK, or TK_EINVAL when an escape
 * is malformed, a decoded name or value is not valid UTF-8 or holds a NUL
 * byte, or there are more than FORM_MAX_PARAMS pairs; on error out may hold
 * the pairs parsed so far and must not be used.
 */
int form_parse(struct arena *a, const char *s, size_t len, struct params *out);

/* utf8_valid: 1 when s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t len);

#endif
