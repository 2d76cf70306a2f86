/*
 * outbox_append (outbox.h): builds the event envelope and inserts it into
 * the service's outbox table within the caller's transaction.
 *
 * Envelope (JSON object, all fields required):
 *   event_id          UUIDv7 string, also the JetStream Nats-Msg-Id
 *   type              "<aggregate>.<verb>", e.g. "user.created"
 *   aggregate_type    "user"
 *   aggregate_id      the aggregate's id
 *   aggregate_version integer >= 1, increasing with every change
 *   occurred_at       UTC time, "YYYY-MM-DDTHH:MM:SS.mmmZ"
 *   data              the aggregate's full new state (object)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "err.h"
#include "outbox.h"
#include "uuid.h"

#define SUBJECT_PREFIX "ticketing."

static void
utc_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

int
outbox_append(struct db *db, int stmt, const char *type, const char *aggregate_type,
	      const char *aggregate_id, int64_t version, json_t *state)
{
	char id[UUID_STR_LEN + 1], when[32], subject[128];
	json_t *env = NULL;
	char *payload = NULL;
	int rc;

	if (!json_is_object(state) || version < 1 ||
	    (size_t)snprintf(subject, sizeof(subject), SUBJECT_PREFIX "%s", type) >=
		sizeof(subject)) {
		rc = TK_EINVAL;
		goto out;
	}
	uuid_v7(id);
	utc_now(when);
	env = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:O}", "event_id", id, "type", type,
			"aggregate_type", aggregate_type, "aggregate_id", aggregate_id,
			"aggregate_version", (json_int_t)version, "occurred_at", when, "data",
			state);
	if (env == NULL) {
		rc = TK_EINVAL;
		goto out;
	}
	payload = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS);
	if (payload == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = db_exec(db, stmt, (struct db_val[]){DB_S(id), DB_S(subject), DB_S(payload)}, 3, NULL,
		     NULL);
out:
	free(payload);
	json_decref(env);
	return rc;
}
