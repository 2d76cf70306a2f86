/*
 * What the replication of several service databases shares: reading the
 * members of an event's data, envelope times as MariaDB values, and the
 * revocation replica every service with sign-in keeps (replicator.h).
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "replicator.h"

const char *
repl_str(const struct envelope *ev, const char *key, size_t max)
{
	const char *s = json_string_value(json_object_get(ev->data, key));

	return s != NULL && *s != '\0' && strlen(s) <= max ? s : NULL;
}

const char *
repl_text(const struct envelope *ev, const char *key, size_t max)
{
	const char *s = json_string_value(json_object_get(ev->data, key));

	return s != NULL && strlen(s) <= max ? s : NULL;
}

int
repl_time(const char *at, char out[EVENT_TIME_LEN + 1])
{
	size_t n = at != NULL ? strlen(at) : 0;

	/* "YYYY-MM-DDTHH:MM:SS[.mmm]Z" -> "YYYY-MM-DD HH:MM:SS[.mmm]" */
	if ((n != 20 && n != EVENT_TIME_LEN) || at[10] != 'T' || at[n - 1] != 'Z')
		return TK_EINVAL;
	memcpy(out, at, n - 1);
	out[10] = ' ';
	out[n - 1] = '\0';
	return TK_OK;
}

int
repl_apply_session(struct db *db, int stmt, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 32), *user_id = repl_str(ev, "user_id", 36),
		   *at = repl_str(ev, "revoked_at", EVENT_TIME_LEN);
	char when[EVENT_TIME_LEN + 1];

	if (strcmp(ev->type, "session.revoked") != 0)
		return TK_OK; /* other session events: nothing to keep */
	if (id == NULL || user_id == NULL || at == NULL || strcmp(id, ev->aggregate_id) != 0 ||
	    strlen(at) != EVENT_TIME_LEN || repl_time(at, when) != TK_OK)
		return TK_EINVAL;
	return db_exec(db, stmt,
		       (struct db_val[]){DB_S(id), DB_S(user_id), DB_S(when), DB_I(ev->version)}, 4,
		       NULL, NULL);
}
