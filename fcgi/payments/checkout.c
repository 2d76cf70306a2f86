/*
 * The buyer's side of a checkout: POST /payments starts (or resumes) the
 * checkout of an order and sends the browser to the provider's hosted
 * card page; GET /payments/return is where the provider sends it back,
 * and says how the payment stands. The decision about the order is
 * store_checkout_begin's one transaction; the provider is called after
 * it, outside any transaction, with the attempt's idempotency key, so
 * parallel or repeated submits all get the one session.
 */
#include <string.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "page.h"
#include "payments.h"
#include "provider.h"
#include "req.h"
#include "uuid.h"

/* Seconds between reloads of a return page still waiting for the
 * provider's webhook. */
#define RETURN_REFRESH_S 2
/* Where the provider sends the browser back (it appends session_id). */
#define RETURN_PATH "/payments/return"

/* Which parts of a notice page to show. */
enum { NOTICE_ORDER = 1, NOTICE_RETRY = 2, NOTICE_REFRESH = 4, NOTICE_GOOD = 8 };

/* notice: the notice page with status, heading and message; the parts in
 * show (NOTICE_*) for order_id (NOTICE_REFRESH: reload the page every
 * RETURN_REFRESH_S seconds; NOTICE_GOOD: good news, not an alert), and
 * with card_url the way back to the card page. */
static int
notice(struct request *r, int status, const char *heading, const char *message,
       const char *order_id, unsigned show, const char *card_url)
{
	tmpl_dict *d;

	d = page_begin(r, "pages/payments/notice.tpl", heading);
	tmpl_set(d, "HEADING", heading);
	tmpl_set(d, "MESSAGE", message);
	/* Good news (paid, or on its way) in the confirmation's colours, the
	 * rest as an alert. */
	tmpl_set(d, "KIND", show & NOTICE_GOOD ? "flash" : "alert");
	if (show & NOTICE_REFRESH)
		page_refresh(r, RETURN_REFRESH_S);
	if (card_url != NULL && *card_url != '\0')
		tmpl_set(tmpl_section(d, "CARD"), "URL", card_url);
	if (show & NOTICE_RETRY)
		tmpl_set(tmpl_section(d, "RETRY"), "ORDER_ID", order_id);
	if (show & NOTICE_ORDER)
		tmpl_set(tmpl_section(d, "ORDER"), "ORDER_ID", order_id);
	page_end(r, status);
	return TK_OK;
}

/*
 * POST /payments (member, CSRF checked): order_id. Answers 303 to the
 * provider's card page of the order's open checkout session, made now or
 * before. 404 for an order that is not a UUID or not the member's; 409
 * when it no longer awaits payment, its deadline passed, or it is paid
 * already; 503 with Retry-After and the form again when this service has
 * not heard of the order yet (the replica lags the orders service by a
 * moment) or the provider does not answer.
 */
int
h_pay(struct request *r)
{
	const char *order_id = params_get(&r->form, "order_id");
	char key[PROVIDER_KEY_MAX];
	struct payprov_session s;
	struct payprov *p;
	struct checkout c;
	int rc;

	if (order_id == NULL || !uuid_valid(order_id))
		return TK_ENOTFOUND;
	rc = store_checkout_begin(&r->store, order_id, config_str("payment_provider"), &c);
	if (rc != TK_OK)
		return rc;
	switch (c.outcome) {
	case CHECKOUT_GO:
		break;
	case CHECKOUT_NOT_OWNED:
		return TK_ENOTFOUND;
	case CHECKOUT_UNKNOWN:
		resp_header(r, "Retry-After", "2");
		return notice(r, 503, "Your order is on its way",
			      "Payment for this order is not open yet: it was placed a moment "
			      "ago. Try again in a few seconds.",
			      order_id, NOTICE_RETRY | NOTICE_ORDER, NULL);
	case CHECKOUT_NOT_PAYABLE:
		return notice(r, 409, "This order cannot be paid",
			      "The order no longer awaits payment, or its time to pay has run "
			      "out.",
			      order_id, NOTICE_ORDER, NULL);
	case CHECKOUT_PAID:
		return notice(r, 409, "Already paid",
			      "A payment for this order has gone through already: you will not "
			      "be charged again.",
			      order_id, NOTICE_ORDER, NULL);
	}
	if (*c.url == '\0') {
		provider_key(key, "co", c.id);
		rc = provider_get(&p);
		if (rc == TK_OK)
			rc = payprov_checkout(p, order_id, c.amount, c.currency, RETURN_PATH, key,
					      &s);
		if (rc != TK_OK) {
			log_warn("payments: checkout of order %s (payment %s): %s", order_id, c.id,
				 err_str(rc));
			resp_header(r, "Retry-After", "5");
			return notice(r, 503, "Payment is unavailable",
				      "The payment provider did not answer. Nothing was charged: "
				      "try again in a moment.",
				      order_id, NOTICE_RETRY | NOTICE_ORDER, NULL);
		}
		rc = store_checkout_session(&r->store, c.id, &s);
		if (rc != TK_OK)
			return rc;
		c.url = arena_strdup(r->arena, s.url);
	}
	if (resp_redirect(r, c.url) != TK_OK) {
		log_error("payments: the provider's page %s is not a path of this site", c.url);
		return TK_EINTERNAL;
	}
	return TK_OK;
}

/*
 * GET /payments/return (member): session_id. Says "Paid" once the
 * provider's authorisation arrived, "Card declined" with the way back to
 * the card page when the last card was declined, and otherwise "still
 * processing" with a reload every RETURN_REFRESH_S seconds. 404 for a
 * session that is not the member's.
 */
int
h_return(struct request *r)
{
	const char *sid = params_get(&r->query, "session_id");
	struct attempt_view v;
	int rc;

	if (sid == NULL || !uuid_valid(sid))
		return TK_ENOTFOUND;
	rc = store_attempt_by_session(&r->store, sid, &v);
	if (rc != TK_OK)
		return rc;
	if (strcmp(v.state, "authorized") == 0 || strcmp(v.state, "captured") == 0)
		return notice(r, 200, "Paid",
			      "Your payment went through. Your order is being confirmed.",
			      v.order_id, NOTICE_ORDER | NOTICE_GOOD, NULL);
	if (strcmp(v.state, "open") != 0)
		return notice(r, 200, "Payment cancelled",
			      "This payment did not complete and any hold on your card is "
			      "released; see your order for why.",
			      v.order_id, NOTICE_ORDER, NULL);
	if (*v.failure_code != '\0')
		return notice(r, 200, "Card declined",
			      strcmp(v.failure_code, "insufficient_funds") == 0
				  ? "Declined: insufficient funds. Try another card."
				  : "Declined: try another card.",
			      v.order_id, NOTICE_ORDER, v.url);
	return notice(r, 200, "Payment still processing",
		      "We are waiting for the payment provider's answer. This page reloads by "
		      "itself.",
		      v.order_id, NOTICE_ORDER | NOTICE_REFRESH | NOTICE_GOOD, NULL);
}
