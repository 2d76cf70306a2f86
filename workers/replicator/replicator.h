/*
 * The replication engine (engine.c) and the tables that configure it. A
 * consuming service database is one struct repl_target: its statement
 * table and a list {durable consumer, subject filter -> apply function}.
 * Adding a consumer is one entry in that list (and its table in the
 * service's migrations).
 *
 * The engine applies each event in one MariaDB transaction together with
 * a processed_events row (a redelivery finds the row and is a no-op);
 * apply functions guard by version (a replica row only moves forward).
 */
#ifndef TK_REPLICATOR_H
#define TK_REPLICATOR_H
#include <stddef.h>

struct arena;
struct db;
struct event;

/* The engine's statements occupy the first indices of every target's
 * statement table: put REPL_ENGINE_STMTS first and number the target's own
 * statements from REPL_ST__FIRST. */
enum {
	REPL_ST_PROCESSED,
	REPL_ST_DEAD_LETTER,
	REPL_ST_FORGET,
	REPL_ST__FIRST
};

#define REPL_ENGINE_STMTS                                                                          \
	[REPL_ST_PROCESSED] = "INSERT INTO processed_events (consumer, event_id, subject, "         \
			      "aggregate_id, aggregate_version, stream_seq) "                     \
			      "VALUES (?, ?, ?, ?, ?, ?)",                                        \
	[REPL_ST_DEAD_LETTER] = "INSERT INTO dead_letters (consumer, subject, stream_seq, "         \
				"deliveries, reason, payload) VALUES (?, ?, ?, ?, ?, ?) "            \
				"ON DUPLICATE KEY UPDATE deliveries = VALUES(deliveries)",         \
	[REPL_ST_FORGET] = "DELETE FROM processed_events WHERE consumer = ? "                        \
			   "AND aggregate_version > 0"

/*
 * An apply function: make the change ev describes inside the engine's
 * open transaction on db (scratch memory in a). Returns TK_OK; TK_EINVAL
 * when the event's data is unusable (the event goes to dead_letters);
 * TK_EDBDOWN / TK_ERETRY to be retried later; any other db.h error is
 * treated as permanent.
 */
typedef int (*repl_apply_fn)(struct db *db, const struct event *ev, struct arena *a);

struct repl_apply {
	const char *durable; /* JetStream consumer name, unique per stream */
	const char *filter;  /* subject filter, e.g. "ticketing.user.*" */
	repl_apply_fn apply;
};

struct repl_target {
	const char *service; /* whose database: "events" */
	const char *const *stmts;
	size_t nstmts;
	const struct repl_apply *applies;
	size_t napplies;
};

/* The targets (targets.c), found by service name. */
extern const struct repl_target *const repl_targets[];
extern const size_t repl_ntargets;

/* events.c: the events service database. */
extern const struct repl_target repl_target_events;

#endif
