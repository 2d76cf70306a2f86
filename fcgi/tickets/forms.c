/*
 * The seller's forms: list tickets for an event (/tickets/new?event_id=),
 * change price and quantity (/tickets/:id/edit) and withdraw
 * (/tickets/:id/withdraw). Prices are typed in the deployment's currency
 * and stored as minor units (lib/money.h). A form with mistakes comes
 * back with the values kept and a message by each field (422); an edit of
 * a version that changed meanwhile comes back with the newer version
 * (409). Only a scheduled event that has not started takes listings: any
 * other gets a page that says why.
 */
#include <limits.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "fields.h"
#include "idem.h"
#include "listing.h"
#include "money.h"
#include "page.h"
#include "req.h"
#include "tickets.h"
#include "uuid.h"
#include "valid.h"

/* event_fill: what the forms and pages show of event e, into d. */
static void
event_fill(tmpl_dict *d, const struct sale_event *e)
{
	tmpl_set(d, "EVENT_ID", e->id);
	tmpl_set(d, "EVENT_NAME", e->name);
	tmpl_set(d, "STARTS", e->starts);
	tmpl_set(d, "STARTS_ISO", e->starts_iso);
	if (*e->venue != '\0') {
		tmpl_dict *v = tmpl_section(d, "HAS_VENUE");

		tmpl_set(v, "VENUE", e->venue);
		tmpl_set(v, "CITY", e->city);
		tmpl_set(v, "TIMEZONE", e->timezone);
	}
}

/* refuse: the page that says why event id takes no listing: status 404
 * for an event the service does not know (e NULL), else 409 (cancelled,
 * or started). */
static int
refuse(struct request *r, const char *id, const struct sale_event *e)
{
	tmpl_dict *d = page_begin(r, "pages/tickets/refused.tpl", "Cannot sell tickets here");
	int status = 409;

	if (e == NULL) {
		status = 404;
		tmpl_show(d, "UNKNOWN");
		if (id != NULL && uuid_valid(id))
			tmpl_set(tmpl_section(d, "EVENT_LINK"), "EVENT_ID", id);
	} else {
		event_fill(d, e);
		tmpl_set(tmpl_section(d, "EVENT_LINK"), "EVENT_ID", e->id);
		tmpl_show(d, strcmp(e->status, "cancelled") == 0 ? "CANCELLED" : "STARTED");
	}
	page_end(r, status);
	return TK_OK;
}

/* sale_event: the event of the request's event_id into *e. *refused
 * (OUT) is 1 when it takes no listing and the page that says why has been
 * rendered (the handler then returns TK_OK). TK_OK or a database error. */
static int
sale_event(struct request *r, struct sale_event *e, int *refused)
{
	const char *id = req_param(r, "event_id");
	int rc = TK_OK;

	*refused = 1;
	if (id == NULL || !uuid_valid(id))
		return refuse(r, id, NULL);
	rc = store_sale_event(&r->store, id, e);
	if (rc == TK_ENOTFOUND)
		return refuse(r, id, NULL);
	if (rc == TK_OK && (strcmp(e->status, "scheduled") != 0 || !e->future))
		return refuse(r, id, e);
	*refused = 0;
	return rc;
}

/* seller_unverified: 1 when the signed-in member has no verified address
 * yet and the 403 page that says to verify it has been rendered; 0 when
 * they may list. TK_OK or a database error into *rc. Listing needs a
 * verified address (fewer fraudulent sellers); browsing and buying do
 * not. */
static int
seller_unverified(struct request *r, int *rc)
{
	int verified = 0;

	*rc = store_seller_verified(&r->store, r->session->user_id, &verified);
	if (*rc != TK_OK || verified)
		return *rc != TK_OK;
	page_begin(r, "pages/tickets/unverified.tpl", "Verify your address first");
	page_end(r, 403);
	return 1;
}

/* form_begin: the listing form page (new or edit) with its heading, the
 * URLs it posts to and goes back to, and its button; returns its
 * dictionary. */
static tmpl_dict *
form_begin(struct request *r, const char *heading, const char *action, const char *back,
	   const char *submit)
{
	tmpl_dict *d = page_begin(r, "pages/tickets/form.tpl", heading);

	tmpl_set(d, "HEADING", heading);
	tmpl_set(d, "ACTION", action);
	tmpl_set(d, "BACK_URL", back);
	tmpl_set(d, "SUBMIT", submit);
	tmpl_set(d, "CURRENCY", money_currency()->code);
	return d;
}

/* show_new: the listing form for event e with f's values and errors. */
static int
show_new(struct request *r, const struct sale_event *e, const struct fields *f, int status)
{
	tmpl_dict *d =
	    form_begin(r, "Sell tickets", arena_printf(r->arena, "/tickets/new?event_id=%s", e->id),
		       arena_printf(r->arena, "/events/%s", e->id), "List tickets");

	tmpl_show(d, "NEW_FIELDS");
	event_fill(d, e);
	fields_show(r, f);
	page_end(r, status);
	return TK_OK;
}

/* price_back: after fields_read, the valid price at index i of f (minor
 * units as text) as typed money again ("25.50"), so a form shown again
 * keeps the amount and not its minor units; *minor gets the value. */
static void
price_back(struct request *r, struct fields *f, int i, int64_t *minor)
{
	char text[MONEY_TEXT_MAX];

	*minor = 0;
	if (fields_has_error(f, "price") || input_price(f->values[i], minor) != TK_OK)
		return;
	f->values[i] = arena_strdup(
	    r->arena, money_format_plain(*minor, money_currency(), text, sizeof(text)));
}

/* GET /tickets/new?event_id=ID (member): the listing form; 403 with a
 * page saying to verify the address first for a member without a verified
 * address; for an unknown event 404, for a cancelled or started one 409,
 * each a page that says so. */
int
h_listing_new(struct request *r)
{
	struct sale_event e;
	struct fields f;
	int refused, rc;

	if (seller_unverified(r, &rc))
		return rc;
	rc = sale_event(r, &e, &refused);
	if (rc != TK_OK || refused)
		return rc;
	fields_init(r->arena, input_listing_form, &f);
	return show_new(r, &e, &f, 200);
}

/*
 * POST /tickets/new?event_id=ID (member, CSRF checked): with valid fields
 * lists the tickets (ticket.created in the same transaction) and answers
 * 303 to the listing; otherwise 422 with the form, values kept. 403 (the
 * verify-first page, nothing written) without a verified address. The same
 * form sent again answers 303 to the first submission's listing. An
 * event that is unknown (404), cancelled or started (409) gets its page.
 */
int
h_listing_create(struct request *r)
{
	struct sale_event e;
	struct fields f;
	struct listing_input in = {0};
	char id[IDEM_RESULT_MAX + 1];
	int refused, rc;

	if (seller_unverified(r, &rc))
		return rc;
	rc = sale_event(r, &e, &refused);
	if (rc != TK_OK || refused)
		return rc;
	fields_read(r->arena, input_listing_form, &r->form, &f);
	price_back(r, &f, LISTING_PRICE, &in.price);
	if (f.nerrors > 0)
		return show_new(r, &e, &f, 422);
	in.event_id = e.id;
	in.section = f.values[LISTING_SECTION];
	in.row = f.values[LISTING_ROW];
	in.seat = f.values[LISTING_SEAT];
	in.note = f.values[LISTING_NOTE];
	in.quantity = f.numbers[LISTING_QUANTITY];
	rc = store_listing_create(&r->store, &in, fields_key(&f), id);
	if (rc == TK_ECONFLICT) {
		/* Cancelled or started since the check: say so. */
		if (store_sale_event(&r->store, e.id, &e) == TK_OK)
			return refuse(r, e.id, &e);
	}
	if (rc != TK_OK)
		return rc;
	page_flash(r, FLASH_LISTING_CREATED);
	resp_redirect(r, arena_printf(r->arena, "/tickets/%s", id));
	return TK_OK;
}

/* load_own: the signed-in member's listing :id into *l. TK_ENOTFOUND
 * (404) for an unknown id or someone else's listing (the owner check is
 * in the SQL); TK_ECONFLICT (409) when it is no longer active. */
static int
load_own(struct request *r, struct listing *l)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_listing(&r->store, id, 1, l);
	if (rc == TK_OK && strcmp(l->state, "active") != 0)
		rc = TK_ECONFLICT;
	return rc;
}

/* show_edit: the edit form of l at version with f's values and errors. */
static int
show_edit(struct request *r, const struct listing *l, int64_t version, const struct fields *f,
	  int status)
{
	tmpl_dict *d =
	    form_begin(r, "Change listing", arena_printf(r->arena, "/tickets/%s/edit", l->id),
		       arena_printf(r->arena, "/tickets/%s", l->id), "Save changes");

	tmpl_set_int(tmpl_section(d, "VERSION_FIELD"), "VERSION", version);
	event_fill(d, &l->event);
	if (l->stock.known && l->stock.reserved + l->stock.sold > 0) {
		tmpl_dict *h = tmpl_section(d, "HELD");

		tmpl_set_int(h, "RESERVED", l->stock.reserved);
		tmpl_set_int(h, "SOLD", l->stock.sold);
	}
	fields_show(r, f);
	page_end(r, status);
	return TK_OK;
}

/* GET /tickets/:id/edit (the seller): the form with the listing's price
 * and quantity. 404 unknown or not theirs, 409 no longer active. */
int
h_listing_edit(struct request *r)
{
	char text[MONEY_TEXT_MAX];
	struct listing l;
	struct fields f;
	int rc;

	rc = load_own(r, &l);
	if (rc != TK_OK)
		return rc;
	fields_init(r->arena, input_edit_form, &f);
	f.values[EDIT_PRICE] =
	    arena_strdup(r->arena, money_format_plain(l.price, listing_currency(l.currency), text,
						      sizeof(text)));
	f.values[EDIT_QUANTITY] = arena_printf(r->arena, "%ld", l.quantity);
	return show_edit(r, &l, l.version, &f, 200);
}

/*
 * POST /tickets/:id/edit (the seller, CSRF checked): saves price and
 * quantity (ticket.updated) and answers 303 to the listing, with a flash
 * that says so when reserved and sold units exceed the new quantity (the
 * orders service removes free units only). 422 for invalid fields; 409
 * with the form and the newer version when the listing changed since, 409
 * when it is no longer active; 404 unknown or not theirs.
 */
int
h_listing_update(struct request *r)
{
	struct listing l;
	struct fields f;
	int64_t price;
	long version;
	int rc;

	rc = load_own(r, &l);
	if (rc != TK_OK)
		return rc;
	if (valid_whole_number(params_get(&r->form, "version"), 1, LONG_MAX, &version) != TK_OK)
		return TK_EINVAL;
	fields_read(r->arena, input_edit_form, &r->form, &f);
	price_back(r, &f, EDIT_PRICE, &price);
	if (f.nerrors > 0)
		return show_edit(r, &l, version, &f, 422);
	rc = store_listing_update(&r->store, l.id, version, price, f.numbers[EDIT_QUANTITY]);
	if (rc == TK_ECONFLICT) {
		rc = load_own(r, &l);
		if (rc == TK_OK) {
			fields_error(&f, "CONFLICT_ERROR", "price",
				     "This listing changed while you were editing it. "
				     "Check the values and save again to keep yours.");
			return show_edit(r, &l, l.version, &f, 409);
		}
	}
	if (rc != TK_OK)
		return rc;
	page_flash(r, l.stock.known && l.stock.reserved + l.stock.sold > f.numbers[EDIT_QUANTITY]
			  ? FLASH_LISTING_SAVED_HELD
			  : FLASH_LISTING_SAVED);
	resp_redirect(r, arena_printf(r->arena, "/tickets/%s", l.id));
	return TK_OK;
}

/*
 * POST /tickets/:id/withdraw (the seller, CSRF checked): withdraws the
 * listing (ticket.updated) and answers 303 to it; withdrawing twice is
 * harmless. 404 unknown or not theirs; 409 when hidden or cancelled.
 */
int
h_listing_withdraw(struct request *r)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_listing_withdraw(&r->store, id);
	if (rc != TK_OK)
		return rc;
	page_flash(r, FLASH_LISTING_WITHDRAWN);
	resp_redirect(r, arena_printf(r->arena, "/tickets/%s", id));
	return TK_OK;
}
