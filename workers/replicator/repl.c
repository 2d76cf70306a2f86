/*
 * What the replication files of every consuming service share
 * (replicator.h): reading the members of an event's data with their
 * bounds, UTC times in the stream's format, and the one apply of
 * session.revoked into a service's session_revocations, of venue.* into
 * its venues_replica and of user.* into its users_replica.
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
repl_int(const struct envelope *ev, const char *key, int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(ev->data, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return 0;
	*out = json_integer_value(v);
	return 1;
}

int
repl_utc(const char *s, char out[REPL_UTC_LEN + 1])
{
	size_t n = s != NULL ? strlen(s) : 0;

	/* "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	if ((n != REPL_UTC_LEN + 1 && n != EVENT_TIME_LEN) || s[10] != 'T' || s[n - 1] != 'Z')
		return 0;
	memcpy(out, s, REPL_UTC_LEN);
	out[10] = ' ';
	out[REPL_UTC_LEN] = '\0';
	return 1;
}

int
repl_utc_ms(const char *s, char out[REPL_UTC_MS_LEN + 1])
{
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" -> "YYYY-MM-DD HH:MM:SS.mmm" */
	if (s == NULL || strlen(s) != EVENT_TIME_LEN || s[10] != 'T' ||
	    s[EVENT_TIME_LEN - 1] != 'Z')
		return 0;
	memcpy(out, s, REPL_UTC_MS_LEN);
	out[10] = ' ';
	out[REPL_UTC_MS_LEN] = '\0';
	return 1;
}

int
repl_revocation(struct db *db, int stmt, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 32), *user_id = repl_str(ev, "user_id", 36),
		   *at = repl_str(ev, "revoked_at", EVENT_TIME_LEN);
	char when[REPL_UTC_MS_LEN + 1];

	if (strcmp(ev->type, "session.revoked") != 0)
		return TK_OK; /* other session events: nothing to keep */
	if (id == NULL || user_id == NULL || at == NULL || strcmp(id, ev->aggregate_id) != 0 ||
	    !repl_utc_ms(at, when))
		return TK_EINVAL;
	return db_exec(db, stmt,
		       (struct db_val[]){DB_S(id), DB_S(user_id), DB_S(when), DB_I(ev->version)}, 4,
		       NULL, NULL);
}

int
repl_versioned(const struct envelope *ev, const char *id)
{
	int64_t version;

	return id != NULL && strcmp(id, ev->aggregate_id) == 0 &&
	       repl_int(ev, "version", 1, INT64_MAX, &version) && version == ev->version;
}

int
repl_venue(struct db *db, int stmt, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 36), *name = repl_str(ev, "name", 800),
		   *city = repl_str(ev, "city", 400), *tz = repl_str(ev, "timezone", 64);

	if (!repl_versioned(ev, id) || name == NULL || city == NULL || tz == NULL)
		return TK_EINVAL;
	return db_exec(
	    db, stmt,
	    (struct db_val[]){DB_S(id), DB_S(name), DB_S(city), DB_S(tz), DB_I(ev->version)}, 5,
	    NULL, NULL);
}

/* user_read: the members of user event ev every reader checks: id, name,
 * role, and the address members email (text) and email_verified (a
 * boolean), which events from before they existed lack (read as not
 * verified). 1 when good, else 0. */
static int
user_read(const struct envelope *ev, const char **id, const char **name, const char **role,
	  int *verified)
{
	json_t *email = json_object_get(ev->data, "email"),
	       *ver = json_object_get(ev->data, "email_verified");

	*id = repl_str(ev, "id", 36);
	*name = repl_str(ev, "name", 400);
	*role = repl_str(ev, "role", 16);
	if (!repl_versioned(ev, *id) || *name == NULL || *role == NULL)
		return 0;
	if (strcmp(*role, "member") != 0 && strcmp(*role, "organizer") != 0 &&
	    strcmp(*role, "admin") != 0)
		return 0;
	if (email != NULL && (!json_is_string(email) || json_string_length(email) > 254))
		return 0;
	if (ver != NULL && !json_is_boolean(ver))
		return 0;
	*verified = json_is_true(ver);
	return 1;
}

int
repl_user(struct db *db, int stmt, const struct envelope *ev)
{
	const char *id, *name, *role;
	int verified;

	if (!user_read(ev, &id, &name, &role, &verified))
		return TK_EINVAL;
	return db_exec(db, stmt,
		       (struct db_val[]){DB_S(id), DB_S(name), DB_S(role), DB_I(ev->version)}, 4,
		       NULL, NULL);
}

int
repl_user_verified(struct db *db, int stmt, const struct envelope *ev)
{
	const char *id, *name, *role;
	int verified;

	if (!user_read(ev, &id, &name, &role, &verified))
		return TK_EINVAL;
	return db_exec(
	    db, stmt,
	    (struct db_val[]){DB_S(id), DB_S(name), DB_S(role), DB_I(verified), DB_I(ev->version)},
	    5, NULL, NULL);
}
