/*
 * Data access of the payments service: its statement table (the shared
 * payment statements included, payment.h) and the only code of the
 * program that runs them. A checkout's start and a webhook's effect are
 * each one transaction; no transaction is open while the provider is
 * called. Owner checks are in the WHERE clauses.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "payment.h"
#include "payments.h"
#include "revoke.h"
#include "sess.h"
#include "store.h"
#include "uuid.h"

enum stmt {
	ST_REVOKED,
	ST_REVOCATIONS_FRESH,
	ST_ORDER_LOCK,
	ST_ORDER_KNOWN,
	ST_ORDER_PAID,
	ST_OPEN,
	ST_INSERT,
	ST_SESSION_SET,
	ST_BY_SESSION,
	ST_WEBHOOK_RECORD,
	ST_SESSION_LOCK,
	ST_AUTHORIZE,
	ST_DECLINE,
	ST_PAYMENT,
	ST__MAX = ST_PAYMENT + PAYMENT_ST__MAX
};

const char *const payments_stmts[ST__MAX] = {
    [ST_REVOKED] = REVOKE_LOOKUP_SQL,
    [ST_REVOCATIONS_FRESH] = REVOKE_FRESH_SQL,
    /* The buyer's order, locked: parallel checkouts of one order take
     * turns here. Payable: awaiting payment and before its deadline. */
    [ST_ORDER_LOCK] = "SELECT amount, currency,"
		      " state = 'awaiting_payment' AND expires_at > UTC_TIMESTAMP(3)"
		      " FROM orders_replica WHERE id = ? AND buyer_id = ? FOR UPDATE",
    [ST_ORDER_KNOWN] = "SELECT 1 FROM orders_replica WHERE id = ?",
    [ST_ORDER_PAID] = "SELECT 1 FROM payments WHERE order_id = ?"
		      " AND state IN ('authorized', 'captured') LIMIT 1",
    [ST_OPEN] = "SELECT id, COALESCE(provider_session_id, ''), session_url, amount, currency"
		" FROM payments WHERE order_id = ? AND state = 'open'",
    [ST_INSERT] = "INSERT INTO payments (id, order_id, buyer_id, amount, currency, provider)"
		  " VALUES (?, ?, ?, ?, ?, ?)",
    [ST_SESSION_SET] = "UPDATE payments SET provider_session_id = ?, session_url = ?"
		       " WHERE id = ? AND provider_session_id IS NULL",
    [ST_BY_SESSION] = "SELECT id, order_id, state, failure_code, session_url FROM payments"
		      " WHERE provider_session_id = ? AND buyer_id = ?",
    [ST_WEBHOOK_RECORD] = "INSERT INTO webhook_events (event_id, type, payment_id)"
			  " VALUES (?, ?, ?)",
    [ST_SESSION_LOCK] = "SELECT id, state, amount, currency FROM payments"
			" WHERE provider_session_id = ? FOR UPDATE",
    [ST_AUTHORIZE] = "UPDATE payments SET state = 'authorized', charge_id = ?,"
		     " failure_code = '', version = version + 1 WHERE id = ? AND state = 'open'",
    /* A decline changes no state, so no version and no event. */
    [ST_DECLINE] = "UPDATE payments SET failure_code = ? WHERE id = ? AND state = 'open'",
    PAYMENT_STMTS(ST_PAYMENT),
};

const size_t payments_nstmts = ST__MAX;

int
store_session_valid(struct store *st, const struct session *s)
{
	return revoke_check(st, ST_REVOKED, s);
}

int
store_revocations_fresh(struct store *st, int *fresh)
{
	return revoke_fresh(st, ST_REVOCATIONS_FRESH, "payments", fresh);
}

/* open_attempt: order_id's open attempt into *out (CHECKOUT_GO), or 0 in
 * *found when it has none. */
static int
open_attempt(struct store *st, const char *order_id, struct checkout *out, int *found)
{
	struct db_rows rows;
	int rc;

	*found = 0;
	rc = db_exec(st->db, ST_OPEN, (struct db_val[]){DB_S(order_id)}, 1, st->arena, &rows);
	if (rc != TK_OK || rows.nrows == 0)
		return rc;
	*found = 1;
	out->outcome = CHECKOUT_GO;
	snprintf(out->id, sizeof(out->id), "%s", db_str(&rows, 0, 0));
	out->session_id = db_str(&rows, 0, 1);
	out->url = db_str(&rows, 0, 2);
	out->amount = db_int(&rows, 0, 3);
	out->currency = db_str(&rows, 0, 4);
	return TK_OK;
}

int
store_checkout_begin(struct store *st, const char *order_id, const char *provider,
		     struct checkout *out)
{
	const char *buyer = st->actor->user_id;
	struct db_rows rows;
	int rc, found;

	memset(out, 0, sizeof(*out));
	out->url = out->session_id = out->currency = "";
	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_ORDER_LOCK, (struct db_val[]){DB_S(order_id), DB_S(buyer)}, 2,
		     st->arena, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows == 0) {
		rc = db_exec(st->db, ST_ORDER_KNOWN, (struct db_val[]){DB_S(order_id)}, 1,
			     st->arena, &rows);
		if (rc == TK_OK)
			out->outcome = rows.nrows == 0 ? CHECKOUT_UNKNOWN : CHECKOUT_NOT_OWNED;
		goto out;
	}
	out->amount = db_int(&rows, 0, 0);
	out->currency = db_str(&rows, 0, 1);
	if (db_int(&rows, 0, 2) == 0) {
		out->outcome = CHECKOUT_NOT_PAYABLE;
		goto out;
	}
	/* The replica may not show the order paying yet: an authorised
	 * attempt says it is paid whatever the replica says. */
	rc = db_exec(st->db, ST_ORDER_PAID, (struct db_val[]){DB_S(order_id)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows > 0) {
		out->outcome = CHECKOUT_PAID;
		goto out;
	}
	rc = open_attempt(st, order_id, out, &found);
	if (rc != TK_OK || found)
		goto out;
	out->outcome = CHECKOUT_GO;
	uuid_v7(out->id);
	rc = db_exec(st->db, ST_INSERT,
		     (struct db_val[]){DB_S(out->id), DB_S(order_id), DB_S(buyer),
				       DB_I(out->amount), DB_S(out->currency), DB_S(provider)},
		     6, NULL, NULL);
out:
	return store_finish(st, rc);
}

int
store_checkout_session(struct store *st, const char *id, const struct payprov_session *s)
{
	return db_exec(st->db, ST_SESSION_SET,
		       (struct db_val[]){DB_S(s->id), DB_S(s->url), DB_S(id)}, 3, NULL, NULL);
}

int
store_attempt_by_session(struct store *st, const char *session_id, struct attempt_view *v)
{
	struct db_rows rows;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = db_exec(st->db, ST_BY_SESSION,
		     (struct db_val[]){DB_S(session_id), DB_S(st->actor->user_id)}, 2, st->arena,
		     &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	v->id = db_str(&rows, 0, 0);
	v->order_id = db_str(&rows, 0, 1);
	v->state = db_str(&rows, 0, 2);
	v->failure_code = db_str(&rows, 0, 3);
	v->url = db_str(&rows, 0, 4);
	return TK_OK;
}

/* apply_webhook: the effect of ev on the attempt of its session, which
 * the caller's transaction locks here. */
static int
apply_webhook(struct store *st, const struct payprov_event *ev, enum webhook_outcome *out)
{
	struct db_rows rows, res;
	const char *id = NULL;
	int rc;

	rc = db_exec(st->db, ST_SESSION_LOCK, (struct db_val[]){DB_S(ev->session_id)}, 1, st->arena,
		     &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows > 0) {
		id = db_str(&rows, 0, 0);
		if (db_int(&rows, 0, 2) != ev->amount ||
		    strcmp(db_str(&rows, 0, 3), ev->currency) != 0) {
			*out = WEBHOOK_MISMATCH;
			rc = TK_ECONFLICT;
			goto out;
		}
	}
	/* The record first: a second delivery of the event stops here. */
	rc = db_exec(st->db, ST_WEBHOOK_RECORD,
		     (struct db_val[]){DB_S(ev->id), DB_S(ev->type), id ? DB_S(id) : DB_NUL}, 3,
		     NULL, NULL);
	if (rc == TK_EEXIST) {
		*out = WEBHOOK_REPLAYED;
		goto out;
	}
	if (rc != TK_OK || id == NULL)
		goto out;
	if (strcmp(ev->type, "charge.authorized") == 0) {
		rc = db_exec(st->db, ST_AUTHORIZE, (struct db_val[]){DB_S(ev->charge_id), DB_S(id)},
			     2, NULL, &res);
		if (rc == TK_OK && res.affected == 1)
			rc = payment_emit(st->db, ST_PAYMENT, st->arena, "payment.authorized", id);
	} else {
		rc = db_exec(st->db, ST_DECLINE,
			     (struct db_val[]){DB_S(ev->failure_code), DB_S(id)}, 2, NULL, NULL);
	}
out:
	return rc;
}

int
store_webhook(struct store *st, const struct payprov_event *ev, enum webhook_outcome *out)
{
	int rc;

	*out = WEBHOOK_APPLIED;
	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = apply_webhook(st, ev, out);
	if (*out != WEBHOOK_APPLIED) {
		store_finish(st, TK_ECONFLICT);
		return TK_OK;
	}
	return store_finish(st, rc);
}
