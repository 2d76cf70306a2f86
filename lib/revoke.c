/*
 * revoke_check (revoke.h): one lookup in the service's replica of session
 * revocations, on the request thread's own connection.
 */
#include <string.h>

#include "app.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "revoke.h"
#include "sess.h"

int
revoke_check(struct request *r, int stmt, const struct session *s)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(app_db(r), stmt, (struct db_val[]){DB_S(s->sid)}, 1, r->arena, &rows);
	if (rc == TK_OK && rows.nrows > 0)
		rc = TK_EAUTH;
	return rc;
}
