/*
 * POST /payments/webhook: the provider's signed notice of a card's
 * outcome (docs/PAYMENTS.md, Webhooks). A machine endpoint: no session and
 * no CSRF token, since the provider's signature over the raw body
 * authenticates it instead. The signature is checked before a byte of the
 * body is read (payprov_verify, constant time, 5-minute window), and the
 * event is applied once, by its event id, in the transaction of its
 * effect (store_webhook). Answers are plain text for the provider's logs.
 */
#include <time.h>

#include <fcgiapp.h>

#include "err.h"
#include "log.h"
#include "payments.h"
#include "provider.h"
#include "req.h"

/* The signature header as a FastCGI parameter. */
#define SIGNATURE_PARAM "HTTP_SANDBOX_SIGNATURE"

/* answer: the webhook's answer (resp_text). */
static int
answer(struct request *r, int status, const char *text)
{
	resp_text(r, status, text);
	return TK_OK;
}

/*
 * POST /payments/webhook (machine): a JSON event signed in the
 * Sandbox-Signature header. 200 "ok" once applied, and for an event
 * applied before (nothing changes again); 400 for a missing, bad or stale
 * signature, an altered or malformed body, or amounts that are not the
 * attempt's (nothing changes; the provider sends it again); 503 when the
 * provider client or the database is unavailable (sent again too).
 */
int
h_webhook(struct request *r)
{
	const char *sig = r->fcgx != NULL ? FCGX_GetParam(SIGNATURE_PARAM, r->fcgx->envp) : NULL;
	struct payprov_event ev;
	enum webhook_outcome o;
	struct payprov *p;
	int rc;

	if (sig == NULL || r->raw_body == NULL)
		return answer(r, 400, "error=signature\n");
	rc = provider_get(&p);
	if (rc != TK_OK)
		return answer(r, 503, "error=unavailable\n");
	rc = payprov_verify(p, sig, r->raw_body, r->raw_len, (int64_t)time(NULL), &ev);
	if (rc != TK_OK) {
		log_warn("payments: webhook refused: %s", err_str(rc));
		return answer(r, 400, rc == TK_EAUTH ? "error=signature\n" : "error=malformed\n");
	}
	rc = store_webhook(&r->store, &ev, &o);
	if (rc != TK_OK) {
		log_warn("payments: webhook %s not applied: %s", ev.id, err_str(rc));
		return answer(r, 503, "error=unavailable\n");
	}
	if (o == WEBHOOK_MISMATCH) {
		log_error("payments: webhook %s: amount %lld %s is not its attempt's", ev.id,
			  (long long)ev.amount, ev.currency);
		return answer(r, 400, "error=amount\n");
	}
	return answer(r, 200, o == WEBHOOK_REPLAYED ? "ok replayed\n" : "ok\n");
}
