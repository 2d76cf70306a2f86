/*
 * The payments service (docs/PAYMENTS.md): a buyer's checkout of an order
 * (POST /payments, GET /payments/return) and the provider's signed
 * webhooks (POST /payments/webhook). It owns the ticketing_payments
 * database (payments, webhook_events, the orders replica) and emits
 * payment.* through its outbox. Declarations shared by its files: data
 * access (store.c), the checkout pages (checkout.c) and the webhook
 * (webhook.c).
 */
#ifndef TK_PAYMENTS_H
#define TK_PAYMENTS_H
#include <stddef.h>
#include <stdint.h>

#include "payprov.h"
#include "store.h"

struct request;
struct session;

extern const char *const payments_stmts[];
extern const size_t payments_nstmts;

/* The app_service checks of the revocation replica (lib/revoke.h). */
int store_session_valid(struct store *st, const struct session *s);
int store_revocations_fresh(struct store *st, int *fresh);

/* How the start of a checkout ended (store_checkout_begin). */
enum checkout_outcome {
	CHECKOUT_GO,          /* an open attempt: id, and url once it has a session */
	CHECKOUT_UNKNOWN,     /* the replica has not seen the order yet */
	CHECKOUT_NOT_OWNED,   /* the order is someone else's */
	CHECKOUT_NOT_PAYABLE, /* no longer awaiting payment, or past its deadline */
	CHECKOUT_PAID,        /* an attempt of it is authorised or captured already */
};

struct checkout {
	enum checkout_outcome outcome;
	char id[UUID_STR_LEN + 1]; /* the attempt (CHECKOUT_GO) */
	const char *url;           /* its hosted page, "" before the provider answered */
	const char *session_id;    /* its provider session, "" likewise */
	int64_t amount;
	const char *currency;
};

/*
 * store_checkout_begin: in one transaction, lock order_id's replica row
 * for st->actor (the owner check is in the query), check it may be paid,
 * and find its open attempt or open one (provider given). *out says how
 * it ended. The provider is not called here: no transaction is held
 * across it. TK_OK or a database error.
 */
int store_checkout_begin(struct store *st, const char *order_id, const char *provider,
			 struct checkout *out /* OUT */);

/* store_checkout_session: record s as the session of attempt id (once:
 * a session recorded before is kept). TK_OK or a database error. */
int store_checkout_session(struct store *st, const char *id, const struct payprov_session *s);

/* The outcome a return page shows. */
struct attempt_view {
	const char *id, *order_id, *state, *failure_code, *url;
};

/* store_attempt_by_session: st->actor's attempt with provider session
 * session_id. TK_ENOTFOUND when none is theirs. */
int store_attempt_by_session(struct store *st, const char *session_id,
			     struct attempt_view *v /* OUT */);

/* How a webhook was applied (store_webhook). */
enum webhook_outcome {
	WEBHOOK_APPLIED,  /* its effect (if any) is committed with its record */
	WEBHOOK_REPLAYED, /* its event id was applied before: nothing changed */
	WEBHOOK_MISMATCH, /* amount or currency differ from the attempt's: nothing changed */
};

/*
 * store_webhook: apply verified event ev in one transaction with its
 * webhook_events record: charge.authorized makes the open attempt of its
 * session authorized with its charge and appends payment.authorized;
 * charge.failed records the failure code on the open attempt. *out says
 * how it ended. TK_OK or a database error (nothing changed then).
 */
int store_webhook(struct store *st, const struct payprov_event *ev,
		  enum webhook_outcome *out /* OUT */);

/* Handlers (checkout.c, webhook.c). */
int h_pay(struct request *r);
int h_return(struct request *r);
int h_webhook(struct request *r);

#endif
