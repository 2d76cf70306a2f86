/*
 * Reading a payment attempt and emitting its payment.* event (payment.h),
 * the same for the payments service and the settlement worker, so an
 * event's data is built in one place.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "outbox.h"
#include "payment.h"

int
payment_get(struct db *db, int base, struct arena *a, const char *id, struct payment *p)
{
	struct db_rows rows;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = db_exec(db, base + PAYMENT_ST_GET, (struct db_val[]){DB_S(id)}, 1, a, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows == 0) {
		rc = TK_ENOTFOUND;
		goto out;
	}
	p->id = db_str(&rows, 0, 0);
	p->order_id = db_str(&rows, 0, 1);
	p->buyer_id = db_str(&rows, 0, 2);
	p->amount = db_int(&rows, 0, 3);
	p->currency = db_str(&rows, 0, 4);
	p->provider = db_str(&rows, 0, 5);
	p->session_id = db_str(&rows, 0, 6);
	p->charge_id = db_str(&rows, 0, 7);
	p->state = db_str(&rows, 0, 8);
	p->failure_code = db_str(&rows, 0, 9);
	p->version = db_int(&rows, 0, 10);
out:
	return rc;
}

int
payment_emit(struct db *db, int base, struct arena *a, const char *type, const char *id)
{
	struct payment p;
	json_t *state = NULL;
	int rc;

	rc = payment_get(db, base, a, id, &p);
	if (rc != TK_OK)
		goto out;
	state =
	    json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", p.id,
		      "order_id", p.order_id, "buyer_id", p.buyer_id, "amount",
		      (json_int_t)p.amount, "currency", p.currency, "provider", p.provider,
		      "provider_session_id", p.session_id, "charge_id", p.charge_id, "state",
		      p.state, "failure_code", p.failure_code, "version", (json_int_t)p.version);
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = outbox_append(db, base + PAYMENT_ST_OUTBOX, type, "payment", p.id, p.version, state);
out:
	json_decref(state);
	return rc;
}
