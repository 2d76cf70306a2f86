/*
 * The sandbox's hosted payment page: GET /sandbox-pay/checkout/:id shows
 * the amount and the card form, POST the same path pays with a card. The
 * form is declared once below (card.h's checks); a form with mistakes
 * comes back with the values kept, the security code excepted, and a
 * message by each field (422). A valid card, whatever its outcome, sends
 * the browser back (303) to the session's return URL with session_id
 * added; the outcome itself travels in the signed webhook, as a real
 * processor's does.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "fields.h"
#include "money.h"
#include "page.h"
#include "req.h"
#include "sandbox.h"

static const struct field card_number = {
    .name = "card_number",
    .flags = FIELD_REQUIRED,
    .max_chars = 30,
    .check = card_check_number,
    .missing = "Enter the card number.",
    .too_long = "A card number has at most 19 digits.",
};

static const struct field card_expiry = {
    .name = "card_expiry",
    .flags = FIELD_REQUIRED,
    .max_chars = 5,
    .check = card_check_expiry,
    .missing = "Enter the expiry date.",
    .too_long = "Enter the expiry date as MM/YY, like 04/29.",
};

static const struct field card_cvc = {
    .name = "card_cvc",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .max_chars = 4,
    .check = card_check_cvc,
    .missing = "Enter the security code.",
    .too_long = "The security code has 3 or 4 digits.",
};

static const struct field card_name = {
    .name = "card_name",
    .flags = FIELD_REQUIRED,
    .max_chars = 100,
    .missing = "Enter the name on the card.",
    .too_long = "A name has at most {max} characters.",
};

static const struct field *const card_form[] = {&card_number, &card_expiry, &card_cvc, &card_name,
						NULL};

/* session_of: the session the route's :id names into *s. TK_ENOTFOUND
 * (404) for a malformed or unknown id. */
static int
session_of(struct request *r, struct sb_session *s)
{
	const char *id = params_get(&r->route, "id");

	if (id == NULL || !uuid_valid(id))
		return TK_ENOTFOUND;
	return store_session(&r->store, id, s);
}

/* show: the hosted page of session s with f's values and errors. */
static int
show(struct request *r, const struct sb_session *s, const struct fields *f, int status)
{
	const struct money_currency *c = money_currency_find(s->currency);
	char amount[MONEY_TEXT_MAX];
	tmpl_dict *d = page_begin(r, "pages/sandbox/checkout.tpl", "Sandbox payment");

	if (c != NULL)
		money_format(s->amount, c, amount, sizeof(amount));
	else
		snprintf(amount, sizeof(amount), "%lld %s", (long long)s->amount, s->currency);
	tmpl_set(d, "AMOUNT", amount);
	tmpl_set(d, "ORDER_ID", s->order_id);
	tmpl_set(d, "SESSION_ID", s->id);
	if (strcmp(s->state, "open") != 0) {
		tmpl_show(d, "PAID");
		status = status == 200 ? 200 : 409;
	} else {
		tmpl_show(d, "OPEN");
		fields_show(r, f);
	}
	page_end(r, status);
	return TK_OK;
}

/* GET /sandbox-pay/checkout/:id: the card form; 404 for an unknown
 * session; a paid one says so. */
int
h_checkout(struct request *r)
{
	struct sb_session s;
	struct fields f;
	int rc = session_of(r, &s);

	if (rc != TK_OK)
		return rc;
	fields_init(r->arena, card_form, &f);
	return show(r, &s, &f, 200);
}

/* last4: the last four digits of digits (at least 12 of them). */
static const char *
last4(struct request *r, const char *digits)
{
	return arena_strdup(r->arena, digits + strlen(digits) - 4);
}

/*
 * POST /sandbox-pay/checkout/:id (CSRF): pay with the posted card. 422
 * with the form for a bad value; 404 for an unknown session; 409 (the
 * page that says so) when it is paid already; else 303 to its return URL
 * with session_id, the charge and its webhook recorded.
 */
int
h_checkout_pay(struct request *r)
{
	struct sb_session s;
	struct fields f;
	enum card_outcome o;
	const char *url;
	int rc = session_of(r, &s);

	if (rc != TK_OK)
		return rc;
	fields_read(r->arena, card_form, &r->form, &f);
	if (f.nerrors > 0)
		return show(r, &s, &f, strcmp(s.state, "open") == 0 ? 422 : 409);
	o = card_outcome_of(f.values[0]);
	rc = store_pay(&r->store, s.id, o, last4(r, f.values[0]), f.values[3],
		       o == CARD_LATE ? config_int("sandbox_late_webhook_seconds") : 0, &s);
	if (rc == TK_ECONFLICT)
		return show(r, &s, &f, 409);
	if (rc != TK_OK)
		return rc;
	url = arena_printf(r->arena, "%s%csession_id=%s", s.return_url,
			   strchr(s.return_url, '?') != NULL ? '&' : '?', s.id);
	return resp_redirect(r, url);
}
