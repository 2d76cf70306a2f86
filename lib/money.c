/*
 * Money (money.h): the currency table, the price parser and the two
 * formats. Amounts are int64_t minor units throughout; the parser builds
 * the value digit by digit and stops long before it could overflow.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "log.h"
#include "money.h"

/* ISO 4217 codes a deployment is likely to use, with their exponents from
 * the standard's table. A symbol is given only where it names one
 * currency unambiguously on a page of that currency's country. */
static const struct money_currency currencies[] = {
    {"EUR", "€", 2},  {"USD", "$", 2},  {"GBP", "£", 2},  {"JPY", "¥", 0},  {"CHF", NULL, 2},
    {"SEK", NULL, 2}, {"NOK", NULL, 2}, {"DKK", NULL, 2}, {"ISK", NULL, 0}, {"PLN", NULL, 2},
    {"CZK", NULL, 2}, {"HUF", NULL, 2}, {"RON", NULL, 2}, {"BGN", NULL, 2}, {"TRY", NULL, 2},
    {"CAD", NULL, 2}, {"AUD", NULL, 2}, {"NZD", NULL, 2}, {"MXN", NULL, 2}, {"BRL", NULL, 2},
    {"ARS", NULL, 2}, {"CLP", NULL, 0}, {"COP", NULL, 2}, {"ZAR", NULL, 2}, {"INR", NULL, 2},
    {"CNY", NULL, 2}, {"HKD", NULL, 2}, {"SGD", NULL, 2}, {"KRW", NULL, 0}, {"TWD", NULL, 2},
    {"THB", NULL, 2}, {"IDR", NULL, 2}, {"VND", NULL, 0}, {"ILS", NULL, 2}, {"AED", NULL, 2},
    {"SAR", NULL, 2}, {"BHD", NULL, 3}, {"KWD", NULL, 3}, {"OMR", NULL, 3}, {"JOD", NULL, 3},
    {"TND", NULL, 3}, {"UGX", NULL, 0},
};

static const struct money_currency *current = &currencies[0];

/* What a price with too many decimals is told, by exponent. */
static const char *const too_precise[] = {
    "This currency has no smaller unit: enter a whole number.",
    "Enter at most one digit after the decimal point.",
    "Enter at most two digits after the decimal point.",
    "Enter at most three digits after the decimal point.",
};

const struct money_currency *
money_currency_find(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (strcmp(currencies[i].code, code) == 0)
			return &currencies[i];
	return NULL;
}

int
money_configure(const char *code)
{
	const struct money_currency *c = money_currency_find(code);

	if (c == NULL) {
		log_error("currency '%s' is not an ISO 4217 code this build knows", code);
		return TK_ECONFIG;
	}
	current = c;
	return TK_OK;
}

const struct money_currency *
money_currency(void)
{
	return current;
}

/* pow10i: 10 to the power e (0..3). */
static int64_t
pow10i(int e)
{
	int64_t p = 1;

	while (e-- > 0)
		p *= 10;
	return p;
}

int
money_parse(const char *text, const struct money_currency *c, int64_t *minor, const char **why)
{
	const char *p = text, *end;
	int64_t major = 0, frac = 0, scale = pow10i(c->exponent);
	int ndigits = 0, nfrac = 0, rc = TK_EINVAL;

	*minor = 0;
	*why = "Enter the price as a number, like 25.50.";
	if (c->exponent == 0)
		*why = "Enter the price as a whole number, like 2500.";
	if (text == NULL)
		goto out;
	while (*p == ' ')
		p++;
	end = p + strlen(p);
	while (end > p && end[-1] == ' ')
		end--;
	if (p < end && (*p == '-' || *p == '+')) {
		*why = "Enter the price without a sign; it must be more than zero.";
		goto out;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++, ndigits++)
		if (major <= MONEY_MAX_MAJOR)
			major = major * 10 + (*p - '0');
	if (ndigits == 0)
		goto out;
	if (p < end && (*p == '.' || *p == ',')) {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, nfrac++)
			if (nfrac < c->exponent)
				frac = frac * 10 + (*p - '0');
		if (nfrac == 0)
			goto out;
		if (nfrac > c->exponent) {
			*why = too_precise[c->exponent];
			goto out;
		}
	}
	if (p != end)
		goto out;
	frac *= pow10i(c->exponent - nfrac);
	if (major > MONEY_MAX_MAJOR || (major == MONEY_MAX_MAJOR && frac > 0)) {
		*why = "That price is too high for a ticket.";
		goto out;
	}
	if (major == 0 && frac == 0) {
		*why = "The price must be more than zero.";
		goto out;
	}
	*minor = major * scale + frac;
	*why = NULL;
	rc = TK_OK;
out:
	return rc;
}

/* format: minor units as [sign][prefix]major[.frac], grouped when group. */
static char *
format(int64_t minor, const struct money_currency *c, int with_symbol, int group, char *out,
       size_t size)
{
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t scale = (uint64_t)pow10i(c->exponent), major = v / scale;
	char digits[32], grouped[48];
	size_t n, i, j = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, major);
	for (i = 0; i < n; i++) {
		if (group && i > 0 && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, size, "%s%s%s%s%s%0*" PRIu64, minor < 0 ? "-" : "",
		 with_symbol ? (c->symbol ? c->symbol : c->code) : "",
		 with_symbol && c->symbol == NULL ? " " : "", grouped, c->exponent > 0 ? "." : "",
		 c->exponent, c->exponent > 0 ? v % scale : (uint64_t)0);
	if (c->exponent == 0) /* "%0*" with width 0 still prints one digit */
		snprintf(out, size, "%s%s%s%s", minor < 0 ? "-" : "",
			 with_symbol ? (c->symbol ? c->symbol : c->code) : "",
			 with_symbol && c->symbol == NULL ? " " : "", grouped);
	return out;
}

char *
money_format(int64_t minor, const struct money_currency *c, char *out, size_t size)
{
	return format(minor, c, 1, 1, out, size);
}

char *
money_format_plain(int64_t minor, const struct money_currency *c, char *out, size_t size)
{
	return format(minor, c, 0, 0, out, size);
}

const char *
money_field(struct arena *a, const char *raw, const char **out)
{
	const char *why;
	int64_t minor;

	if (money_parse(raw, money_currency(), &minor, &why) != TK_OK)
		return why;
	*out = arena_printf(a, "%" PRId64, minor);
	return NULL;
}

int64_t
money_earnings(int64_t amount, long fee_basis_points)
{
	return amount - amount * fee_basis_points / 10000;
}
