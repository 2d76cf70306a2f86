/*
 * Unit tests for the input checks of the tickets service
 * (fcgi/tickets/input.c): the listing, edit and hide forms' tables
 * (required fields, limits in characters, the quantity's range, prices
 * through money_field in the deployment's currency) and input_price.
 */
#include <stdio.h>
#include <string.h>

#include "cu.h"
#include "fields_cases.h"

#include "arena.h"
#include "err.h"
#include "fields.h"
#include "money.h"
#include "tickets.h"

#define PRICE_NUMBER "Enter the price as a number, like 25.50."
#define QUANTITY_RANGE "Enter how many tickets you sell as a whole number from 1 to 50."

static const struct fields_case cases[] = {
    {input_listing_form, LISTING_SECTION, "  Stalls B ", NULL, "Stalls B"},
    {input_listing_form, LISTING_SECTION, " ", "Enter the section, as printed on the tickets.", ""},
    {input_listing_form, LISTING_SECTION, "a\x01", "This text cannot contain control characters.",
     "a\x01"},
    {input_listing_form, LISTING_ROW, "", "Enter the row, as printed on the tickets.", ""},
    {input_listing_form, LISTING_ROW, "K", NULL, "K"},
    {input_listing_form, LISTING_SEAT, "", NULL, ""},
    {input_listing_form, LISTING_SEAT, "12-15", NULL, "12-15"},
    {input_listing_form, LISTING_QUANTITY, "1", NULL, "1"},
    {input_listing_form, LISTING_QUANTITY, " 50 ", NULL, "50"},
    {input_listing_form, LISTING_QUANTITY, "", "Enter how many tickets you sell, from 1 to 50.",
     ""},
    {input_listing_form, LISTING_QUANTITY, "0", QUANTITY_RANGE, "0"},
    {input_listing_form, LISTING_QUANTITY, "51", QUANTITY_RANGE, "51"},
    {input_listing_form, LISTING_QUANTITY, "-3", QUANTITY_RANGE, "-3"},
    {input_listing_form, LISTING_QUANTITY, "2.5", QUANTITY_RANGE, "2.5"},
    {input_listing_form, LISTING_QUANTITY, "two", QUANTITY_RANGE, "two"},
    {input_listing_form, LISTING_PRICE, "25", NULL, "2500"},
    {input_listing_form, LISTING_PRICE, "25.5", NULL, "2550"},
    {input_listing_form, LISTING_PRICE, " 25,50 ", NULL, "2550"},
    {input_listing_form, LISTING_PRICE, "", "Enter the price of one ticket, like 25.50.", ""},
    {input_listing_form, LISTING_PRICE, "abc", PRICE_NUMBER, "abc"},
    {input_listing_form, LISTING_PRICE, "123456789012345678901", PRICE_NUMBER,
     "123456789012345678901"},
    {input_edit_form, EDIT_PRICE, "19.99", NULL, "1999"},
    {input_edit_form, EDIT_QUANTITY, "51", QUANTITY_RANGE, "51"},
    {input_listing_form, LISTING_NOTE, "", NULL, ""},
    {input_listing_form, LISTING_NOTE, "Row\r\nend", NULL, "Row\nend"},
    {input_hide_form, HIDE_REASON, "", "Enter the reason the seller will see.", ""},
    {input_hide_form, HIDE_REASON, "Fake seats", NULL, "Fake seats"},
};

static void
test_form_fields(void)
{
	fields_cases_check(cu_arena, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Prices that money_parse refuses are refused with its sentence; the
 * value typed is kept for the form. */
static void
test_bad_prices(void)
{
	static const char *const bad[] = {"-5", "0",         "0.00",    "25.505", "1e3", "25.",
					  ".5", "100000.01", "9999999", "25 50",  "€25"};
	const struct field *fd = input_listing_form[LISTING_PRICE];
	const char *out, *msg;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = NULL;
		msg = fields_check(cu_arena, fd, bad[i], &out, NULL);
		CU_ASSERT_PTR_NOT_NULL(msg);
		CU_ASSERT(out != NULL && strcmp(out, bad[i]) == 0);
		if (msg == NULL)
			fprintf(stderr, "\n  price %s accepted\n", bad[i]);
	}
}

/* One past each limit is refused with the limit in the message, counted
 * in characters. */
static void
test_limits(void)
{
	static const struct fields_limit limits[] = {
	    {input_listing_form, LISTING_SECTION, 60, "A section has at most 60 characters."},
	    {input_listing_form, LISTING_ROW, 20, "A row has at most 20 characters."},
	    {input_listing_form, LISTING_SEAT, 40, "Seats have at most 40 characters."},
	    {input_listing_form, LISTING_NOTE, 500, "A note has at most 500 characters."},
	    {input_hide_form, HIDE_REASON, 300, "A reason has at most 300 characters."},
	};

	fields_limits_check(cu_arena, limits, sizeof(limits) / sizeof(limits[0]));
}

static void
test_input_price(void)
{
	int64_t v;

	CU_ASSERT_EQUAL(input_price("2550", &v), TK_OK);
	CU_ASSERT_EQUAL(v, 2550);
	CU_ASSERT_EQUAL(input_price("0", &v), TK_EINVAL);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(input_price("-1", &v), TK_EINVAL);
	CU_ASSERT_EQUAL(input_price("", &v), TK_EINVAL);
	CU_ASSERT_EQUAL(input_price(NULL, &v), TK_EINVAL);
	CU_ASSERT_EQUAL(input_price("12x", &v), TK_EINVAL);
	CU_ASSERT_EQUAL(input_price("99999999999999999999", &v), TK_EINVAL);
}

/* In a currency without minor units a decimal part is refused. */
static void
test_currency(void)
{
	const char *out, *msg;

	CU_ASSERT_EQUAL(money_configure("JPY"), TK_OK);
	msg = fields_check(cu_arena, input_listing_form[LISTING_PRICE], "3000", &out, NULL);
	CU_ASSERT(msg == NULL && strcmp(out, "3000") == 0);
	msg = fields_check(cu_arena, input_listing_form[LISTING_PRICE], "3000.5", &out, NULL);
	CU_ASSERT_PTR_NOT_NULL(msg);
	CU_ASSERT_EQUAL(money_configure("EUR"), TK_OK);
}

static const struct cu_test tickets_input_tests[] = {
    {"form fields", test_form_fields}, {"bad prices", test_bad_prices},
    {"form limits", test_limits},      {"input_price", test_input_price},
    {"currency", test_currency},       {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"tickets input", cu_arena_setup, cu_arena_teardown, tickets_input_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
