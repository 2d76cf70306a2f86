/*
 * What the replication files of every consuming service share
 * (replicator.h): reading the members of an event's data with their
 * bounds, UTC times in the stream's format, and the one apply of
 * session.revoked into a service's session_revocations, of venue.* into
 * its venues_replica, of event.* into its events_replica, of user.* into
 * its users_replica, and the reading of ticket.* (with the apply of where
 * a listing's seats are). The notifications worker (workers/notify)
 * compiles this file in too.
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

int
repl_listing_read(const struct envelope *ev, struct repl_listing *t)
{
	int64_t version;

	t->id = repl_str(ev, "id", 36);
	t->event_id = repl_str(ev, "event_id", 36);
	t->seller_id = repl_str(ev, "seller_id", 36);
	t->section = repl_text(ev, "section", 400);
	t->row = repl_text(ev, "row", 400);
	t->seat = repl_text(ev, "seat", 400);
	t->note = repl_text(ev, "note", 4000);
	t->currency = repl_str(ev, "currency", 3);
	t->state = repl_str(ev, "state", 16);
	t->hidden_reason = repl_text(ev, "hidden_reason", 2000);
	if (t->id == NULL || t->event_id == NULL || t->seller_id == NULL || t->section == NULL ||
	    t->row == NULL || t->seat == NULL || t->note == NULL || t->currency == NULL ||
	    t->state == NULL || t->hidden_reason == NULL || strcmp(t->id, ev->aggregate_id) != 0)
		return TK_EINVAL;
	if (strcmp(t->state, "active") != 0 && strcmp(t->state, "withdrawn") != 0 &&
	    strcmp(t->state, "hidden") != 0 && strcmp(t->state, "cancelled") != 0)
		return TK_EINVAL;
	if (!repl_int(ev, "quantity", 0, 1000000, &t->quantity) ||
	    !repl_int(ev, "price", 0, INT64_MAX, &t->price) ||
	    !repl_int(ev, "version", 1, INT64_MAX, &version) || version != ev->version)
		return TK_EINVAL;
	return TK_OK;
}

int
repl_listing_place(struct db *db, int stmt, const struct envelope *ev)
{
	struct repl_listing t;
	int rc = repl_listing_read(ev, &t);

	if (rc != TK_OK)
		return rc;
	return db_exec(db, stmt,
		       (struct db_val[]){DB_S(t.id), DB_S(t.event_id), DB_S(t.seller_id),
					 DB_S(t.section), DB_S(t.row), DB_S(t.seat),
					 DB_I(ev->version)},
		       7, NULL, NULL);
}

int
repl_event(struct db *db, int stmt, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 36), *status = repl_str(ev, "status", 16),
		   *starts = repl_str(ev, "starts_at", EVENT_TIME_LEN),
		   *name = repl_str(ev, "name", 800), *venue = repl_str(ev, "venue_id", 36);
	char at[REPL_UTC_LEN + 1];

	if (!repl_versioned(ev, id) || status == NULL || name == NULL || venue == NULL ||
	    !repl_utc(starts, at))
		return TK_EINVAL;
	if (strcmp(status, "scheduled") != 0 && strcmp(status, "cancelled") != 0)
		return TK_EINVAL;
	return db_exec(db, stmt,
		       (struct db_val[]){DB_S(id), DB_S(at), DB_S(status), DB_S(name), DB_S(venue),
					 DB_I(ev->version)},
		       6, NULL, NULL);
}
