/*
 * The payment provider interface (docs/PAYMENTS.md, "The provider
 * interface"): what the payments service and the settlement worker ask of
 * a card processor, and the only way they reach one. A checkout session
 * sends the buyer to the provider's hosted page; capture, void and refund
 * move money, each under the caller's idempotency key, so a retry after
 * any failure sends the same key and gets the first answer; the outcome
 * of a card comes back as a signed webhook, which payprov_verify checks
 * (lib/paysig.h) and reads.
 *
 * One implementation ships: the sandbox provider (fcgi/sandbox), reached
 * over HTTP with libcurl (payprov_sandbox.c). A struct payprov holds one
 * libcurl handle: it serves one thread at a time (a request thread or a
 * worker keeps its own).
 *
 * Errors: TK_EINVAL the provider refused the input (or a webhook is
 * malformed); TK_EAUTH the API key was refused (or a webhook's signature
 * or time); TK_ENOTFOUND no such session or charge; TK_ECONFLICT the
 * charge's state does not allow it, or the key was used for something
 * else; TK_EIO the provider did not answer, or answered 5xx or something
 * unreadable: try again with the same key (a browser gets 503).
 */
#ifndef TK_PAYPROV_H
#define TK_PAYPROV_H
#include <stddef.h>
#include <stdint.h>

#include "paysig.h"
#include "uuid.h"

/* The longest hosted page URL, event type and failure code kept. */
#define PAYPROV_URL_MAX 512
#define PAYPROV_WORD_MAX 32

struct payprov;

struct payprov_conf {
	const char *provider; /* "sandbox" */
	const char *base_url; /* "http://127.0.0.1:8080": the API's prefix is the provider's */
	const unsigned char *api_key;        /* PAYPROV_API_KEY_LEN bytes */
	const unsigned char *webhook_secret; /* PAYSIG_KEY_LEN bytes */
};
#define PAYPROV_API_KEY_LEN 32

/* A checkout session: where to send the buyer. */
struct payprov_session {
	char id[UUID_STR_LEN + 1];
	char url[PAYPROV_URL_MAX + 1]; /* a path of the site, or an absolute URL */
};

/* A verified webhook. */
struct payprov_event {
	char id[UUID_STR_LEN + 1];               /* the event id: de-duplicate by it */
	char type[PAYPROV_WORD_MAX + 1];         /* "charge.authorized", "charge.failed" */
	char session_id[UUID_STR_LEN + 1];       /* the checkout session */
	char charge_id[UUID_STR_LEN + 1];        /* what capture/void/refund take */
	char order_id[UUID_STR_LEN + 1];         /* as given to payprov_checkout */
	char currency[4];                        /* ISO 4217 */
	char failure_code[PAYPROV_WORD_MAX + 1]; /* "", "card_declined", "insufficient_funds" */
	int64_t amount;                          /* minor units */
	int64_t created;                         /* Unix time of the event */
};

/*
 * payprov_open: a client of conf's provider into *out (OUT; the caller
 * closes it); conf's strings and keys are copied. TK_OK, or TK_ECONFIG
 * for an unknown provider or a missing base URL or key.
 */
int payprov_open(const struct payprov_conf *conf, struct payprov **out /* OUT */);

/* payprov_close: release p; NULL is fine. */
void payprov_close(struct payprov *p);

/*
 * payprov_checkout: create the checkout session of order_id for amount
 * (minor units) of currency, returning the buyer to return_url (a local
 * path), under idempotency key key ([A-Za-z0-9_-]{16,64}); the same key
 * with the same values answers the session it made. *s (OUT) is the
 * session. TK_OK or an error above (TK_ECONFLICT: key used with other
 * values).
 */
int payprov_checkout(struct payprov *p, const char *order_id, int64_t amount, const char *currency,
		     const char *return_url, const char *key, struct payprov_session *s /* OUT */);

/* payprov_capture: capture authorised charge charge_id in full, under key. */
int payprov_capture(struct payprov *p, const char *charge_id, const char *key);

/* payprov_void: release authorised charge charge_id, under key. */
int payprov_void(struct payprov *p, const char *charge_id, const char *key);

/*
 * payprov_refund: refund captured charge charge_id in full (amount must be
 * the charge's), under key; refund_id (OUT, UUID_STR_LEN + 1 bytes) gets
 * the refund's id.
 */
int payprov_refund(struct payprov *p, const char *charge_id, int64_t amount, const char *key,
		   char *refund_id /* OUT */);

/*
 * payprov_verify: check webhook header (the provider's signature header's
 * value) against the raw body[0..len) at time now (PAYSIG_TOLERANCE), then
 * read body strictly into *ev (OUT): a JSON object with id, type, created
 * and data (session_id, charge_id, order_id, amount, currency,
 * failure_code), ids UUIDs, type one of the two above. TK_OK; TK_EAUTH
 * for a bad signature or time (body not read); TK_EINVAL for a malformed
 * header or body.
 */
int payprov_verify(struct payprov *p, const char *header, const char *body, size_t len, int64_t now,
		   struct payprov_event *ev /* OUT */);

/* The name of the header the sandbox signs its webhooks in. */
#define PAYPROV_SANDBOX_SIGNATURE "Sandbox-Signature"

#endif
