/*
 * The buyer's order pages: one order (GET /orders/:id), the list (GET
 * /orders), the cancel (POST /orders/:id/cancel) and the admin's refund
 * (POST /orders/:id/refund). Someone else's order is not found, except
 * for an admin: the owner check is in the queries (store.c). Each payment
 * state is said in words (docs/PAYMENTS.md). Times are UTC; the time left
 * is counted by MariaDB when the page is made (no JavaScript).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "money.h"
#include "orders.h"
#include "page.h"
#include "req.h"
#include "text.h"
#include "uuid.h"

/* item: where l's seats are (text_seat). In the arena. */
static const char *
item(struct request *r, const struct listing_view *l)
{
	return text_seat(r->arena, l->section, l->row, l->seat);
}

/* money: minor units in currency code (the deployment's when unknown) as
 * a page shows them. In the arena. */
static const char *
money(struct request *r, int64_t minor, const char *code)
{
	const struct money_currency *c = money_currency_find(code);
	char buf[MONEY_TEXT_MAX];

	return arena_strdup(r->arena,
			    money_format(minor, c ? c : money_currency(), buf, sizeof(buf)));
}

void
show_listing(struct request *r, tmpl_dict *d, const struct listing_view *l)
{
	tmpl_set(d, "ITEM", item(r, l));
	tmpl_set(d, "PRICE", money(r, l->price, money_currency()->code));
}

/* show_event: o's event in d as EVENT (its name, or a placeholder while
 * the replica lacks it) and, when known, WHEN (its start at the venue). */
static void
show_event(struct request *r, tmpl_dict *d, const struct order *o)
{
	tmpl_set(d, "EVENT", *o->event_name ? o->event_name : "An event not known here yet");
	if (*o->event_starts != '\0')
		tmpl_set(tmpl_section(d, "WHEN"), "STARTS",
			 arena_printf(r->arena, "%s (%s)", o->event_starts, o->event_tz));
}

/* state_text: what a person reads for the state of o. */
static const char *
state_text(const struct order *o)
{
	if (strcmp(o->state, "awaiting_payment") == 0)
		return "Reserved, awaiting payment";
	if (strcmp(o->state, "paying") == 0)
		return "Payment received, confirming with the card issuer";
	if (strcmp(o->state, "complete") == 0)
		return *o->refund_reason != '\0' ? "Paid, refund requested" : "Paid";
	if (strcmp(o->state, "refunded") == 0)
		return strcmp(o->refund_reason, "event_cancelled") == 0
			   ? "Refunded: the event was cancelled"
			   : "Refunded by the platform";
	if (strcmp(o->cancel_reason, "buyer") == 0)
		return "Cancelled by you";
	if (strcmp(o->cancel_reason, "expired") == 0 && *o->refused_payment_id != '\0')
		return "Cancelled: the payment arrived after the reservation expired and was "
		       "released, so you are not charged";
	if (strcmp(o->cancel_reason, "expired") == 0)
		return "Cancelled: not paid in time";
	if (strcmp(o->cancel_reason, "event_cancelled") == 0)
		return "Cancelled: the event was cancelled";
	if (strcmp(o->cancel_reason, "capture_failed") == 0)
		return "Cancelled: the card issuer did not confirm the payment, which was "
		       "released, so you are not charged";
	return "Cancelled";
}

/* time_left: "14 min 5 s", "40 s", "0 s" once past. In the arena. */
static const char *
time_left(struct request *r, long s)
{
	if (s < 0)
		s = 0;
	if (s >= 3600)
		return arena_printf(r->arena, "%ld h %ld min", s / 3600, s % 3600 / 60);
	if (s >= 60)
		return arena_printf(r->arena, "%ld min %ld s", s / 60, s % 60);
	return arena_printf(r->arena, "%ld s", s);
}

/*
 * GET /orders/:id (member; an admin sees any order): the order, its state
 * in words, tickets, prices; while it awaits payment its deadline, the
 * time left, the buyer's Pay form (POST /payments) and cancel form, and a
 * refresh that reloads the page once the deadline has passed
 * (docs/DECISIONS.md, "The order page reloads at its deadline"); while
 * paying a refresh every ORDERS_REFRESH_PAYING_S; once complete its
 * e-tickets and the admin's Refund form until a refund is requested; once
 * refunded that its e-tickets were revoked (etickets.c). 404 for an id
 * that is not a UUID, not an order, or someone else's.
 */
int
h_order(struct request *r)
{
	const char *id = params_get(&r->route, "id");
	struct order o;
	tmpl_dict *d, *a;
	char iso[24];
	int rc, buyer;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_order(&r->store, id, &o);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/orders/show.tpl", "Order");
	tmpl_set(d, "ID", o.id);
	tmpl_set(d, "STATE", state_text(&o));
	show_event(r, d, &o);
	tmpl_set(d, "ITEM", item(r, &o.l));
	tmpl_set_int(d, "QUANTITY", o.quantity);
	tmpl_set(d, "UNIT_PRICE", money(r, o.unit_price, o.currency));
	tmpl_set(d, "AMOUNT", money(r, o.amount, o.currency));
	tmpl_set(d, "CREATED", o.created);
	buyer = strcmp(o.buyer_id, r->session->user_id) == 0;
	if (strcmp(o.state, "paying") == 0) {
		tmpl_show(d, "PAYING");
		page_refresh(r, ORDERS_REFRESH_PAYING_S);
	}
	if (strcmp(o.state, "complete") == 0 && r->session->role == ROLE_ADMIN &&
	    *o.refund_reason == '\0')
		tmpl_show(d, "REFUND");
	if (strcmp(o.state, "awaiting_payment") == 0) {
		a = tmpl_section(d, "AWAITING");
		if (buyer)
			tmpl_show(a, "PAY");
		snprintf(iso, sizeof(iso), "%.10sT%.8sZ", o.expires, o.expires + 11);
		tmpl_set(a, "EXPIRES", o.expires);
		tmpl_set(a, "EXPIRES_ISO", iso);
		tmpl_set(a, "TIME_LEFT", time_left(r, o.seconds_left));
		/* seconds_left is rounded down: one more second is past the
		 * deadline. */
		page_refresh(r, o.seconds_left >= 0 ? o.seconds_left + 1 : ORDERS_REFRESH_PAST_S);
	}
	rc = etickets_show(r, d, &o, item(r, &o.l));
	if (rc != TK_OK)
		return rc;
	page_end(r, 200);
	return TK_OK;
}

/* GET /orders (member): the member's ORDERS_LISTED newest orders. */
int
h_orders(struct request *r)
{
	struct order *v;
	tmpl_dict *d, *h = NULL, *row;
	size_t n, i;
	int rc;

	rc = store_orders(&r->store, &v, &n);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/orders/list.tpl", "My orders");
	if (n == 0)
		tmpl_show(d, "NONE");
	else
		h = tmpl_section(d, "HAS_ORDERS");
	for (i = 0; i < n; i++) {
		row = tmpl_section(h, "ORDER");
		tmpl_set(row, "ID", v[i].id);
		tmpl_set(row, "CREATED", v[i].created);
		show_event(r, row, &v[i]);
		tmpl_set(row, "ITEM", item(r, &v[i].l));
		tmpl_set_int(row, "QUANTITY", v[i].quantity);
		tmpl_set(row, "AMOUNT", money(r, v[i].amount, v[i].currency));
		tmpl_set(row, "STATE", state_text(&v[i]));
	}
	if (n == ORDERS_LISTED)
		tmpl_set_int(tmpl_section(d, "MORE"), "LISTED", ORDERS_LISTED);
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /orders/:id/cancel (member, CSRF checked): cancels the order while
 * it awaits payment, releasing its tickets (order.cancelled with reason
 * buyer, stock.changed), and answers 303 to its page. 404 when it is not
 * the member's; 409 when it no longer awaits payment.
 */
int
h_order_cancel(struct request *r)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_cancel(&r->store, id);
	if (rc != TK_OK)
		return rc;
	page_flash(r, ORDERS_FLASH_CANCELLED);
	resp_redirect(r, arena_printf(r->arena, "/orders/%s", id));
	return TK_OK;
}

/*
 * POST /orders/:id/refund (admin, CSRF checked; the route's flag, and
 * store_refund checks the role again): asks for the full refund of a
 * complete order (order.refund_requested, reason admin; the settlement
 * worker refunds) and answers 303 to its page. A second request changes
 * nothing. 404 for no such order, 409 when it is not complete.
 */
int
h_order_refund(struct request *r)
{
	const char *id = params_get(&r->route, "id");
	int rc;

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	rc = store_refund(&r->store, id);
	if (rc != TK_OK)
		return rc;
	page_flash(r, ORDERS_FLASH_REFUND_REQUESTED);
	resp_redirect(r, arena_printf(r->arena, "/orders/%s", id));
	return TK_OK;
}
