/*
 * Unit tests for lib/cookie.c: parsing the Cookie header (spaces, quotes,
 * entries to skip, the size limits) and building Set-Cookie values.
 */
#include <stdio.h>
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "err.h"
#include "params.h"

static int
parse(const char *header, struct params *p)
{
	memset(p, 0, sizeof(*p));
	return cookie_parse(cu_arena, header, p);
}

static void
test_simple(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("sid=abc.def; tk_csrf=xyz", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "sid");
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "abc.def");
	CU_ASSERT_EQUAL(p.v[0].value_len, 7);
	CU_ASSERT_STRING_EQUAL(params_get(&p, "tk_csrf"), "xyz");
	/* No percent-decoding, '=' inside a value kept. */
	CU_ASSERT_EQUAL(parse("a=x%41+y; b=c==", &p), TK_OK);
	CU_ASSERT_STRING_EQUAL(params_get(&p, "a"), "x%41+y");
	CU_ASSERT_STRING_EQUAL(params_get(&p, "b"), "c==");
	/* Empty and absent headers. */
	CU_ASSERT_EQUAL(parse("", &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL(parse(NULL, &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 0);
}

static void
test_spaces(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("  a=1 ;b=2;\tc = 3 ;;  ; d=", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 4);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "a");
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "1");
	CU_ASSERT_STRING_EQUAL(p.v[1].name, "b");
	CU_ASSERT_STRING_EQUAL(p.v[2].name, "c");
	CU_ASSERT_STRING_EQUAL(p.v[2].value, "3");
	CU_ASSERT_STRING_EQUAL(p.v[3].name, "d");
	CU_ASSERT_STRING_EQUAL(p.v[3].value, "");
	/* A space inside a value is not a cookie value: skipped. */
	CU_ASSERT_EQUAL(parse("a=b c; d=e", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 1);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "d");
}

static void
test_quotes(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("a=\"quoted\"; b=\"\"; c=\"; d=\"x\"y\"", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 4);
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "quoted");
	CU_ASSERT_EQUAL(p.v[0].value_len, 6);
	CU_ASSERT_STRING_EQUAL(p.v[1].value, "");
	CU_ASSERT_STRING_EQUAL(p.v[2].value, "\"");   /* a lone quote is data */
	CU_ASSERT_STRING_EQUAL(p.v[3].value, "x\"y"); /* one pair removed */
	/* Quotes around a value with a space do not make it valid. */
	CU_ASSERT_EQUAL(parse("a=\"x y\"", &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 0);
}

static void
test_invalid_skipped(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("novalue; =anon; ok=1; bad\x01=2; v=\xc3\xa9; w=\x7f; x=2", &p),
			TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "ok");
	CU_ASSERT_STRING_EQUAL(p.v[1].name, "x");
	/* Repeated names are all kept, in order (path-specific cookies). */
	CU_ASSERT_EQUAL(parse("sid=new; sid=old", &p), TK_OK);
	CU_ASSERT_EQUAL(params_count(&p, "sid"), 2);
	CU_ASSERT_STRING_EQUAL(params_get(&p, "sid"), "new");
}

static void
test_oversized(void)
{
	struct params p;
	char big[8192 + 2];
	char many[65 * 6 + 1];
	size_t i, len = 0;

	/* Exactly 8 KiB is accepted, one byte more is not. */
	memset(big, 'a', sizeof(big) - 1);
	big[0] = 'k';
	big[1] = '=';
	big[8192] = '\0';
	CU_ASSERT_EQUAL(parse(big, &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 1);
	CU_ASSERT_EQUAL(p.v[0].value_len, 8190);
	big[8192] = 'a';
	big[8193] = '\0';
	CU_ASSERT_EQUAL(parse(big, &p), TK_EINVAL);

	/* 64 entries are accepted, 65 are not. */
	for (i = 0; i < 64; i++)
		len +=
		    (size_t)snprintf(many + len, sizeof(many) - len, "c%02lu=1;", (unsigned long)i);
	CU_ASSERT_EQUAL(parse(many, &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 64);
	snprintf(many + len, sizeof(many) - len, "x");
	CU_ASSERT_EQUAL(parse(many, &p), TK_EINVAL);
}

static void
test_format(void)
{
	struct buf b = {0};

	CU_ASSERT_EQUAL(cookie_format(&b, "sid", "tok.en", 3600,
				      COOKIE_HTTPONLY | COOKIE_SECURE | COOKIE_SAMESITE_LAX),
			TK_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "sid=tok.en; Path=/; Max-Age=3600; HttpOnly; Secure; "
				       "SameSite=Lax");
	buf_reset(&b);
	CU_ASSERT_EQUAL(cookie_format(&b, "v", "1", -1, COOKIE_SAMESITE_STRICT), TK_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "v=1; Path=/; SameSite=Strict");
	buf_reset(&b);
	CU_ASSERT_EQUAL(cookie_format(&b, "sid", "", 0, COOKIE_HTTPONLY), TK_OK);
	CU_ASSERT_STRING_EQUAL(b.data, "sid=; Path=/; Max-Age=0; "
				       "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly");
	buf_free(&b);
}

static void
test_format_refuses(void)
{
	static const char *bad_values[] = {"a b",    "a;b",   "a,b",      "a\"b", "a\\b",
					   "a\r\nb", "a\x7f", "\xc3\xa9", "a\tb"};
	struct buf b = {0};
	size_t i;

	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++)
		CU_ASSERT_EQUAL(cookie_format(&b, "n", bad_values[i], -1, 0), TK_EINVAL);
	CU_ASSERT_EQUAL(cookie_format(&b, "", "v", -1, 0), TK_EINVAL);
	CU_ASSERT_EQUAL(cookie_format(&b, "a=b", "v", -1, 0), TK_EINVAL);
	CU_ASSERT_EQUAL(cookie_format(&b, "a b", "v", -1, 0), TK_EINVAL);
	CU_ASSERT_EQUAL(cookie_format(&b, "a;", "v", -1, 0), TK_EINVAL);
	CU_ASSERT_EQUAL(b.len, 0); /* nothing appended on error */
	buf_free(&b);
}

static const struct cu_test cookie_tests[] = {
    {"simple", test_simple},
    {"spaces", test_spaces},
    {"quotes", test_quotes},
    {"invalid entries skipped", test_invalid_skipped},
    {"oversized header", test_oversized},
    {"format", test_format},
    {"format refuses", test_format_refuses},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"cookie", cu_arena_setup, cu_arena_teardown, cookie_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
