/*
 * Unit tests for fcgi/events/avail.c: what the catalogue says of an
 * event's tickets in currencies of every exponent.
 */
#include <string.h>

#include "cu.h"

#include "events.h"
#include "money.h"

/* said: avail_summary of (listings, available, price_from) in code. */
static const char *
said(long listings, long available, int64_t from, const char *code)
{
	static char out[AVAIL_TEXT_MAX];
	struct stock_summary s = {listings, available, from};

	return avail_summary(&s, money_currency_find(code), out, sizeof(out));
}

static void
test_available(void)
{
	CU_ASSERT_STRING_EQUAL(said(3, 12, 2500, "EUR"), "from €25.00 · 12 tickets");
	CU_ASSERT_STRING_EQUAL(said(1, 1, 2550, "EUR"), "from €25.50 · 1 ticket");
	CU_ASSERT_STRING_EQUAL(said(2, 2, 125000, "EUR"), "from €1,250.00 · 2 tickets");
	CU_ASSERT_STRING_EQUAL(said(1, 4, 3000, "JPY"), "from ¥3,000 · 4 tickets");
	CU_ASSERT_STRING_EQUAL(said(1, 50, 12500, "BHD"), "from BHD 12.500 · 50 tickets");
}

static void
test_sold_out_and_none(void)
{
	CU_ASSERT_STRING_EQUAL(said(2, 0, 0, "EUR"), "Sold out");
	CU_ASSERT_STRING_EQUAL(said(0, 0, 0, "EUR"), "");
}

static void
test_bounds(void)
{
	struct stock_summary s = {100000, 2000000000L, 10000000};
	char out[AVAIL_TEXT_MAX], small[8];

	/* The largest price and count fit AVAIL_TEXT_MAX. */
	avail_summary(&s, money_currency_find("BHD"), out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "from BHD 10,000.000 · 2000000000 tickets");
	/* A short buffer gets a cut, terminated text. */
	avail_summary(&s, money_currency_find("EUR"), small, sizeof(small));
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"available", test_available},
	    {"sold out, none listed", test_sold_out_and_none},
	    {"bounds", test_bounds},
	    {NULL, NULL},
	};
	static const struct cu_suite suites[] = {
	    {"avail", NULL, NULL, tests},
	    {NULL, NULL, NULL, NULL},
	};

	return cu_run(suites);
}
