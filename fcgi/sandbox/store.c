/*
 * Data access of the sandbox provider: its statement table and the only
 * code that runs them. A card's charge, the session's closing and the
 * webhook that tells of them are written in one transaction, so a
 * webhook is never lost nor sent for a charge that was not recorded.
 * Charge operations lock the charge row and decide by its state; their
 * idempotency keys are the primary key of `operations`, claimed in the
 * same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "sandbox.h"
#include "store.h"

enum stmt {
	ST_SESSION_INSERT,
	ST_SESSION,
	ST_SESSION_BY_KEY,
	ST_SESSION_LOCK,
	ST_SESSION_CLOSE,
	ST_CHARGE_INSERT,
	ST_CHARGE_LOCK,
	ST_CHARGE_STATE,
	ST_OPERATION_INSERT,
	ST_OPERATION,
	ST_REFUND_INSERT,
	ST_WEBHOOK_INSERT,
	ST_WEBHOOKS_DUE,
	ST_WEBHOOK_CLAIM,
	ST_WEBHOOK_DELIVERED,
	ST_WEBHOOK_FAILED,
	ST__MAX
};

#define SESSION_COLUMNS "id, order_id, amount, currency, return_url, state"

const char *const sandbox_stmts[ST__MAX] = {
    [ST_SESSION_INSERT] = "INSERT INTO sessions (id, idem_key, order_id, amount, currency,"
			  " return_url) VALUES (?, ?, ?, ?, ?, ?)",
    [ST_SESSION] = "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ?",
    [ST_SESSION_BY_KEY] = "SELECT " SESSION_COLUMNS " FROM sessions WHERE idem_key = ?",
    [ST_SESSION_LOCK] = "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ? FOR UPDATE",
    [ST_SESSION_CLOSE] = "UPDATE sessions SET state = 'complete' WHERE id = ? AND state = 'open'",
    [ST_CHARGE_INSERT] = "INSERT INTO charges (id, session_id, amount, currency, card_last4,"
			 " card_name, state, failure_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_CHARGE_LOCK] = "SELECT state, amount FROM charges WHERE id = ? FOR UPDATE",
    [ST_CHARGE_STATE] = "UPDATE charges SET state = ? WHERE id = ?",
    [ST_OPERATION_INSERT] = "INSERT INTO operations (idem_key, kind, charge_id, result_id)"
			    " VALUES (?, ?, ?, ?)",
    [ST_OPERATION] = "SELECT kind, charge_id, result_id FROM operations WHERE idem_key = ?",
    [ST_REFUND_INSERT] = "INSERT INTO refunds (id, charge_id, amount) VALUES (?, ?, ?)",
    [ST_WEBHOOK_INSERT] = "INSERT INTO webhooks (id, body, next_attempt_at)"
			  " VALUES (?, ?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND)",
    [ST_WEBHOOKS_DUE] = "SELECT id, body FROM webhooks WHERE delivered_at IS NULL"
			" AND next_attempt_at <= UTC_TIMESTAMP(3) ORDER BY next_attempt_at LIMIT ?",
    /* By primary key: only the row is locked, never a gap. */
    [ST_WEBHOOK_CLAIM] = "SELECT id FROM webhooks WHERE id = ? AND delivered_at IS NULL"
			 " AND next_attempt_at <= UTC_TIMESTAMP(3) FOR UPDATE SKIP LOCKED",
    [ST_WEBHOOK_DELIVERED] = "UPDATE webhooks SET attempts = attempts + 1, last_status = ?,"
			     " delivered_at = UTC_TIMESTAMP(3) WHERE id = ?",
    [ST_WEBHOOK_FAILED] =
	"UPDATE webhooks SET attempts = attempts + 1, last_status = ?,"
	" next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL LEAST(POW(2, attempts), 300) SECOND"
	" WHERE id = ?",
};

const size_t sandbox_nstmts = ST__MAX;

/* The kinds of operations, as the column spells them (enum sb_op order). */
static const char *const op_names[] = {"capture", "void", "refund"};

/* session_row: row 0 of a SESSION_COLUMNS result into *s. */
static void
session_row(const struct db_rows *rows, struct sb_session *s)
{
	s->id = db_str(rows, 0, 0);
	s->order_id = db_str(rows, 0, 1);
	s->amount = db_int(rows, 0, 2);
	s->currency = db_str(rows, 0, 3);
	s->return_url = db_str(rows, 0, 4);
	s->state = db_str(rows, 0, 5);
}

/* session_by: the session statement stmt finds for key into *s. */
static int
session_by(struct store *st, int stmt, const char *key, struct sb_session *s)
{
	struct db_rows rows;
	int rc = db_exec(st->db, stmt, (struct db_val[]){DB_S(key)}, 1, st->arena, &rows);

	if (rc == TK_OK && rows.nrows == 0)
		rc = TK_ENOTFOUND;
	if (rc == TK_OK)
		session_row(&rows, s);
	return rc;
}

int
store_session_create(struct store *st, const struct sb_session_input *in, struct sb_session *s)
{
	char id[UUID_STR_LEN + 1];
	int rc;

	uuid_v7(id);
	rc = db_exec(st->db, ST_SESSION_INSERT,
		     (struct db_val[]){DB_S(id), DB_S(in->key), DB_S(in->order_id),
				       DB_I(in->amount), DB_S(in->currency), DB_S(in->return_url)},
		     6, NULL, NULL);
	if (rc == TK_OK || rc == TK_EEXIST)
		rc = session_by(st, ST_SESSION_BY_KEY, in->key, s) == TK_OK ? rc : TK_EDB;
	if (rc == TK_EEXIST)
		rc = strcmp(s->order_id, in->order_id) == 0 && s->amount == in->amount &&
			     strcmp(s->currency, in->currency) == 0 &&
			     strcmp(s->return_url, in->return_url) == 0
			 ? TK_OK
			 : TK_ECONFLICT;
	return rc;
}

int
store_session(struct store *st, const char *id, struct sb_session *s)
{
	return session_by(st, ST_SESSION, id, s);
}

/* webhook_body: the JSON body of the webhook of charge charge_id of
 * session s with outcome o, event id event_id (in st's arena). */
static const char *
webhook_body(struct store *st, const char *event_id, const struct sb_session *s,
	     const char *charge_id, enum card_outcome o)
{
	int ok = o == CARD_AUTHORIZED || o == CARD_LATE;
	json_t *j = json_pack("{s:s, s:s, s:I, s:{s:s, s:s, s:s, s:I, s:s, s:s}}", "id", event_id,
			      "type", ok ? "charge.authorized" : "charge.failed", "created",
			      (json_int_t)time(NULL), "data", "session_id", s->id, "charge_id",
			      charge_id, "order_id", s->order_id, "amount", (json_int_t)s->amount,
			      "currency", s->currency, "failure_code", card_failure_code(o));
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	const char *body = text != NULL ? arena_strdup(st->arena, text) : NULL;

	free(text);
	json_decref(j);
	return body;
}

int
store_pay(struct store *st, const char *id, enum card_outcome o, const char *last4,
	  const char *name, long delay_s, struct sb_session *s)
{
	char charge_id[UUID_STR_LEN + 1], event_id[UUID_STR_LEN + 1];
	int ok = o == CARD_AUTHORIZED || o == CARD_LATE;
	const char *body;
	int rc = db_begin(st->db);

	if (rc == TK_OK)
		rc = session_by(st, ST_SESSION_LOCK, id, s);
	if (rc == TK_OK && strcmp(s->state, "open") != 0)
		rc = TK_ECONFLICT;
	if (rc != TK_OK)
		goto out;
	uuid_v7(charge_id);
	rc = db_exec(st->db, ST_CHARGE_INSERT,
		     (struct db_val[]){DB_S(charge_id), DB_S(s->id), DB_I(s->amount),
				       DB_S(s->currency), DB_S(last4), DB_S(name),
				       DB_S(ok ? "authorized" : "failed"),
				       DB_S(card_failure_code(o))},
		     8, NULL, NULL);
	if (rc == TK_OK && ok)
		rc = db_exec(st->db, ST_SESSION_CLOSE, (struct db_val[]){DB_S(s->id)}, 1, NULL,
			     NULL);
	uuid_v7(event_id);
	if (rc == TK_OK && (body = webhook_body(st, event_id, s, charge_id, o)) == NULL)
		rc = TK_EINTERNAL;
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_WEBHOOK_INSERT,
			     (struct db_val[]){DB_S(event_id), DB_S(body), DB_I(delay_s)}, 3, NULL,
			     NULL);
out:
	return store_finish(st, rc);
}

/* op_states: the charge state op needs, and the state it leaves. */
static void
op_states(enum sb_op op, const char **from, const char **to)
{
	*from = op == SB_REFUND ? "captured" : "authorized";
	*to = op == SB_CAPTURE ? "captured" : op == SB_VOID ? "voided" : "refunded";
}

/* op_seen: key's earlier operation: TK_OK with *result when it was op on
 * charge_id, TK_ECONFLICT when it was something else, TK_ENOTFOUND when
 * the key is new. */
static int
op_seen(struct store *st, enum sb_op op, const char *charge_id, const char *key, char *result)
{
	struct db_rows rows;
	int rc = db_exec(st->db, ST_OPERATION, (struct db_val[]){DB_S(key)}, 1, st->arena, &rows);

	if (rc == TK_OK && rows.nrows == 0)
		rc = TK_ENOTFOUND;
	if (rc == TK_OK && (strcmp(db_str(&rows, 0, 0), op_names[op]) != 0 ||
			    strcmp(db_str(&rows, 0, 1), charge_id) != 0))
		rc = TK_ECONFLICT;
	if (rc == TK_OK)
		snprintf(result, UUID_STR_LEN + 1, "%s", db_str(&rows, 0, 2));
	return rc;
}

int
store_charge_op(struct store *st, enum sb_op op, const char *charge_id, const char *key,
		int64_t amount, char *result)
{
	const char *from, *to;
	struct db_rows rows;
	int rc = db_begin(st->db);

	result[0] = '\0';
	op_states(op, &from, &to);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_CHARGE_LOCK, (struct db_val[]){DB_S(charge_id)}, 1,
			     st->arena, &rows);
	if (rc == TK_OK && rows.nrows == 0)
		rc = TK_ENOTFOUND;
	if (rc != TK_OK)
		goto out;
	/* Under the charge's lock: a second request with the key waits here
	 * for the first and then finds its row. */
	rc = op_seen(st, op, charge_id, key, result);
	if (rc != TK_ENOTFOUND)
		goto out;
	rc = TK_OK;
	if (strcmp(db_str(&rows, 0, 0), from) != 0)
		rc = TK_ECONFLICT;
	else if (op == SB_REFUND && amount != db_int(&rows, 0, 1))
		rc = TK_EINVAL;
	if (rc == TK_OK && op == SB_REFUND) {
		uuid_v7(result);
		rc = db_exec(st->db, ST_REFUND_INSERT,
			     (struct db_val[]){DB_S(result), DB_S(charge_id), DB_I(amount)}, 3,
			     NULL, NULL);
	}
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_CHARGE_STATE, (struct db_val[]){DB_S(to), DB_S(charge_id)},
			     2, NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(
		    st->db, ST_OPERATION_INSERT,
		    (struct db_val[]){DB_S(key), DB_S(op_names[op]), DB_S(charge_id), DB_S(result)},
		    4, NULL, NULL);
	/* A key used for another charge, claimed meanwhile. */
	if (rc == TK_EEXIST)
		rc = TK_ECONFLICT;
out:
	return store_finish(st, rc);
}

int
store_webhooks_due(struct store *st, long max, struct db_rows *rows)
{
	return db_exec(st->db, ST_WEBHOOKS_DUE, (struct db_val[]){DB_I(max)}, 1, st->arena, rows);
}

int
store_webhook_claim(struct store *st, const char *id, int *claimed)
{
	struct db_rows rows;
	int rc = db_begin(st->db);

	*claimed = 0;
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_WEBHOOK_CLAIM, (struct db_val[]){DB_S(id)}, 1, st->arena,
			     &rows);
	if (rc == TK_OK && rows.nrows == 1)
		*claimed = 1;
	else
		db_rollback(st->db);
	return rc;
}

int
store_webhook_attempt(struct store *st, const char *id, long status)
{
	int delivered = status >= 200 && status < 300;
	int rc = db_exec(st->db, delivered ? ST_WEBHOOK_DELIVERED : ST_WEBHOOK_FAILED,
			 (struct db_val[]){DB_I(status), DB_S(id)}, 2, NULL, NULL);

	if (rc == TK_OK)
		rc = db_commit(st->db);
	else
		db_rollback(st->db);
	return rc;
}
