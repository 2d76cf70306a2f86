/*
 * Unit tests for lib/money.c: the price parser in currencies of every
 * exponent, both formats, and the form field check.
 */
#include <stdint.h>
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "err.h"
#include "money.h"

/* parsed: the minor units of text in code, or -1 when refused. */
static int64_t
parsed(const char *text, const char *code)
{
	const char *why = NULL;
	int64_t v;
	int rc = money_parse(text, money_currency_find(code), &v, &why);

	CU_ASSERT((rc == TK_OK) == (why == NULL));
	return rc == TK_OK ? v : -1;
}

static void
test_parse_accepts(void)
{
	CU_ASSERT_EQUAL(parsed("25", "EUR"), 2500);
	CU_ASSERT_EQUAL(parsed("25.5", "EUR"), 2550);
	CU_ASSERT_EQUAL(parsed("25.50", "EUR"), 2550);
	CU_ASSERT_EQUAL(parsed("25,05", "EUR"), 2505);
	CU_ASSERT_EQUAL(parsed(" 0.01 ", "EUR"), 1);
	CU_ASSERT_EQUAL(parsed("007", "EUR"), 700);
	CU_ASSERT_EQUAL(parsed("100000", "EUR"), 10000000);
	CU_ASSERT_EQUAL(parsed("100000.00", "EUR"), 10000000);
	CU_ASSERT_EQUAL(parsed("3000", "JPY"), 3000);
	CU_ASSERT_EQUAL(parsed("12.5", "BHD"), 12500);
	CU_ASSERT_EQUAL(parsed("12.345", "BHD"), 12345);
}

static void
test_parse_refuses(void)
{
	static const char *const bad_eur[] = {
	    "",       " ",        "0",         "0.00",
	    "-5",     "+5",       "25.",       ".5",
	    "25.505", "1e3",      "25 €",      "€25",
	    "25.5.0", "1,000.00", "100000.01", "9999999999999999999999",
	    "2 5",    "abc",      "0x10",      "25..5"};
	const char *why;
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof(bad_eur) / sizeof(bad_eur[0]); i++) {
		CU_ASSERT_EQUAL(parsed(bad_eur[i], "EUR"), -1);
	}
	CU_ASSERT_EQUAL(parsed("25.5", "JPY"), -1);
	CU_ASSERT_EQUAL(parsed("12.3456", "BHD"), -1);
	CU_ASSERT_EQUAL(parsed(NULL, "EUR"), -1);
	/* Each refusal says why. */
	CU_ASSERT_EQUAL(money_parse("-5", money_currency_find("EUR"), &v, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "sign"));
	CU_ASSERT_EQUAL(money_parse("0", money_currency_find("EUR"), &v, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "more than zero"));
	CU_ASSERT_EQUAL(money_parse("1.234", money_currency_find("EUR"), &v, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "two digits"));
	CU_ASSERT_EQUAL(money_parse("1.5", money_currency_find("JPY"), &v, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "whole number"));
	CU_ASSERT_EQUAL(money_parse("1000000", money_currency_find("EUR"), &v, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "too high"));
	CU_ASSERT_EQUAL(v, 0);
}

static void
test_format(void)
{
	char out[MONEY_TEXT_MAX];
	const struct money_currency *eur = money_currency_find("EUR"),
				    *jpy = money_currency_find("JPY"),
				    *bhd = money_currency_find("BHD"),
				    *chf = money_currency_find("CHF");

	CU_ASSERT_STRING_EQUAL(money_format(2500, eur, out, sizeof(out)), "€25.00");
	CU_ASSERT_STRING_EQUAL(money_format(125000, eur, out, sizeof(out)), "€1,250.00");
	CU_ASSERT_STRING_EQUAL(money_format(5, eur, out, sizeof(out)), "€0.05");
	CU_ASSERT_STRING_EQUAL(money_format(-350, eur, out, sizeof(out)), "-€3.50");
	CU_ASSERT_STRING_EQUAL(money_format(123456789, eur, out, sizeof(out)), "€1,234,567.89");
	CU_ASSERT_STRING_EQUAL(money_format(3000, jpy, out, sizeof(out)), "¥3,000");
	CU_ASSERT_STRING_EQUAL(money_format(0, jpy, out, sizeof(out)), "¥0");
	CU_ASSERT_STRING_EQUAL(money_format(12500, bhd, out, sizeof(out)), "BHD 12.500");
	CU_ASSERT_STRING_EQUAL(money_format(100, chf, out, sizeof(out)), "CHF 1.00");
	CU_ASSERT_STRING_EQUAL(money_format(INT64_MIN, eur, out, sizeof(out)),
			       "-€92,233,720,368,547,758.08");
	CU_ASSERT_STRING_EQUAL(money_format_plain(125000, eur, out, sizeof(out)), "1250.00");
	CU_ASSERT_STRING_EQUAL(money_format_plain(3000, jpy, out, sizeof(out)), "3000");
	CU_ASSERT_STRING_EQUAL(money_format_plain(12005, bhd, out, sizeof(out)), "12.005");
	/* What the plain format writes, the parser reads back. */
	CU_ASSERT_EQUAL(parsed(money_format_plain(125050, eur, out, sizeof(out)), "EUR"), 125050);
}

static void
test_configure_and_field(void)
{
	const char *out = NULL;

	CU_ASSERT_STRING_EQUAL(money_currency()->code, "EUR");
	CU_ASSERT_EQUAL(money_configure("XXX"), TK_ECONFIG);
	CU_ASSERT_EQUAL(money_configure("eur"), TK_ECONFIG);
	CU_ASSERT_STRING_EQUAL(money_currency()->code, "EUR");
	CU_ASSERT_PTR_NULL(money_field(cu_arena, "25.5", &out));
	CU_ASSERT_STRING_EQUAL(out, "2550");
	CU_ASSERT_EQUAL(money_configure("JPY"), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(money_field(cu_arena, "25.5", &out));
	CU_ASSERT_PTR_NULL(money_field(cu_arena, "2550", &out));
	CU_ASSERT_STRING_EQUAL(out, "2550");
	CU_ASSERT_EQUAL(money_configure("EUR"), TK_OK);
}

static const struct cu_test money_tests[] = {
    {"parse accepts", test_parse_accepts},
    {"parse refuses", test_parse_refuses},
    {"format", test_format},
    {"configure and field", test_configure_and_field},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"money", cu_arena_setup, cu_arena_teardown, money_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
