/*
 * outbox_append (outbox.h): builds the event envelope (event.h documents
 * its fields; event_encode writes it) and inserts it into the service's
 * outbox table within the caller's transaction. outbox_hold and
 * outbox_write do the same in two steps, so several events of one
 * transaction go in by one statement.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "outbox.h"
#include "uuid.h"

int
outbox_hold(struct outbox_rows *r, const char *type, const char *aggregate_type,
	    const char *aggregate_id, int64_t version, json_t *state)
{
	char when[EVENT_TIME_LEN + 1];
	size_t n = aggregate_type != NULL ? strlen(aggregate_type) : 0;
	int rc = TK_EINVAL;

	if (r->n >= OUTBOX_HELD ||
	    event_subject(type, r->subject[r->n], sizeof(r->subject[r->n])) != TK_OK || n == 0 ||
	    strncmp(type, aggregate_type, n) != 0 || type[n] != '.')
		goto out;
	uuid_v7(r->id[r->n]);
	event_now(when);
	r->payload[r->n] = event_encode(r->id[r->n], type, aggregate_id, version, when, state);
	if (r->payload[r->n] == NULL)
		goto out;
	r->n++;
	rc = TK_OK;
out:
	return rc;
}

int
outbox_write(struct db *db, int stmt, struct outbox_rows *r)
{
	struct db_val p[OUTBOX_HELD * 3];
	size_t i;
	int rc;

	for (i = 0; i < r->n; i++) {
		p[i * 3] = DB_S(r->id[i]);
		p[i * 3 + 1] = DB_S(r->subject[i]);
		p[i * 3 + 2] = DB_S(r->payload[i]);
	}
	rc = db_exec_rows(db, stmt, p, 3, r->n, NULL);
	outbox_rows_clear(r);
	return rc;
}

void
outbox_rows_clear(struct outbox_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->payload[i]);
	r->n = 0;
}

int
outbox_append(struct db *db, int stmt, const char *type, const char *aggregate_type,
	      const char *aggregate_id, int64_t version, json_t *state)
{
	struct outbox_rows r = {0};
	int rc = outbox_hold(&r, type, aggregate_type, aggregate_id, version, state);

	if (rc == TK_OK)
		rc = outbox_write(db, stmt, &r);
	outbox_rows_clear(&r);
	return rc;
}
