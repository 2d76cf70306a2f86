/*
 * revoke_check (revoke.h): one lookup in the service's replica of session
 * revocations, on the request thread's own connection.
 */
#include <string.h>

#include "db.h"
#include "err.h"
#include "revoke.h"
#include "sess.h"
#include "store.h"

int
revoke_check(struct store *st, int stmt, const struct session *s)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, stmt, (struct db_val[]){DB_S(s->sid)}, 1, st->arena, &rows);
	if (rc == TK_OK && rows.nrows > 0)
		rc = TK_EAUTH;
	return rc;
}
