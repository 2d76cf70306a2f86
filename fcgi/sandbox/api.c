/*
 * The sandbox's server-to-server API (docs/PAYMENTS.md): create a checkout
 * session; capture, void and refund a charge. Machine endpoints: each
 * request carries "Authorization: Bearer <hex API key>", compared in
 * constant time with the key of sandbox_api_key_file; a missing or wrong
 * key answers 401 and touches nothing. Requests are form-encoded; answers
 * are text/plain, "key=value" lines in a fixed order, or one
 * "error=<code>" line with the status.
 */
#include <string.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "arena.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "money.h"
#include "req.h"
#include "sandbox.h"
#include "valid.h"

#define API_KEY_LEN 32
/* The largest amount a session takes, in minor units. */
#define AMOUNT_MAX 1000000000L

static unsigned char api_key[API_KEY_LEN];

int
api_init(void)
{
	int rc = config_read_hex_file(config_str("sandbox_api_key_file"), api_key, API_KEY_LEN);

	if (rc != TK_OK)
		log_error("sandbox: cannot read sandbox_api_key_file %s",
			  config_str("sandbox_api_key_file"));
	return rc;
}

/* answer: the API's answer (resp_text). */
static int
answer(struct request *r, int status, const char *text)
{
	resp_text(r, status, text);
	return TK_OK;
}

/* fail: the answer for an error code of the store. */
static int
fail(struct request *r, int rc)
{
	switch (rc) {
	case TK_ENOTFOUND:
		return answer(r, 404, "error=not_found\n");
	case TK_ECONFLICT:
		return answer(r, 409, "error=state\n");
	case TK_EINVAL:
		return answer(r, 400, "error=amount\n");
	case TK_EDBDOWN:
	case TK_ERETRY:
		return answer(r, 503, "error=unavailable\n");
	default:
		return answer(r, 500, "error=internal\n");
	}
}

/* authorized: 1 when the request carries the API key as its bearer. */
static int
authorized(struct request *r)
{
	const char *h = r->fcgx != NULL ? FCGX_GetParam("HTTP_AUTHORIZATION", r->fcgx->envp) : NULL;
	unsigned char got[API_KEY_LEN];
	size_t n = 0;
	int ok = 0;

	if (h == NULL || strncmp(h, "Bearer ", 7) != 0 || strlen(h + 7) != 2 * API_KEY_LEN)
		goto out;
	if (sodium_hex2bin(got, sizeof(got), h + 7, 2 * API_KEY_LEN, NULL, &n, NULL) != 0 ||
	    n != API_KEY_LEN)
		goto out;
	ok = sodium_memcmp(got, api_key, API_KEY_LEN) == 0;
out:
	sodium_memzero(got, sizeof(got));
	return ok;
}

/* key_ok: 1 when key is [A-Za-z0-9_-]{16,SANDBOX_KEY_MAX}. */
static int
key_ok(const char *key)
{
	size_t n = key != NULL ? strlen(key) : 0;

	return n >= 16 && n <= SANDBOX_KEY_MAX &&
	       strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/*
 * POST /sandbox-pay/api/sessions (machine): create a checkout session, or
 * find the one idempotency_key created. 401 without the API key; 400
 * "error=invalid_<field>" for a bad field; 409
 * "error=idempotency_key_reused" when the key created a session with other
 * values; 200 with session_id, url and state.
 */
int
h_api_session(struct request *r)
{
	struct sb_session_input in = {0};
	struct sb_session s;
	const char *amount = req_param(r, "amount");
	long minor = 0;
	int rc;

	if (!authorized(r))
		return answer(r, 401, "error=unauthorized\n");
	in.key = req_param(r, "idempotency_key");
	in.order_id = req_param(r, "order_id");
	in.currency = req_param(r, "currency");
	in.return_url = req_param(r, "return_url");
	if (!key_ok(in.key))
		return answer(r, 400, "error=invalid_idempotency_key\n");
	if (in.order_id == NULL || !uuid_valid(in.order_id))
		return answer(r, 400, "error=invalid_order_id\n");
	if (amount == NULL || valid_whole_number(amount, 1, AMOUNT_MAX, &minor) != TK_OK)
		return answer(r, 400, "error=invalid_amount\n");
	in.amount = minor;
	if (in.currency == NULL || money_currency_find(in.currency) == NULL)
		return answer(r, 400, "error=invalid_currency\n");
	if (in.return_url == NULL || !req_local_path(in.return_url) || strlen(in.return_url) > 400)
		return answer(r, 400, "error=invalid_return_url\n");
	rc = store_session_create(&r->store, &in, &s);
	if (rc == TK_ECONFLICT)
		return answer(r, 409, "error=idempotency_key_reused\n");
	if (rc != TK_OK)
		return fail(r, rc);
	return answer(r, 200,
		      arena_printf(r->arena,
				   "session_id=%s\nurl=/sandbox-pay/checkout/%s\nstate=%s\n", s.id,
				   s.id, s.state));
}

/* charge_op: the common part of capture, void and refund: 401, 404 for a
 * malformed or unknown charge, 400 "error=invalid_idempotency_key", 409
 * "error=state", else 200 with charge_id, refund_id (refunds) and state. */
static int
charge_op(struct request *r, enum sb_op op)
{
	static const char *const states[] = {"captured", "voided", "refunded"};
	const char *id = params_get(&r->route, "id"), *key = req_param(r, "idempotency_key");
	const char *amount = req_param(r, "amount");
	char result[UUID_STR_LEN + 1];
	long minor = 0;
	int rc;

	if (!authorized(r))
		return answer(r, 401, "error=unauthorized\n");
	if (id == NULL || !uuid_valid(id))
		return answer(r, 404, "error=not_found\n");
	if (!key_ok(key))
		return answer(r, 400, "error=invalid_idempotency_key\n");
	if (op == SB_REFUND &&
	    (amount == NULL || valid_whole_number(amount, 1, AMOUNT_MAX, &minor) != TK_OK))
		return answer(r, 400, "error=invalid_amount\n");
	rc = store_charge_op(&r->store, op, id, key, minor, result);
	if (rc != TK_OK)
		return fail(r, rc);
	return answer(r, 200,
		      op == SB_REFUND
			  ? arena_printf(r->arena, "charge_id=%s\nrefund_id=%s\nstate=%s\n", id,
					 result, states[op])
			  : arena_printf(r->arena, "charge_id=%s\nstate=%s\n", id, states[op]));
}

/* POST /sandbox-pay/api/charges/:id/capture (machine): capture an
 * authorised charge (charge_op's answers). */
int
h_api_capture(struct request *r)
{
	return charge_op(r, SB_CAPTURE);
}

/* POST /sandbox-pay/api/charges/:id/void (machine): void an authorised
 * charge (charge_op's answers). */
int
h_api_void(struct request *r)
{
	return charge_op(r, SB_VOID);
}

/* POST /sandbox-pay/api/charges/:id/refund (machine): refund a captured
 * charge in full, amount = the charge's (else 400 "error=amount"). */
int
h_api_refund(struct request *r)
{
	return charge_op(r, SB_REFUND);
}
