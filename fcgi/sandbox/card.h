/*
 * The sandbox's card checks and test cards: what the hosted page accepts
 * as a card number (Luhn), an expiry (MM/YY, not past) and a CVC, and what
 * each of the SPEC's test cards does. Pure code, unit-tested
 * (tests/unit/test_sandbox_card.c) and fuzzed with the card form.
 */
#ifndef TK_SANDBOX_CARD_H
#define TK_SANDBOX_CARD_H

struct arena;

/* What paying with a card number does (docs/PAYMENTS.md, the hosted page). */
enum card_outcome {
	CARD_AUTHORIZED,   /* 4242 4242 4242 4242 */
	CARD_DECLINED,     /* 4000 0000 0000 0002, and any unknown number */
	CARD_INSUFFICIENT, /* 4000 0000 0000 9995 */
	CARD_LATE,         /* 4000 0000 0000 0077: authorised, webhook late */
};

/* card_luhn: 1 when digits (only '0'-'9', at least 2) pass the Luhn check. */
int card_luhn(const char *digits);

/*
 * card_check_number (fields_check_fn): raw with spaces removed must be 12
 * to 19 digits passing the Luhn check; *out gets the digits alone (in a).
 * NULL when fine, else a fixed message.
 */
const char *card_check_number(struct arena *a, const char *raw, const char **out);

/*
 * card_expiry_ok: 1 when raw is "MM/YY" (two digits each, month 01-12)
 * and that month is year/month (e.g. 2026, 11) or later, else 0.
 */
int card_expiry_ok(const char *raw, int year, int month);

/* card_check_expiry (fields_check_fn): card_expiry_ok against the
 * current UTC month. */
const char *card_check_expiry(struct arena *a, const char *raw, const char **out);

/* card_check_cvc (fields_check_fn): 3 or 4 digits. */
const char *card_check_cvc(struct arena *a, const char *raw, const char **out);

/* card_outcome_of: what paying with the card digits does. */
enum card_outcome card_outcome_of(const char *digits);

/* card_failure_code: "card_declined", "insufficient_funds", or "" for an
 * authorised outcome. */
const char *card_failure_code(enum card_outcome o);

#endif
