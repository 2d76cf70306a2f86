/*
 * Unit tests for fcgi/sandbox/card.c: the Luhn check, the card number as
 * typed (spaces allowed, 12-19 digits), the expiry month against a given
 * month, the CVC, and what each of the SPEC's test cards does.
 */
#include <string.h>

#include "cu.h"

#include "card.h"

static void
test_luhn(void)
{
	CU_ASSERT(card_luhn("4242424242424242"));
	CU_ASSERT(card_luhn("4000000000000002"));
	CU_ASSERT(card_luhn("4000000000009995"));
	CU_ASSERT(card_luhn("4000000000000077"));
	CU_ASSERT(card_luhn("79927398713"));
	CU_ASSERT(!card_luhn("4242424242424241"));
	CU_ASSERT(!card_luhn("79927398710"));
	CU_ASSERT(!card_luhn("0"));
	CU_ASSERT(!card_luhn("42424242424242a2"));
}

/* number: the digits card_check_number makes of raw, or NULL when it
 * refuses. */
static const char *
number(const char *raw)
{
	const char *out = NULL;

	return card_check_number(cu_arena, raw, &out) == NULL ? out : NULL;
}

static void
test_number(void)
{
	CU_ASSERT_STRING_EQUAL(number("4242 4242 4242 4242"), "4242424242424242");
	CU_ASSERT_STRING_EQUAL(number("4242424242424242"), "4242424242424242");
	CU_ASSERT_STRING_EQUAL(number(" 4000 0000 0000  0077"), "4000000000000077");
	CU_ASSERT_PTR_NULL(number("4242 4242 4242 4241"));
	CU_ASSERT_PTR_NULL(number("4242-4242-4242-4242"));
	CU_ASSERT_PTR_NULL(number("4242 4242 4242 424x"));
	CU_ASSERT_PTR_NULL(number("00"));
	CU_ASSERT_PTR_NULL(number("42424242424242424242"));
	CU_ASSERT_PTR_NULL(number(""));
}

static void
test_expiry(void)
{
	CU_ASSERT(card_expiry_ok("11/26", 2026, 11));
	CU_ASSERT(card_expiry_ok("12/26", 2026, 11));
	CU_ASSERT(card_expiry_ok("01/27", 2026, 11));
	CU_ASSERT(!card_expiry_ok("10/26", 2026, 11));
	CU_ASSERT(!card_expiry_ok("12/25", 2026, 11));
	CU_ASSERT(!card_expiry_ok("13/30", 2026, 11));
	CU_ASSERT(!card_expiry_ok("00/30", 2026, 11));
	CU_ASSERT(!card_expiry_ok("1/30", 2026, 11));
	CU_ASSERT(!card_expiry_ok("01-30", 2026, 11));
	CU_ASSERT(!card_expiry_ok("01/2030", 2026, 11));
	CU_ASSERT(!card_expiry_ok("ab/cd", 2026, 11));
}

static void
test_cvc(void)
{
	const char *out;

	CU_ASSERT_PTR_NULL(card_check_cvc(cu_arena, "123", &out));
	CU_ASSERT_PTR_NULL(card_check_cvc(cu_arena, "1234", &out));
	CU_ASSERT_PTR_NOT_NULL(card_check_cvc(cu_arena, "12", &out));
	CU_ASSERT_PTR_NOT_NULL(card_check_cvc(cu_arena, "12345", &out));
	CU_ASSERT_PTR_NOT_NULL(card_check_cvc(cu_arena, "12a", &out));
}

static void
test_outcomes(void)
{
	CU_ASSERT_EQUAL(card_outcome_of("4242424242424242"), CARD_AUTHORIZED);
	CU_ASSERT_EQUAL(card_outcome_of("4000000000000002"), CARD_DECLINED);
	CU_ASSERT_EQUAL(card_outcome_of("4000000000009995"), CARD_INSUFFICIENT);
	CU_ASSERT_EQUAL(card_outcome_of("4000000000000077"), CARD_LATE);
	CU_ASSERT_EQUAL(card_outcome_of("79927398713"), CARD_DECLINED);
	CU_ASSERT_STRING_EQUAL(card_failure_code(CARD_DECLINED), "card_declined");
	CU_ASSERT_STRING_EQUAL(card_failure_code(CARD_INSUFFICIENT), "insufficient_funds");
	CU_ASSERT_STRING_EQUAL(card_failure_code(CARD_LATE), "");
}

static const struct cu_test card_tests[] = {
    {"Luhn", test_luhn},           {"card number as typed", test_number},
    {"expiry month", test_expiry}, {"security code", test_cvc},
    {"test cards", test_outcomes}, {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"sandbox card", cu_arena_setup, cu_arena_teardown, card_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
