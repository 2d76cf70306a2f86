/*
 * The sandbox payment provider (docs/PAYMENTS.md): a stand-in for an
 * outside processor, with its hosted card page (checkout.c), its
 * server-to-server API (api.c), its data (store.c) and its webhook
 * delivery thread (deliver.c). Shared declarations of those files.
 */
#ifndef TK_SANDBOX_H
#define TK_SANDBOX_H
#include <stddef.h>
#include <stdint.h>

#include "card.h"
#include "uuid.h"

struct db;
struct db_rows;
struct request;
struct store;

/* The longest idempotency key the API takes (the column's width). */
#define SANDBOX_KEY_MAX 64

/* A checkout session, its strings in the store's arena. */
struct sb_session {
	const char *id, *order_id, *currency, *return_url, *state;
	int64_t amount;
};

/* What the API asks to create. */
struct sb_session_input {
	const char *key, *order_id, *currency, *return_url;
	int64_t amount;
};

/* What the API asks of a charge. */
enum sb_op {
	SB_CAPTURE,
	SB_VOID,
	SB_REFUND,
};

/* store.c */
extern const char *const sandbox_stmts[];
extern const size_t sandbox_nstmts;

/*
 * store_session_create: create the session of in, or, when in->key was
 * used before with the same order, amount, currency and return URL, find
 * the one it created; *s (OUT) is the session. TK_OK; TK_ECONFLICT when
 * the key was used with other values; else a database error.
 */
int store_session_create(struct store *st, const struct sb_session_input *in,
			 struct sb_session *s /* OUT */);

/* store_session: session id into *s (OUT). TK_OK, TK_ENOTFOUND or a
 * database error. */
int store_session(struct store *st, const char *id, struct sb_session *s /* OUT */);

/*
 * store_pay: in one transaction, record the charge of card outcome o
 * (last4, name) on open session id, close the session when the charge is
 * authorised, and put its webhook (charge.authorized or charge.failed)
 * into the outbox, due after delay_s seconds. *s (OUT) is the session.
 * TK_OK; TK_ENOTFOUND; TK_ECONFLICT when the session is complete already;
 * else a database error.
 */
int store_pay(struct store *st, const char *id, enum card_outcome o, const char *last4,
	      const char *name, long delay_s, struct sb_session *s /* OUT */);

/*
 * store_charge_op: op on charge charge_id under idempotency key key (a
 * refund of amount, which must be the charge's). A key seen before for
 * the same op and charge answers TK_OK again without a change. *result
 * (OUT, UUID_STR_LEN + 1 bytes) gets the refund's id, else "". TK_OK;
 * TK_ENOTFOUND; TK_ECONFLICT when the charge's state does not allow op or
 * key was used for another op or charge; TK_EINVAL for a refund of
 * another amount; else a database error.
 */
int store_charge_op(struct store *st, enum sb_op op, const char *charge_id, const char *key,
		    int64_t amount, char *result /* OUT */);

/* store_webhooks_due: at most max pending webhooks whose attempt is due,
 * oldest first: columns id, body. */
int store_webhooks_due(struct store *st, long max, struct db_rows *rows /* OUT */);

/* store_webhook_claim: open a transaction on st's connection and lock
 * webhook id while it is still due (FOR UPDATE SKIP LOCKED), so another
 * sandbox process skips it until the attempt is recorded: *claimed (OUT)
 * is 1 when this one holds it (store_webhook_attempt ends the
 * transaction), 0 when another holds it or it was delivered since (the
 * transaction is closed). TK_OK or a database error (closed too). */
int store_webhook_claim(struct store *st, const char *id, int *claimed /* OUT */);

/* store_webhook_attempt: record an attempt of claimed webhook id that got
 * HTTP status (0: no answer): delivered on a 2xx, else due again after
 * min(2^attempts, 300) seconds, attempts counting this one; and commit
 * the claim's transaction (rolled back on a failure: the webhook stays
 * due). */
int store_webhook_attempt(struct store *st, const char *id, long status);

/* checkout.c: the hosted page (GET and POST /sandbox-pay/checkout/:id). */
int h_checkout(struct request *r);
int h_checkout_pay(struct request *r);

/* api.c: the server-to-server API and the keys it checks. */
int api_init(void);
int h_api_session(struct request *r);
int h_api_capture(struct request *r);
int h_api_void(struct request *r);
int h_api_refund(struct request *r);

/* deliver.c: deliver_init reads the webhook secret (TK_OK or
 * TK_ECONFIG); deliver_run is the delivery loop (app_service.background). */
int deliver_init(void);
int deliver_run(struct db *db, int (*stopping)(void));

#endif
