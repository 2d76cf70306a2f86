/*
 * Checks of what people type into the tickets service: the tables of the
 * listing, edit and hide forms (fields.h). Prices go through money_field
 * (lib/money.h), in the deployment's currency; the other values through
 * the shared rules of fields.c. Pure functions of their input (no
 * database), so the unit test covers them without a server. Messages are
 * fixed texts, never the input itself.
 */
#include <errno.h>
#include <stdlib.h>

#include "err.h"
#include "fields.h"
#include "money.h"
#include "tickets.h"

static const struct field listing_section = {
    .name = "section",
    .flags = FIELD_REQUIRED,
    .max_chars = 60,
    .missing = "Enter the section, as printed on the tickets.",
    .too_long = "A section has at most {max} characters.",
};

static const struct field listing_row = {
    .name = "row",
    .flags = FIELD_REQUIRED,
    .max_chars = 20,
    .missing = "Enter the row, as printed on the tickets.",
    .too_long = "A row has at most {max} characters.",
};

static const struct field listing_seat = {
    .name = "seat",
    .max_chars = 40,
    .too_long = "Seats have at most {max} characters.",
};

static const struct field listing_quantity = {
    .name = "quantity",
    .flags = FIELD_REQUIRED | FIELD_NUMBER,
    .min = 1,
    .max = 50,
    .missing = "Enter how many tickets you sell, from {min} to {max}.",
    .invalid = "Enter how many tickets you sell as a whole number from {min} to {max}.",
};

/* Longer text is no price: money_field says what is wrong. */
static const struct field listing_price = {
    .name = "price",
    .flags = FIELD_REQUIRED,
    .max_chars = 20,
    .check = money_field,
    .missing = "Enter the price of one ticket, like 25.50.",
    .too_long = "Enter the price as a number, like 25.50.",
};

static const struct field listing_note = {
    .name = "note",
    .flags = FIELD_MULTILINE,
    .max_chars = 500,
    .too_long = "A note has at most {max} characters.",
};

const struct field *const input_listing_form[] = {
    [LISTING_SECTION] = &listing_section,    [LISTING_ROW] = &listing_row,
    [LISTING_SEAT] = &listing_seat,          [LISTING_QUANTITY] = &listing_quantity,
    [LISTING_PRICE] = &listing_price,        [LISTING_NOTE] = &listing_note,
    [LISTING_KEY] = &fields_idempotency_key, NULL,
};

/* The seller's edit: price and quantity. */
const struct field *const input_edit_form[] = {
    [EDIT_PRICE] = &listing_price,
    [EDIT_QUANTITY] = &listing_quantity,
    NULL,
};

static const struct field hide_reason = {
    .name = "reason",
    .flags = FIELD_REQUIRED,
    .max_chars = 300,
    .missing = "Enter the reason the seller will see.",
    .too_long = "A reason has at most {max} characters.",
};

const struct field *const input_hide_form[] = {
    [HIDE_REASON] = &hide_reason,
    NULL,
};

int
input_price(const char *normalised, int64_t *minor)
{
	char *end = NULL;
	long long v;
	int rc = TK_EINVAL;

	*minor = 0;
	if (normalised == NULL || *normalised < '1' || *normalised > '9')
		goto out;
	errno = 0;
	v = strtoll(normalised, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		goto out;
	*minor = v;
	rc = TK_OK;
out:
	return rc;
}
