/*
 * Money: amounts in the deployment's one currency (the `currency` setting,
 * an ISO 4217 code, default EUR), stored as whole minor units (cents for
 * EUR, yen for JPY, fils for BHD) and never as floating point. Parsing
 * reads what a person types into a price field; formatting writes what a
 * page shows ("€1,250.00", "¥3,000", "BHD 12.500") and what an edit form
 * puts back into its field ("1250.00"). Pure functions of their input,
 * apart from the process-wide currency chosen once at start-up.
 */
#ifndef TK_MONEY_H
#define TK_MONEY_H
#include <stddef.h>
#include <stdint.h>

struct arena;

/* One currency: its ISO 4217 code, the symbol pages put before an amount
 * (NULL: the code and a space), and its minor-unit exponent (EUR 2, JPY 0,
 * BHD 3). */
struct money_currency {
	const char *code;
	const char *symbol;
	int exponent;
};

/* The largest amount a price may have, in major units of any currency:
 * more is a typing mistake, not a ticket. */
#define MONEY_MAX_MAJOR 100000

/* Room for any formatted amount of this file, NUL included. */
#define MONEY_TEXT_MAX 40

/* money_currency_find: the currency with ISO code code (upper case), or
 * NULL when the table does not know it. */
const struct money_currency *money_currency_find(const char *code);

/*
 * money_configure: make code the process's currency (money_currency).
 * TK_OK, or TK_ECONFIG (logged) when code is unknown. Call once at start-up,
 * before threads start; until then the currency is EUR.
 */
int money_configure(const char *code);

/* money_currency: the process's currency (never NULL). */
const struct money_currency *money_currency(void);

/*
 * money_parse: text as a price in currency c, into *minor: digits, then
 * optionally one decimal separator ('.' or ',') and 1..c->exponent digits
 * (none for an exponent of 0); spaces around are ignored. The value must
 * be above zero and at most MONEY_MAX_MAJOR major units. Returns TK_OK, or
 * TK_EINVAL with *why set to a sentence for the form ("Enter the price as
 * a number, like 25.50.", ...) and *minor = 0.
 */
int money_parse(const char *text, const struct money_currency *c, int64_t *minor /* OUT */,
		const char **why /* OUT */);

/*
 * money_format: minor units of c as a page shows them: symbol or code,
 * thousands grouped with ',', the decimal part with c->exponent digits
 * ("€1,250.00", "-€3.50", "¥3,000", "BHD 12.500"), into out (size bytes,
 * MONEY_TEXT_MAX is always enough). Returns out.
 */
char *money_format(int64_t minor, const struct money_currency *c, char *out, size_t size);

/* money_format_plain: the same without symbol and grouping ("1250.00"),
 * the value an edit form puts back into its price field. Returns out. */
char *money_format_plain(int64_t minor, const struct money_currency *c, char *out, size_t size);

/*
 * money_field: the fields_check_fn (lib/fields.h) of a price field in the
 * process's currency: NULL when raw is a valid price, with its minor units
 * as decimal text in *out (allocated in a), else money_parse's sentence.
 */
const char *money_field(struct arena *a, const char *raw, const char **out);

/*
 * money_earnings: what a seller gets of amount (minor units) after the
 * platform's fee of fee_basis_points (1/100 of a percent, 0..10000),
 * rounded down to the minor unit, so the seller is never paid more than
 * sold (docs/DECISIONS.md, "The platform's fee"). The fee is amount minus
 * this. The one computation of /tickets/mine and the sale mail.
 */
int64_t money_earnings(int64_t amount, long fee_basis_points);

#endif
