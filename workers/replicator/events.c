/*
 * Replication into the events service's database (ticketing_events):
 *   ticketing.user.*          -> users_replica (display name and role)
 *   ticketing.session.revoked -> session_revocations (lib/revoke.h)
 * Every apply checks the event's data against its envelope and upserts
 * with a version guard: the replica row only ever moves to a newer version.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "replicator.h"
#include "worker.h"

enum stmt { ST_USER_UPSERT = WORKER_ST__FIRST, ST_REVOCATION_UPSERT, ST__MAX };

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    /* MariaDB evaluates the assignments left to right: version last, so
     * the guards compare with the old version. */
    [ST_USER_UPSERT] = "INSERT INTO users_replica (id, name, role, version) VALUES (?, ?, ?, ?) "
		       "ON DUPLICATE KEY UPDATE "
		       "name = IF(VALUES(version) > version, VALUES(name), name), "
		       "role = IF(VALUES(version) > version, VALUES(role), role), "
		       "version = GREATEST(version, VALUES(version))",
    [ST_REVOCATION_UPSERT] = REPL_REVOCATION_UPSERT_SQL,
};

static int
apply_user(struct db *db, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 36), *name = repl_str(ev, "name", 400),
		   *role = repl_str(ev, "role", 16);
	json_t *version = json_object_get(ev->data, "version");

	if (id == NULL || name == NULL || role == NULL || strcmp(id, ev->aggregate_id) != 0 ||
	    !json_is_integer(version) || json_integer_value(version) != ev->version)
		return TK_EINVAL;
	if (strcmp(role, "member") != 0 && strcmp(role, "organizer") != 0 &&
	    strcmp(role, "admin") != 0)
		return TK_EINVAL;
	return db_exec(db, ST_USER_UPSERT,
		       (struct db_val[]){DB_S(id), DB_S(name), DB_S(role), DB_I(ev->version)}, 4,
		       NULL, NULL);
}

static struct worker_verdict
h_users(struct worker_job *job)
{
	return worker_verdict_of(apply_user(job->db, job->ev), job->delivered);
}

static struct worker_verdict
h_sessions(struct worker_job *job)
{
	return worker_verdict_of(repl_apply_session(job->db, ST_REVOCATION_UPSERT, job->ev),
				 job->delivered);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"events-users", h_users, WORKER_TX},
    {"events-sessions", h_sessions, WORKER_TX},
};

const struct worker_def repl_events = {
    .name = "replicator",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
};
