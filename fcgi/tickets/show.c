/*
 * The listing page (/tickets/:id), the seller's listings (/tickets/mine)
 * and the admin's hiding of a listing, whose form is on the listing page.
 * What the seller asked for (listings) and what is so (the orders
 * service's stock, replicated) are shown side by side: offered, then
 * available, reserved, sold and the earnings once the orders service has
 * published the listing's stock. A hidden listing is 404 for everyone but
 * its seller and the admins.
 */
#include <string.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "fields.h"
#include "listing.h"
#include "money.h"
#include "page.h"
#include "req.h"
#include "tickets.h"
#include "uuid.h"

/* The states as pages name them. */
static const char *
state_label(const char *state)
{
	if (strcmp(state, "active") == 0)
		return "On sale";
	if (strcmp(state, "withdrawn") == 0)
		return "Withdrawn";
	if (strcmp(state, "hidden") == 0)
		return "Hidden by an administrator";
	return "Cancelled with its event";
}

/* money: amount in the listing's currency as a page shows it. */
static const char *
money(struct request *r, const struct listing *l, int64_t amount)
{
	char text[MONEY_TEXT_MAX];

	return arena_strdup(
	    r->arena, money_format(amount, listing_currency(l->currency), text, sizeof(text)));
}

/* is_seller: the signed-in member sells l. */
static int
is_seller(const struct request *r, const struct listing *l)
{
	return r->session != NULL && strcmp(r->session->user_id, l->seller_id) == 0;
}

static int
is_admin(const struct request *r)
{
	return r->session != NULL && r->session->role == ROLE_ADMIN;
}

/* earnings: what the seller gets of sold_amount (minor units) after the
 * platform's fee of platform_fee_basis_points (lib/money.h). */
static int64_t
earnings(int64_t sold_amount)
{
	return money_earnings(sold_amount, config_int("platform_fee_basis_points"));
}

/* stock_fill: the seller's counts of l into d: offered, then available,
 * reserved, sold and earnings after the platform's fee (STOCK) or
 * STOCK_UNKNOWN, and HELD_REMOVED when units the seller removed are still
 * held by reservations. */
static void
stock_fill(struct request *r, tmpl_dict *d, const struct listing *l)
{
	tmpl_dict *s;

	tmpl_set_int(d, "OFFERED", l->quantity);
	if (!l->stock.known) {
		tmpl_show(d, "STOCK_UNKNOWN");
		return;
	}
	s = tmpl_section(d, "STOCK");
	tmpl_set_int(s, "AVAILABLE", l->stock.available);
	tmpl_set_int(s, "RESERVED", l->stock.reserved);
	tmpl_set_int(s, "SOLD", l->stock.sold);
	tmpl_set(s, "SOLD_AMOUNT", money(r, l, l->stock.sold_amount));
	tmpl_set(s, "EARNINGS", money(r, l, earnings(l->stock.sold_amount)));
	if (l->stock.quantity > l->stock.offered)
		tmpl_set_int(tmpl_section(d, "HELD_REMOVED"), "HELD",
			     l->stock.quantity - l->stock.offered);
}

/* listing_fill: what every page shows of listing l, into d. */
static void
listing_fill(struct request *r, tmpl_dict *d, const struct listing *l)
{
	tmpl_set(d, "ID", l->id);
	tmpl_set(d, "EVENT_ID", l->event_id);
	tmpl_set(d, "EVENT_NAME", l->event.name);
	tmpl_set(d, "STARTS", l->event.starts);
	tmpl_set(d, "STARTS_ISO", l->event.starts_iso);
	if (*l->event.venue != '\0') {
		tmpl_dict *v = tmpl_section(d, "HAS_VENUE");

		tmpl_set(v, "VENUE", l->event.venue);
		tmpl_set(v, "CITY", l->event.city);
		tmpl_set(v, "TIMEZONE", l->event.timezone);
	}
	tmpl_set(d, "SECTION", l->section);
	tmpl_set(d, "ROW", l->row);
	if (*l->seat != '\0')
		tmpl_set(tmpl_section(d, "HAS_SEAT"), "SEAT", l->seat);
	tmpl_set(d, "PRICE", money(r, l, l->price));
	tmpl_set(d, "CURRENCY", listing_currency(l->currency)->code);
	tmpl_set(d, "STATE", state_label(l->state));
	if (strcmp(l->state, "hidden") == 0)
		tmpl_set(tmpl_section(d, "HIDDEN"), "HIDDEN_REASON", l->hidden_reason);
}

/* for_sale: a buyer may try to reserve l now. */
static int
for_sale(const struct listing *l)
{
	return strcmp(l->state, "active") == 0 && strcmp(l->event.status, "scheduled") == 0 &&
	       l->event.future && (!l->stock.known || l->stock.available > 0);
}

/* show_listing: the listing page of l with status; hide holds the hide
 * form's values and errors (NULL: an empty form). */
static int
show_listing(struct request *r, const struct listing *l, const struct fields *hide, int status)
{
	tmpl_dict *d = page_begin(r, "pages/tickets/show.tpl", l->event.name), *b;
	struct fields empty;

	listing_fill(r, d, l);
	if (*l->note != '\0')
		page_paragraphs(r, tmpl_section(d, "HAS_NOTE"), l->note);
	if (strcmp(l->state, "withdrawn") == 0)
		tmpl_show(d, "WITHDRAWN");
	else if (strcmp(l->state, "cancelled") == 0 || strcmp(l->event.status, "cancelled") == 0)
		tmpl_show(d, "CANCELLED");
	else if (!l->event.future)
		tmpl_show(d, "STARTED");
	if (l->stock.known)
		tmpl_set_int(tmpl_section(d, "AVAILABLE"), "AVAILABLE", l->stock.available);
	else
		tmpl_set_int(tmpl_section(d, "OFFERED_ONLY"), "QUANTITY", l->quantity);
	if (for_sale(l) && !is_seller(r, l)) {
		if (r->session == NULL) {
			tmpl_show(d, "SIGN_IN_TO_BUY");
		} else {
			b = tmpl_section(d, "BUY");
			tmpl_set(b, "BUY_KEY", fields_fresh_key(r->arena));
			tmpl_set_int(b, "BUY_MIN", 1);
			tmpl_set_int(b, "BUY_MAX",
				     l->stock.known ? l->stock.available : l->quantity);
		}
	} else if (strcmp(l->state, "active") == 0 && l->stock.known && l->stock.available == 0) {
		tmpl_show(d, "SOLD_OUT");
	}
	if (is_seller(r, l)) {
		b = tmpl_section(d, "SELLER");
		stock_fill(r, b, l);
		if (strcmp(l->state, "active") == 0)
			tmpl_show(b, "CAN_CHANGE");
	}
	if (is_admin(r) && strcmp(l->state, "cancelled") != 0) {
		tmpl_show(d, "ADMIN");
		if (hide == NULL) {
			fields_init(r->arena, input_hide_form, &empty);
			hide = &empty;
		}
		fields_show(r, hide);
	}
	page_end(r, status);
	return TK_OK;
}

/* load: listing :id as the viewer may see it. TK_ENOTFOUND (404) for an
 * unknown id, and for a hidden listing unless the viewer is its seller or
 * an admin. */
static int
load(struct request *r, struct listing *l)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_listing(&r->store, id, 0, l);
	if (rc == TK_OK && strcmp(l->state, "hidden") == 0 && !is_seller(r, l) && !is_admin(r))
		rc = TK_ENOTFOUND;
	return rc;
}

/*
 * GET /tickets/:id: the listing: event, venue, seats, price with its
 * currency, available units, the note; a Buy form (POST /orders) for a
 * member other than the seller; the seller's counts, edit link and
 * withdraw form; an admin's hide form. 404 for an unknown id or a hidden
 * listing (except for its seller and admins).
 */
int
h_listing(struct request *r)
{
	struct listing l;
	int rc;

	rc = load(r, &l);
	if (rc != TK_OK)
		return rc;
	return show_listing(r, &l, NULL, 200);
}

/*
 * POST /tickets/:id/hide (admin, CSRF checked): hides the listing with
 * the reason typed (ticket.updated), which its seller sees, and answers
 * 303 to it. 422 with the listing page when the reason is missing or too
 * long; 404 unknown; 409 when its event cancelled it.
 */
int
h_listing_hide(struct request *r)
{
	struct listing l;
	struct fields f;
	int rc;

	rc = load(r, &l);
	if (rc != TK_OK)
		return rc;
	fields_read(r->arena, input_hide_form, &r->form, &f);
	if (f.nerrors > 0 && strcmp(l.state, "cancelled") != 0)
		return show_listing(r, &l, &f, 422);
	rc = store_listing_hide(&r->store, l.id, f.values[HIDE_REASON]);
	if (rc != TK_OK)
		return rc;
	page_flash(r, FLASH_LISTING_HIDDEN);
	resp_redirect(r, arena_printf(r->arena, "/tickets/%s", l.id));
	return TK_OK;
}

/*
 * GET /tickets/mine (member): every listing of the member, newest first
 * (at most LISTINGS_MINE_MAX), with what they offer and, from the orders
 * service, available / reserved / sold and the earnings after the
 * platform's fee, and the total earnings of the listings shown; units
 * removed by the seller but still held by reservations are named; a
 * hidden listing shows the admin's reason.
 */
int
h_listings_mine(struct request *r)
{
	struct listing *v;
	tmpl_dict *d, *list = NULL, *row;
	int64_t total = 0;
	size_t n, i;
	int rc;

	rc = store_listings_mine(&r->store, &v, &n);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/tickets/mine.tpl", "My listings");
	if (n > LISTINGS_MINE_MAX) {
		n = LISTINGS_MINE_MAX;
		tmpl_set_int(tmpl_section(d, "MORE"), "MAX", LISTINGS_MINE_MAX);
	}
	if (n == 0)
		tmpl_show(d, "NONE");
	for (i = 0; i < n; i++) {
		if (list == NULL)
			list = tmpl_section(d, "LISTINGS");
		row = tmpl_section(list, "LISTING");
		listing_fill(r, row, &v[i]);
		stock_fill(r, row, &v[i]);
		if (v[i].stock.known)
			total += earnings(v[i].stock.sold_amount);
	}
	if (list != NULL) {
		row = tmpl_section(list, "TOTAL");
		tmpl_set(row, "TOTAL_EARNINGS", money(r, v, total));
		if (config_int("platform_fee_basis_points") > 0)
			tmpl_set(tmpl_section(row, "FEE"), "FEE_PERCENT",
				 arena_printf(r->arena, "%ld.%02ld",
					      config_int("platform_fee_basis_points") / 100,
					      config_int("platform_fee_basis_points") % 100));
	}
	page_end(r, 200);
	return TK_OK;
}
