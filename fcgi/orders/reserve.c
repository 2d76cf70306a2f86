/*
 * POST /orders: a member reserves units of a listing (MARKETPLACE.md rule
 * 1). The quantity is checked here (a whole number from 1 to
 * order_max_units); the decision about the units is store_reserve's one
 * transaction. Each refusal is a page that says what was wrong, with the
 * form again where sending it again can help.
 */
#include <errno.h>
#include <stdlib.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "orders.h"
#include "page.h"
#include "req.h"
#include "uuid.h"
#include "valid.h"

/* The fewest units an order takes (the most: order_max_units). */
#define MIN_UNITS 1

/* quantity_of: raw as a whole number of units 1..max into *q, else a
 * message for the form. */
static const char *
quantity_of(const char *raw, long max, long *q)
{
	char *end;
	long v;

	*q = 0;
	if (raw == NULL || *raw == '\0')
		return "Enter how many tickets you want.";
	errno = 0;
	v = strtol(raw, &end, 10);
	if (errno != 0 || *end != '\0' || end == raw || (*raw < '0' || *raw > '9'))
		return "Enter the number of tickets as a whole number, like 2.";
	if (v < MIN_UNITS)
		return "Reserve at least one ticket.";
	if (v > max)
		return NULL; /* the caller says how many at most */
	*q = v;
	return NULL;
}

/* refused: the refusal page with status, heading and message; with l the
 * listing, with form the form again (ticket id, the quantity typed, and
 * field_error beside it when not NULL). */
static int
refused(struct request *r, int status, const char *heading, const char *message,
	const struct listing_view *l, int form, const char *ticket, const char *quantity,
	const char *field_error)
{
	tmpl_dict *d, *f;

	d = page_begin(r, "pages/orders/refused.tpl", heading);
	tmpl_set(d, "HEADING", heading);
	tmpl_set(d, "MESSAGE", message);
	if (l != NULL)
		show_listing(r, tmpl_section(d, "LISTING"), l);
	if (form) {
		f = tmpl_section(d, "FORM");
		tmpl_set(f, "TICKET_ID", ticket);
		tmpl_set(f, "QUANTITY", quantity);
		tmpl_set_int(f, "MIN_UNITS", MIN_UNITS);
		tmpl_set_int(f, "MAX_UNITS", config_int("order_max_units"));
		if (field_error != NULL) {
			tmpl_set(tmpl_section(f, "QUANTITY_ERROR"), "MESSAGE", field_error);
			page_field_error(r, "QUANTITY_ERROR", "quantity", field_error);
		}
	}
	page_end(r, status);
	return TK_OK;
}

/*
 * POST /orders (member, CSRF checked): ticket_id and quantity. Reserves
 * and answers 303 to the new order's page. Refusals: 404 for a listing
 * that is unknown, withdrawn, hidden or cancelled; 403 for the buyer's
 * own listing; 422 for a quantity that is not a whole number from 1 to
 * order_max_units (the form kept); 409 when its event started or was
 * cancelled, and 409 with the units left (the form kept) when fewer are
 * free than asked for.
 */
int
h_reserve(struct request *r)
{
	const char *ticket = params_get(&r->form, "ticket_id");
	const char *raw = params_get(&r->form, "quantity");
	const char *key = params_get(&r->form, "idempotency_key"), *checked;
	long max = config_int("order_max_units"), q;
	struct reserve_out out;
	const char *why;
	int rc;

	if (ticket == NULL || !uuid_valid(ticket))
		return refused(r, 404, "Listing not found",
			       "These tickets are not on sale: the listing does not exist.", NULL,
			       0, "", "", NULL);
	if (raw == NULL)
		raw = "";
	why = quantity_of(raw, max, &q);
	if (why == NULL && q == 0)
		why = arena_printf(r->arena, "One order can take at most %ld tickets.", max);
	if (why != NULL)
		return refused(r, 422, "Check the number of tickets", why, NULL, 1, ticket, raw,
			       why);
	/* The Buy form's key (lib/idem.h): a form without one, or with a
	 * malformed one, reserves without the double-submit guard. */
	if (key != NULL && valid_key(r->arena, key, &checked) != NULL)
		key = NULL;
	rc = store_reserve(&r->store, ticket, q, config_int("reservation_seconds"), key, &out);
	if (rc != TK_OK)
		return rc;
	switch (out.outcome) {
	case RESERVED:
		page_flash(r, ORDERS_FLASH_RESERVED);
		resp_redirect(r, arena_printf(r->arena, "/orders/%s", out.id));
		return TK_OK;
	case REFUSED_NO_LISTING:
		return refused(r, 404, "Listing not on sale",
			       "These tickets are not on sale: the listing does not exist, or the "
			       "seller withdrew it.",
			       NULL, 0, "", "", NULL);
	case REFUSED_OWN:
		return refused(r, 403, "This is your own listing",
			       "You cannot buy tickets you are selling yourself.", &out.l, 0, "",
			       "", NULL);
	case REFUSED_EVENT:
		return refused(r, 409, "Tickets no longer on sale",
			       "The event has started or was cancelled: its tickets cannot be "
			       "reserved.",
			       &out.l, 0, "", "", NULL);
	case REFUSED_UNITS:
		break;
	}
	if (out.available <= 0)
		return refused(r, 409, "Sold out",
			       "Someone was quicker: no tickets of this listing are left.", &out.l,
			       0, "", "", NULL);
	return refused(r, 409, "Not enough tickets left",
		       arena_printf(r->arena, "Only %lld left: choose %lld or fewer.",
				    (long long)out.available, (long long)out.available),
		       &out.l, 1, ticket, raw, NULL);
}
