/*
 * ticketing-replicator: keeps a service's replicas of other services' data
 * (users_replica, session_revocations, ...) by applying their events. It
 * is a consuming worker of the shell (lib/worker.h): each consumer's
 * handler is an apply function that runs inside the shell's transaction
 * with the event's processed_events record (WORKER_TX), so an event is
 * applied exactly once, and guards by version, so a replica row only
 * moves forward and a replay from the first message gives the sources'
 * state.
 *
 * One file per consuming service database holds its statement table, its
 * apply functions and its struct worker_def (events.c). Adding a
 * replicated table: its migration, a line in the backbone registry
 * (lib/backbone.c) and an apply function with its line in that file's
 * consumer table.
 */
#ifndef TK_REPLICATOR_H
#define TK_REPLICATOR_H

#include <stddef.h>

#include "event.h"

struct db;
struct worker_def;

/* The upsert of the revocation replica (lib/revoke.h), for the statement
 * table of each service that keeps one. Parameters: session id, user id,
 * revoked at, version. */
#define REPL_REVOCATION_UPSERT_SQL                                                                 \
	"INSERT INTO session_revocations (session_id, user_id, revoked_at, version)"               \
	" VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE version = GREATEST(version, "                \
	"VALUES(version))"

/* repl_str: data.key of ev when it is a non-empty string of at most max
 * bytes, else NULL. */
const char *repl_str(const struct envelope *ev, const char *key, size_t max);
/* repl_text: the same, the empty string allowed. */
const char *repl_text(const struct envelope *ev, const char *key, size_t max);
/* repl_time: an envelope time, "YYYY-MM-DDTHH:MM:SS.mmmZ" or without the
 * milliseconds, as MariaDB reads it ("YYYY-MM-DD HH:MM:SS[.mmm]") into
 * out. TK_OK or TK_EINVAL. */
int repl_time(const char *at, char out[EVENT_TIME_LEN + 1]);
/* repl_apply_session: apply a session.* event to session_revocations with
 * statement stmt (REPL_REVOCATION_UPSERT_SQL); other session events are
 * ignored. TK_OK, TK_EINVAL for bad data, or db_exec's code. */
int repl_apply_session(struct db *db, int stmt, const struct envelope *ev);

/* events.c: replication into the events service's database. */
extern const struct worker_def repl_events;
/* orders.c: replication into the orders service's database. */
extern const struct worker_def repl_orders;

#endif
