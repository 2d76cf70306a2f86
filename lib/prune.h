/*
 * Pruning of the shared tables (sql/common/) that grow with every change
 * an emitting service commits: sent outbox rows and used idempotency keys.
 * Each table has one retention setting; rows older than it are deleted in
 * batches of PRUNE_BATCH rows, each batch a statement of its own, so no
 * statement holds many locks or runs long next to the service's writes.
 * The outbox relay runs it on a timer, on the database it relays (every
 * emitting service's database holds both tables).
 *
 * The caller puts the statements in its statement table and passes their
 * indexes:
 *
 *     [ST_PRUNE_OUTBOX] = PRUNE_OUTBOX_SQL,
 *     [ST_PRUNE_IDEMPOTENCY_KEYS] = PRUNE_IDEMPOTENCY_KEYS_SQL,
 *     ...
 *     static const struct prune_stmts prune = {ST_PRUNE_OUTBOX,
 *                                              ST_PRUNE_IDEMPOTENCY_KEYS};
 *     rc = prune_shared(db, &prune, &deleted);
 */
#ifndef TK_PRUNE_H
#define TK_PRUNE_H
#include <stdint.h>

struct db;

/* Rows one statement deletes at most (the LIMIT of the statements). */
#define PRUNE_BATCH 1000
/* Batches per table in one prune_shared call at most: a backlog is worked
 * off over several calls rather than in one long burst. */
#define PRUNE_MAX_BATCHES 10

/* Parameter: the retention in seconds. Sent rows older than it go
 * (outbox_retention_seconds). */
#define PRUNE_OUTBOX_SQL                                                                           \
	"DELETE FROM outbox WHERE sent_at < NOW(6) - INTERVAL ? SECOND ORDER BY sent_at LIMIT "    \
	"1000"
/* Parameter: the retention in seconds. Keys used longer ago go
 * (idempotency_retention_seconds). */
#define PRUNE_IDEMPOTENCY_KEYS_SQL                                                                 \
	"DELETE FROM idempotency_keys WHERE created_at < NOW(6) - INTERVAL ? SECOND "              \
	"ORDER BY created_at LIMIT 1000"

/* The indexes of the PRUNE_*_SQL statements in the caller's table. */
struct prune_stmts {
	int outbox;
	int idempotency_keys;
};

/*
 * prune_shared: delete, outside any transaction, the rows of each shared
 * table older than its retention setting (config.h), at most
 * PRUNE_MAX_BATCHES batches of PRUNE_BATCH rows per table. *deleted (may
 * be NULL) gets the number of rows deleted. Returns TK_OK, or the first
 * db_exec error (the tables after it are left for the next call).
 */
int prune_shared(struct db *db, const struct prune_stmts *stmts, uint64_t *deleted /* OUT */);

#endif
