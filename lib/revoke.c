/*
 * revoke_check and revoke_fresh (revoke.h): one lookup each in the
 * service's own database (its replica of session revocations, the state
 * of the consumer that keeps it), on the request thread's own connection.
 */
#include <string.h>

#include "backbone.h"
#include "config.h"
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

/* revocations_consumer: the durable that keeps service's
 * session_revocations, or NULL. */
static const char *
revocations_consumer(const char *service)
{
	size_t i;

	for (i = 0; i < backbone_nconsumers; i++)
		if (backbone_consumers[i].keeps != NULL &&
		    strcmp(backbone_consumers[i].keeps, "session_revocations") == 0 &&
		    strcmp(backbone_consumers[i].service, service) == 0)
			return backbone_consumers[i].durable;
	return NULL;
}

int
revoke_fresh(struct store *st, int stmt, const char *service, int *fresh)
{
	const char *durable = revocations_consumer(service);
	struct db_rows rows;
	int rc = TK_OK;

	*fresh = 0;
	if (durable == NULL)
		goto out;
	rc = db_exec(st->db, stmt,
		     (struct db_val[]){DB_S(durable), DB_I(config_int("revocation_max_lag"))}, 2,
		     st->arena, &rows);
	if (rc == TK_OK)
		*fresh = rows.nrows > 0;
out:
	return rc;
}
