/*
 * Fuzz target for the input checks of the tickets service
 * (fcgi/tickets/input.c). The input is "listing?BODY", "edit?BODY" or
 * "hide?BODY": BODY is an urlencoded body read against that real form
 * table through the shared form check of fuzz_form.c (what fields_read
 * promises; every message one of the forms' or money's fixed texts). An
 * accepted price must be what input_price reads as minor units above
 * zero, and an accepted quantity a number from 1 to 50. Any other prefix
 * is rejected without a check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "fields.h"
#include "fuzz.h"
#include "params.h"
#include "tickets.h"

static const char *const messages[] = {
    "Enter the section, as printed on the tickets.",
    "A section has at most 60 characters.",
    "Enter the row, as printed on the tickets.",
    "A row has at most 20 characters.",
    "Seats have at most 40 characters.",
    "Enter how many tickets you sell, from 1 to 50.",
    "Enter how many tickets you sell as a whole number from 1 to 50.",
    "Enter the price of one ticket, like 25.50.",
    "Enter the price as a number, like 25.50.",
    "Enter the price without a sign; it must be more than zero.",
    "Enter at most two digits after the decimal point.",
    "That price is too high for a ticket.",
    "The price must be more than zero.",
    "A note has at most 500 characters.",
    "Enter the reason the seller will see.",
    "A reason has at most 300 characters.",
    "This text cannot contain control characters.",
    "This form is incomplete. Check it and send it again.",
    NULL,
};

/* check_numbers: abort unless the price and quantity at i_price and
 * i_quantity of an accepted form f are in range. */
static void
check_numbers(const struct fields *f, int i_price, int i_quantity)
{
	int64_t minor;

	if (input_price(f->values[i_price], &minor) != TK_OK || minor <= 0)
		abort();
	if (f->numbers[i_quantity] < 1 || f->numbers[i_quantity] > 50)
		abort();
}

/* fuzz_accepts (fuzz.h): 1 when the form reads without error, 0
 * otherwise; aborts when a promise above breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	static const struct fuzz_form forms[] = {
	    {"listing?", input_listing_form},
	    {"edit?", input_edit_form},
	    {"hide?", input_hide_form},
	};
	struct arena *a = arena_new();
	struct params p;
	struct fields f;
	const char *body = (const char *)data;
	const struct fuzz_form *picked;
	size_t plen = 0;
	int accepted = 0;

	picked = fuzz_form_pick(forms, sizeof(forms) / sizeof(forms[0]), data, size, &plen);
	if (picked == NULL)
		goto out;
	accepted = fuzz_form_read(a, picked->form, messages, body + plen, size - plen, &p, &f);
	if (accepted && picked->form == input_listing_form)
		check_numbers(&f, LISTING_PRICE, LISTING_QUANTITY);
	if (accepted && picked->form == input_edit_form)
		check_numbers(&f, EDIT_PRICE, EDIT_QUANTITY);
out:
	arena_free(a);
	return accepted;
}
