/*
 * A payment attempt as the payments service and the settlement worker
 * both read it, and the payment.* event that carries its state
 * (docs/PAYMENTS.md, Events). Each program puts PAYMENT_STMTS into its
 * statement table at an index of its choice (base).
 */
#ifndef TK_PAYMENTS_PAYMENT_H
#define TK_PAYMENTS_PAYMENT_H
#include <stdint.h>

#include "outbox.h"

struct arena;
struct db;

enum { PAYMENT_ST_GET, PAYMENT_ST_OUTBOX, PAYMENT_ST__MAX };

#define PAYMENT_COLUMNS                                                                            \
	"id, order_id, buyer_id, amount, currency, provider, COALESCE(provider_session_id, ''),"   \
	" COALESCE(charge_id, ''), state, failure_code, version"

#define PAYMENT_STMTS(base)                                                                        \
	[(base) + PAYMENT_ST_GET] = "SELECT " PAYMENT_COLUMNS " FROM payments WHERE id = ?",       \
		  [(base) + PAYMENT_ST_OUTBOX] = OUTBOX_INSERT_SQL

/* A payments row; strings in the caller's arena ("" for NULL ids). */
struct payment {
	const char *id, *order_id, *buyer_id, *currency, *provider, *session_id, *charge_id;
	const char *state, *failure_code;
	int64_t amount, version;
};

/* payment_get: payment id into *p (OUT) with the statements at base.
 * TK_ENOTFOUND when there is none; else TK_OK or a db_exec error. */
int payment_get(struct db *db, int base, struct arena *a, const char *id,
		struct payment *p /* OUT */);

/*
 * payment_emit: append event type ("payment.authorized", ...) with the
 * state of payment id as the caller's transaction now holds it (aggregate
 * "payment", version payments.version) to the outbox. TK_OK, TK_ENOTFOUND,
 * or a database error.
 */
int payment_emit(struct db *db, int base, struct arena *a, const char *type, const char *id);

#endif
