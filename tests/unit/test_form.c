/*
 * Unit tests for lib/params.c and lib/form.c: the name/value list, the
 * urlencoded parser (escapes, '+', repeated and empty pairs, the limits) and
 * the UTF-8 check it relies on.
 */
#include <stdio.h>
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "err.h"
#include "form.h"
#include "params.h"

/* parse: form_parse on a C string into a fresh list. */
static int
parse(const char *s, struct params *p)
{
	memset(p, 0, sizeof(*p));
	return form_parse(cu_arena, s, strlen(s), p);
}

static void
test_params_list(void)
{
	struct params p = {0};
	char name[16];
	int i;

	params_add(cu_arena, &p, "a", "1", 1);
	params_add(cu_arena, &p, "b", "2", 1);
	params_add(cu_arena, &p, "a", "3", 1);
	CU_ASSERT_STRING_EQUAL(params_get(&p, "a"), "1");
	CU_ASSERT_STRING_EQUAL(params_get(&p, "b"), "2");
	CU_ASSERT_PTR_NULL(params_get(&p, "c"));
	CU_ASSERT_EQUAL(params_count(&p, "a"), 2);
	CU_ASSERT_EQUAL(params_count(&p, "c"), 0);
	/* Growing past the first array keeps every entry in order. */
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		params_add(cu_arena, &p, arena_strdup(cu_arena, name), "", 0);
	}
	CU_ASSERT_EQUAL(p.n, 103);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "a");
	CU_ASSERT_STRING_EQUAL(p.v[2].value, "3");
	CU_ASSERT_STRING_EQUAL(p.v[102].name, "k99");
}

static void
test_simple_pairs(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("name=Ada&email=ada%40example.com", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "name");
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "Ada");
	CU_ASSERT_EQUAL(p.v[0].value_len, 3);
	CU_ASSERT_STRING_EQUAL(p.v[1].name, "email");
	CU_ASSERT_STRING_EQUAL(p.v[1].value, "ada@example.com");
}

static void
test_percent_decoding(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("q=a%20b%2Bc%26d%3De&x%5B%5D=%c3%a9%C3%A9", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "a b+c&d=e");
	CU_ASSERT_STRING_EQUAL(p.v[1].name, "x[]");
	CU_ASSERT_STRING_EQUAL(p.v[1].value, "\xc3\xa9\xc3\xa9");
	CU_ASSERT_EQUAL(p.v[1].value_len, 4);
	/* Escaped newlines are ordinary data (textarea input). */
	CU_ASSERT_EQUAL(parse("note=a%0D%0Ab", &p), TK_OK);
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "a\r\nb");
	/* Only one '=' splits: the rest belongs to the value. */
	CU_ASSERT_EQUAL(parse("a=b=c", &p), TK_OK);
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "b=c");
}

static void
test_plus_is_space(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("full+name=Ada+Lovelace&p=%2B+", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "full name");
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "Ada Lovelace");
	CU_ASSERT_STRING_EQUAL(p.v[1].value, "+ ");
}

static void
test_repeated_keys(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("a=1&b=2&a=3", &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 3);
	CU_ASSERT_EQUAL(params_count(&p, "a"), 2);
	CU_ASSERT_STRING_EQUAL(params_get(&p, "a"), "1");
	CU_ASSERT_STRING_EQUAL(p.v[2].value, "3");
}

static void
test_empty_pairs(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("", &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL(form_parse(cu_arena, NULL, 0, &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL(parse("&&&", &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL(parse("&a=1&&b=2&", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "a");
	CU_ASSERT_STRING_EQUAL(p.v[1].name, "b");
	/* No '=': an empty value. An empty value stays an entry. */
	CU_ASSERT_EQUAL(parse("flag&x=", &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[0].name, "flag");
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "");
	CU_ASSERT_EQUAL(p.v[0].value_len, 0);
	CU_ASSERT_STRING_EQUAL(p.v[1].value, "");
}

static void
test_length_bounds(void)
{
	struct params p = {0};
	const char s[] = "a=1&b=2";

	/* Only s[0..len) is read: no NUL terminator needed. */
	CU_ASSERT_EQUAL(form_parse(cu_arena, s, 5, &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(p.n, 2);
	CU_ASSERT_STRING_EQUAL(p.v[1].name, "b");
	CU_ASSERT_STRING_EQUAL(p.v[1].value, "");
	/* A trailing escape cut by len is malformed, whatever follows. */
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(form_parse(cu_arena, "a=%41", 4, &p), TK_EINVAL);
}

static void
test_bad_escapes(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("a=%zz", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a=%4", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a=%4g", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a=%", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a=1&b=%", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a%=1", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("%%41=1", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a=%+1", &p), TK_EINVAL);
	/* Escapes never nest: %2541 is "%41". */
	CU_ASSERT_EQUAL(parse("a=%2541", &p), TK_OK);
	CU_ASSERT_STRING_EQUAL(p.v[0].value, "%41");
}

static void
test_nul_refused(void)
{
	struct params p = {0};

	CU_ASSERT_EQUAL(parse("a=%00", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a%00b=1", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("a=x%00", &p), TK_EINVAL);
	/* A raw NUL byte inside the input is refused too. */
	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(form_parse(cu_arena, "a=x\0y", 5, &p), TK_EINVAL);
}

static void
test_invalid_utf8_refused(void)
{
	struct params p;

	CU_ASSERT_EQUAL(parse("a=%C3%A9", &p), TK_OK);           /* é */
	CU_ASSERT_EQUAL(parse("a=%F0%9F%8E%AB", &p), TK_OK);     /* U+1F3AB */
	CU_ASSERT_EQUAL(parse("a=%F4%8F%BF%BF", &p), TK_OK);     /* U+10FFFF */
	CU_ASSERT_EQUAL(parse("a=%EF%BF%BD", &p), TK_OK);        /* U+FFFD */
	CU_ASSERT_EQUAL(parse("a=%C0%AF", &p), TK_EINVAL);       /* overlong '/' */
	CU_ASSERT_EQUAL(parse("a=%C1%81", &p), TK_EINVAL);       /* overlong 'A' */
	CU_ASSERT_EQUAL(parse("a=%E0%80%AF", &p), TK_EINVAL);    /* overlong, 3 bytes */
	CU_ASSERT_EQUAL(parse("a=%F0%80%80%AF", &p), TK_EINVAL); /* overlong, 4 bytes */
	CU_ASSERT_EQUAL(parse("a=%ED%A0%80", &p), TK_EINVAL);    /* surrogate U+D800 */
	CU_ASSERT_EQUAL(parse("a=%ED%BF%BF", &p), TK_EINVAL);    /* surrogate U+DFFF */
	CU_ASSERT_EQUAL(parse("a=%F4%90%80%80", &p), TK_EINVAL); /* U+110000 */
	CU_ASSERT_EQUAL(parse("a=%F5%80%80%80", &p), TK_EINVAL); /* F5 lead */
	CU_ASSERT_EQUAL(parse("a=%C3", &p), TK_EINVAL);          /* truncated */
	CU_ASSERT_EQUAL(parse("a=%E2%82", &p), TK_EINVAL);       /* truncated */
	CU_ASSERT_EQUAL(parse("a=%F0%9F%8E", &p), TK_EINVAL);    /* truncated */
	CU_ASSERT_EQUAL(parse("a=%80", &p), TK_EINVAL);          /* lone continuation */
	CU_ASSERT_EQUAL(parse("a=%C3%28", &p), TK_EINVAL);       /* bad continuation */
	CU_ASSERT_EQUAL(parse("a=%FF", &p), TK_EINVAL);
	CU_ASSERT_EQUAL(parse("%C3=1", &p), TK_EINVAL); /* in a name */
	/* Raw (unescaped) bytes are checked the same way. */
	CU_ASSERT_EQUAL(parse("a=\xc3\xa9", &p), TK_OK);
	CU_ASSERT_EQUAL(parse("a=\xc0\xaf", &p), TK_EINVAL);
}

static void
test_utf8_valid_direct(void)
{
	CU_ASSERT_TRUE(utf8_valid("", 0));
	CU_ASSERT_TRUE(utf8_valid("plain ascii", 11));
	CU_ASSERT_TRUE(utf8_valid("\xc2\x80", 2));          /* U+0080 */
	CU_ASSERT_TRUE(utf8_valid("\xdf\xbf", 2));          /* U+07FF */
	CU_ASSERT_TRUE(utf8_valid("\xe0\xa0\x80", 3));      /* U+0800 */
	CU_ASSERT_TRUE(utf8_valid("\xed\x9f\xbf", 3));      /* U+D7FF */
	CU_ASSERT_TRUE(utf8_valid("\xee\x80\x80", 3));      /* U+E000 */
	CU_ASSERT_TRUE(utf8_valid("\xf0\x90\x80\x80", 4));  /* U+10000 */
	CU_ASSERT_FALSE(utf8_valid("\xe0\x9f\xbf", 3));     /* overlong U+07FF */
	CU_ASSERT_FALSE(utf8_valid("\xf0\x8f\xbf\xbf", 4)); /* overlong U+FFFF */
	CU_ASSERT_FALSE(utf8_valid("\xf8\x88\x80\x80\x80", 5));
	CU_ASSERT_FALSE(utf8_valid("\xe2\x82\xac", 2)); /* cut by len */
	CU_ASSERT_FALSE(utf8_valid("\xf0\x9f\x8e\x28", 4));
}

static void
test_too_many_params(void)
{
	struct params p;
	char s[FORM_MAX_PARAMS * 8 + 16];
	size_t len = 0;
	int i;

	for (i = 0; i < FORM_MAX_PARAMS; i++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "%sk=%d", i ? "&" : "", i % 10);
	CU_ASSERT_EQUAL(parse(s, &p), TK_OK);
	CU_ASSERT_EQUAL(p.n, FORM_MAX_PARAMS);
	/* Empty pairs do not count. */
	snprintf(s + len, sizeof(s) - len, "&&&");
	CU_ASSERT_EQUAL(parse(s, &p), TK_OK);
	snprintf(s + len, sizeof(s) - len, "&z");
	CU_ASSERT_EQUAL(parse(s, &p), TK_EINVAL);
}

static const struct cu_test form_tests[] = {
    {"params list", test_params_list},
    {"simple pairs", test_simple_pairs},
    {"percent decoding", test_percent_decoding},
    {"plus is space", test_plus_is_space},
    {"repeated keys", test_repeated_keys},
    {"empty pairs", test_empty_pairs},
    {"length bounds", test_length_bounds},
    {"bad escapes", test_bad_escapes},
    {"NUL refused", test_nul_refused},
    {"invalid UTF-8 refused", test_invalid_utf8_refused},
    {"utf8_valid", test_utf8_valid_direct},
    {"too many params", test_too_many_params},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"form", cu_arena_setup, cu_arena_teardown, form_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
