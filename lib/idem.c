/*
 * Claiming an idempotency key in the transaction of a create (idem.h).
 */
#include <string.h>

#include "db.h"
#include "err.h"
#include "idem.h"
#include "sess.h"
#include "store.h"

int
idem_begin(struct store *st, const struct idem_stmts *stmts, const char *form, const char *key,
	   char *id)
{
	struct db_rows rows;
	const char *actor;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK || key == NULL)
		goto out;
	actor = st->actor != NULL ? st->actor->user_id : NULL;
	/* The first statement of the transaction, so that the lookup after a
	 * duplicate reads what the other transaction committed. */
	rc = actor == NULL
		 ? TK_EINTERNAL
		 : db_exec(st->db, stmts->claim,
			   (struct db_val[]){DB_S(actor), DB_S(form), DB_S(key), DB_S(id)}, 4, NULL,
			   NULL);
	if (rc == TK_OK)
		goto out;
	db_rollback(st->db);
	if (rc != TK_EEXIST)
		goto out;
	rc = db_exec(st->db, stmts->lookup, (struct db_val[]){DB_S(actor), DB_S(form), DB_S(key)},
		     3, st->arena, &rows);
	if (rc == TK_OK && (rows.nrows != 1 || strlen(db_str(&rows, 0, 0)) > IDEM_RESULT_MAX))
		rc = TK_EINTERNAL;
	if (rc == TK_OK) {
		strcpy(id, db_str(&rows, 0, 0));
		rc = TK_EEXIST;
	}
out:
	return rc;
}
