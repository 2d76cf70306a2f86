/*
 * Card checks of the sandbox's hosted page (card.h). A card number is
 * typed as printed, in groups: spaces are dropped, anything else but
 * digits is refused. The expiry is the card's month: a card is valid to
 * the end of it.
 */
#include <string.h>
#include <time.h>

#include "arena.h"
#include "card.h"

int
card_luhn(const char *digits)
{
	size_t n = strlen(digits), i;
	int sum = 0, d;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (digits[n - 1 - i] < '0' || digits[n - 1 - i] > '9')
			return 0;
		d = digits[n - 1 - i] - '0';
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

const char *
card_check_number(struct arena *a, const char *raw, const char **out)
{
	size_t n = strlen(raw), i, k = 0;
	char *digits = arena_alloc(a, n + 1);

	*out = raw;
	for (i = 0; i < n; i++) {
		if (raw[i] == ' ')
			continue;
		if (raw[i] < '0' || raw[i] > '9')
			return "Enter the card number with digits and spaces only.";
		digits[k++] = raw[i];
	}
	digits[k] = '\0';
	*out = digits;
	if (k < 12 || k > 19)
		return "A card number has 12 to 19 digits.";
	if (!card_luhn(digits))
		return "This card number is not valid: check it for a typing mistake.";
	return NULL;
}

int
card_expiry_ok(const char *raw, int year, int month)
{
	int mm, yy;

	if (strlen(raw) != 5 || raw[2] != '/')
		return 0;
	if (raw[0] < '0' || raw[0] > '9' || raw[1] < '0' || raw[1] > '9' || raw[3] < '0' ||
	    raw[3] > '9' || raw[4] < '0' || raw[4] > '9')
		return 0;
	mm = (raw[0] - '0') * 10 + (raw[1] - '0');
	yy = 2000 + (raw[3] - '0') * 10 + (raw[4] - '0');
	if (mm < 1 || mm > 12)
		return 0;
	return yy > year || (yy == year && mm >= month);
}

const char *
card_check_expiry(struct arena *a, const char *raw, const char **out)
{
	time_t now = time(NULL);
	struct tm tm;

	(void)a;
	*out = raw;
	gmtime_r(&now, &tm);
	if (strlen(raw) != 5 || raw[2] != '/' || !card_expiry_ok(raw, 0, 1))
		return "Enter the expiry date as MM/YY, like 04/29.";
	if (!card_expiry_ok(raw, tm.tm_year + 1900, tm.tm_mon + 1))
		return "This card has expired.";
	return NULL;
}

const char *
card_check_cvc(struct arena *a, const char *raw, const char **out)
{
	size_t n = strlen(raw), i;

	(void)a;
	*out = raw;
	if (n < 3 || n > 4)
		return "The security code has 3 or 4 digits.";
	for (i = 0; i < n; i++)
		if (raw[i] < '0' || raw[i] > '9')
			return "The security code has 3 or 4 digits.";
	return NULL;
}

enum card_outcome
card_outcome_of(const char *digits)
{
	if (strcmp(digits, "4242424242424242") == 0)
		return CARD_AUTHORIZED;
	if (strcmp(digits, "4000000000009995") == 0)
		return CARD_INSUFFICIENT;
	if (strcmp(digits, "4000000000000077") == 0)
		return CARD_LATE;
	return CARD_DECLINED;
}

const char *
card_failure_code(enum card_outcome o)
{
	switch (o) {
	case CARD_DECLINED:
		return "card_declined";
	case CARD_INSUFFICIENT:
		return "insufficient_funds";
	default:
		return "";
	}
}
