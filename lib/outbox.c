/*
 * outbox_append (outbox.h): builds the event envelope (event.h documents
 * its fields; event_encode writes it) and inserts it into the service's
 * outbox table within the caller's transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "outbox.h"
#include "uuid.h"

int
outbox_append(struct db *db, int stmt, const char *type, const char *aggregate_type,
	      const char *aggregate_id, int64_t version, json_t *state)
{
	char id[UUID_STR_LEN + 1], when[EVENT_TIME_LEN + 1], subject[128];
	char *payload = NULL;
	size_t n = aggregate_type != NULL ? strlen(aggregate_type) : 0;
	int rc;

	if (event_subject(type, subject, sizeof(subject)) != TK_OK || n == 0 ||
	    strncmp(type, aggregate_type, n) != 0 || type[n] != '.') {
		rc = TK_EINVAL;
		goto out;
	}
	uuid_v7(id);
	event_now(when);
	payload = event_encode(id, type, aggregate_id, version, when, state);
	if (payload == NULL) {
		rc = TK_EINVAL;
		goto out;
	}
	rc = db_exec(db, stmt, (struct db_val[]){DB_S(id), DB_S(subject), DB_S(payload)}, 3, NULL,
		     NULL);
out:
	free(payload);
	return rc;
}
