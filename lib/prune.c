/*
 * Pruning of the shared tables (prune.h): one entry per table with its
 * retention setting, in the order of struct prune_stmts' members.
 */
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "prune.h"

static const struct {
	const char *table;
	const char *retention_key;
} tables[] = {
    {"outbox", "outbox_retention_seconds"},
    {"idempotency_keys", "idempotency_retention_seconds"},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

int
prune_shared(struct db *db, const struct prune_stmts *stmts, uint64_t *deleted)
{
	/* The caller's statement of each entry of tables[]. */
	const int stmt[NTABLES] = {stmts->outbox, stmts->idempotency_keys};
	struct db_rows res;
	uint64_t total = 0, gone;
	size_t i;
	int batch, rc = TK_OK;

	for (i = 0; i < NTABLES && rc == TK_OK; i++) {
		gone = 0;
		for (batch = 0; batch < PRUNE_MAX_BATCHES; batch++) {
			rc = db_exec(db, stmt[i],
				     (struct db_val[]){DB_I(config_int(tables[i].retention_key))},
				     1, NULL, &res);
			if (rc != TK_OK)
				break;
			gone += res.affected;
			if (res.affected < PRUNE_BATCH)
				break;
		}
		if (gone > 0)
			log_info("prune: %llu rows of %s older than %s", (unsigned long long)gone,
				 tables[i].table, tables[i].retention_key);
		total += gone;
	}
	if (deleted != NULL)
		*deleted = total;
	return rc;
}
