/*
 * E-tickets at the door (/tickets/verify): an event's organizer, or an
 * admin, pastes or types a code (lib/eticket.h) and sees whether it lets
 * someone in: the signature with the platform's public key
 * (eticket_pub_file; the orders service holds the secret key), the order
 * as the tickets service's orders_replica knows it (complete; a refunded
 * order's codes are revoked), whose event it is, and whether the unit was
 * used. "Mark used" writes one eticket_uses row: its primary key lets a
 * unit in once, and a second scan says when it was used.
 */
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "eticket.h"
#include "log.h"
#include "page.h"
#include "req.h"
#include "sess.h"
#include "tickets.h"

static unsigned char eticket_pk[crypto_sign_PUBLICKEYBYTES];

int
verify_init(void)
{
	int rc =
	    config_read_hex_file(config_str("eticket_pub_file"), eticket_pk, sizeof(eticket_pk));

	if (rc != TK_OK)
		log_error("tickets: cannot read eticket_pub_file %s",
			  config_str("eticket_pub_file"));
	return rc;
}

/* What a check found. */
enum verdict {
	V_VALID,     /* 200: let in, with the Mark used form */
	V_USED,      /* 409: used before, at check.used_at */
	V_BAD_CODE,  /* 422: the code itself is refused (its reason) */
	V_UNKNOWN,   /* 404: no such order here */
	V_NOT_YOURS, /* 403: another organizer's event */
	V_REVOKED,   /* 409: the order was refunded */
	V_UNPAID,    /* 409: the order is not complete */
	V_NO_UNIT,   /* 422: a unit the order does not have */
};

static const int verdict_status[] = {
    [V_VALID] = 200,     [V_USED] = 409,    [V_BAD_CODE] = 422, [V_UNKNOWN] = 404,
    [V_NOT_YOURS] = 403, [V_REVOKED] = 409, [V_UNPAID] = 409,   [V_NO_UNIT] = 422,
};

/* The refusals' texts, fixed server text (page_field_error). */
static const char *const verdict_text[] = {
    [V_UNKNOWN] = "No order of this platform has this code. An order paid a moment ago may "
		  "take a few seconds to arrive here: try again shortly.",
    [V_NOT_YOURS] = "This ticket is for an event you do not organize.",
    [V_REVOKED] = "This ticket was revoked: its order was refunded.",
    [V_UNPAID] = "This ticket's order is not paid.",
    [V_NO_UNIT] = "The code names a ticket its order does not have.",
};

/* One check of a code: the form's code and what was found. */
struct check {
	const char *code; /* the code as sent ("" when none) */
	struct eticket t; /* what it says, once decoded */
	struct eticket_check c;
	const char *reason; /* V_BAD_CODE: why (fixed text) */
	enum verdict v;
};

/* check: decode the form's code and look its order up for the signed-in
 * member into *k. TK_OK, or a database error. */
static int
check(struct request *r, struct check *k)
{
	enum eticket_refusal bad;
	int rc;

	memset(k, 0, sizeof(*k));
	k->code = params_get(&r->form, "code");
	if (k->code == NULL)
		k->code = "";
	bad = eticket_decode(k->code, strlen(k->code), eticket_pk, &k->t);
	if (bad != ETICKET_OK) {
		k->reason = eticket_refusal_text(bad);
		k->v = V_BAD_CODE;
		return TK_OK;
	}
	rc = store_eticket_check(&r->store, k->t.order_id, k->t.unit, &k->c);
	if (rc == TK_ENOTFOUND ||
	    (rc == TK_OK && (strcmp(k->c.event_id, k->t.event_id) != 0 ||
			     strcmp(k->c.listing_id, k->t.listing_id) != 0))) {
		k->v = V_UNKNOWN;
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	if (r->session->role != ROLE_ADMIN && strcmp(k->c.organizer, r->session->user_id) != 0)
		k->v = V_NOT_YOURS;
	else if (strcmp(k->c.state, "refunded") == 0)
		k->v = V_REVOKED;
	else if (strcmp(k->c.state, "complete") != 0)
		k->v = V_UNPAID;
	else if (k->t.unit > k->c.quantity)
		k->v = V_NO_UNIT;
	else
		k->v = *k->c.used_at != '\0' ? V_USED : V_VALID;
	return TK_OK;
}

/* show: the verify page; with k, after a check, its code in the form and
 * its verdict (CHECKED with VALID or USED, or the refusal next to the
 * field). */
static int
show(struct request *r, const struct check *k)
{
	tmpl_dict *d = page_begin(r, "pages/tickets/verify.tpl", "Check e-tickets"), *s;
	struct listing l;
	int rc = TK_OK;

	tmpl_set(d, "CODE", k != NULL ? k->code : "");
	if (k == NULL)
		goto out;
	if (k->v != V_VALID && k->v != V_USED) {
		page_field_error(r, "CODE_ERROR", "code",
				 k->reason != NULL ? k->reason : verdict_text[k->v]);
		goto out;
	}
	rc = store_listing(&r->store, k->t.listing_id, 0, &l);
	if (rc != TK_OK)
		goto out;
	s = tmpl_section(d, "CHECKED");
	tmpl_show(s, k->v == V_VALID ? "VALID" : "USED");
	tmpl_set(s, "EVENT_NAME", l.event.name);
	tmpl_set(s, "STARTS", l.event.starts);
	tmpl_set(s, "VENUE", *l.event.venue ? l.event.venue : "(venue not known yet)");
	tmpl_set(s, "SECTION", *l.section ? l.section : "-");
	tmpl_set(s, "ROW", *l.row ? l.row : "-");
	tmpl_set(s, "SEAT", *l.seat ? l.seat : "-");
	tmpl_set(s, "HOLDER", *k->c.holder ? k->c.holder : "(name not known yet)");
	tmpl_set(s, "ORDER_ID", k->t.order_id);
	tmpl_set_int(s, "UNIT", k->t.unit);
	tmpl_set_int(s, "UNITS", k->c.quantity);
	tmpl_set(s, "USED_AT", k->c.used_at);
	tmpl_set(s, "CODE", k->code);
out:
	if (rc != TK_OK)
		return rc;
	page_end(r, k != NULL ? verdict_status[k->v] : 200);
	return TK_OK;
}

/* GET /tickets/verify (organizer or admin): the form to paste or type a
 * code into. */
int
h_verify_form(struct request *r)
{
	return show(r, NULL);
}

/*
 * POST /tickets/verify (organizer or admin, CSRF checked): checks the
 * code. 200 with the event, seat, holder, order and unit and the Mark
 * used form when it lets someone in; 409 "already used at" when it was
 * used; 422 a code that is not one (why: incomplete, altered, another
 * platform's) or names no unit of its order; 404 an order unknown here;
 * 403 another organizer's event; 409 a refunded (revoked) or unpaid order.
 */
int
h_verify(struct request *r)
{
	struct check k;
	int rc = check(r, &k);

	return rc != TK_OK ? rc : show(r, &k);
}

/*
 * POST /tickets/verify/use (organizer or admin, CSRF checked): marks the
 * unit of the code used, once, and answers 303 to the form with a flash.
 * Every refusal of POST /tickets/verify answers the same here; a unit
 * used meanwhile (the insert's primary key) answers 409 "already used at".
 */
int
h_verify_use(struct request *r)
{
	struct check k;
	int rc = check(r, &k);

	if (rc != TK_OK || k.v != V_VALID)
		return rc != TK_OK ? rc : show(r, &k);
	rc = store_eticket_use(&r->store, k.t.order_id, k.t.unit, r->session->role == ROLE_ADMIN);
	if (rc == TK_EEXIST || rc == TK_ECONFLICT) {
		/* Used, refunded or given to another organizer since the check:
		 * check again to say which. */
		rc = check(r, &k);
		if (rc == TK_OK && k.v == V_VALID)
			k.v = V_UNPAID;
		return rc != TK_OK ? rc : show(r, &k);
	}
	if (rc != TK_OK)
		return rc;
	page_flash(r, FLASH_ETICKET_USED);
	resp_redirect(r, "/tickets/verify");
	return TK_OK;
}
