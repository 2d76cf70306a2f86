/*
 * Fuzz target for money (lib/money.c): parsing what a person types into a
 * price field and formatting amounts. The input is "CODE:TEXT": CODE an
 * ISO 4217 code of the currency table (anything else is rejected without
 * a check), TEXT the price as typed. money_parse must either accept it
 * with an amount above zero and at most MONEY_MAX_MAJOR major units, whose
 * plain formatting parses back to the same amount and whose page
 * formatting fits MONEY_TEXT_MAX and names the currency; or refuse it
 * with a sentence and an amount of 0. Whatever TEXT is, its first eight
 * bytes read as an amount (any int64, negative and extreme ones included)
 * must format within MONEY_TEXT_MAX, and round-trip through the plain
 * form when it is a valid price.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fuzz.h"
#include "money.h"

/* scale: 10 to the power of c's exponent. */
static int64_t
scale(const struct money_currency *c)
{
	int64_t p = 1;
	int e;

	for (e = 0; e < c->exponent; e++)
		p *= 10;
	return p;
}

/* check_amount: abort unless minor formats within bounds in c and, when
 * it is a valid price, its plain form parses back to it. */
static void
check_amount(int64_t minor, const struct money_currency *c)
{
	char text[MONEY_TEXT_MAX], plain[MONEY_TEXT_MAX];
	const char *why;
	int64_t back;

	memset(text, 'x', sizeof(text));
	money_format(minor, c, text, sizeof(text));
	if (memchr(text, '\0', sizeof(text)) == NULL)
		abort();
	if (strstr(text, c->symbol != NULL ? c->symbol : c->code) == NULL)
		abort();
	money_format_plain(minor, c, plain, sizeof(plain));
	if (memchr(plain, '\0', sizeof(plain)) == NULL)
		abort();
	if (minor <= 0 || minor > MONEY_MAX_MAJOR * scale(c))
		return;
	if (money_parse(plain, c, &back, &why) != TK_OK || back != minor || why != NULL)
		abort();
}

/* fuzz_accepts (fuzz.h): 1 when the currency is known and money_parse
 * accepts TEXT, else 0; aborts when a promise above breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	const struct money_currency *c;
	const char *colon = memchr(data, ':', size < 5 ? size : 5), *why = NULL;
	char code[4], *text = NULL;
	int64_t minor = -1, raw;
	int accepted = 0, rc;

	if (colon == NULL || colon - (const char *)data != 3)
		goto out;
	memcpy(code, data, 3);
	code[3] = '\0';
	if ((c = money_currency_find(code)) == NULL)
		goto out;
	text = malloc(size - 4 + 1);
	if (text == NULL)
		abort();
	memcpy(text, data + 4, size - 4);
	text[size - 4] = '\0';
	rc = money_parse(text, c, &minor, &why);
	if (rc == TK_OK) {
		if (why != NULL || minor <= 0 || minor > MONEY_MAX_MAJOR * scale(c))
			abort();
		check_amount(minor, c);
		accepted = 1;
	} else if (rc != TK_EINVAL || why == NULL || minor != 0) {
		abort();
	}
	if (size - 4 >= sizeof(raw)) {
		memcpy(&raw, data + 4, sizeof(raw));
		check_amount(raw, c);
	}
out:
	free(text);
	return accepted;
}
