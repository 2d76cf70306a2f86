/*
 * store_finish (store.h): the end of every transaction a service's store
 * opens, one commit-and-nudge or rollback for all of them.
 */
#include "db.h"
#include "err.h"
#include "mq.h"
#include "store.h"

int
store_finish(struct store *st, int rc)
{
	if (rc != TK_OK) {
		db_rollback(st->db);
		goto out;
	}
	rc = db_commit(st->db);
	if (rc == TK_OK)
		mq_nudge_outbox();
out:
	return rc;
}
