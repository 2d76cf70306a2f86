/*
 * Query results kept for a moment: each thread keeps the last
 * DBCACHE_SLOTS result sets it fetched through dbcache_exec, keyed by the
 * statement and its every parameter, for at most the caller's lifetime and
 * only while db_generation (lib/db.h) has not moved: any change this
 * process may have made to a database drops every thread's copies at once.
 * What other processes change (the replicas the workers write) shows
 * within the lifetime.
 *
 * The key is the whole statement with its parameters, so a result is only
 * ever given back to a caller who asked the very same question: a
 * statement whose parameters name the member (an owner check in its WHERE)
 * is kept apart for each member. What depends on the moment it runs
 * (NOW(), a countdown) must not be read through it.
 *
 * A thread serves one request at a time, so its cache needs no lock.
 */
#ifndef TK_DBCACHE_H
#define TK_DBCACHE_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Result sets kept per thread: the least recently stored one makes room. */
#define DBCACHE_SLOTS 16
/* Results larger than this (cells and text, bytes) are never kept. */
#define DBCACHE_RESULT_MAX 65536

/*
 * dbcache_exec: db_exec(db, stmt, params, nparams, a, out) for a statement
 * that only reads, answered from this thread's copy when the very same
 * statement and parameters were fetched less than ttl_ms ago at the
 * current db_generation. The rows are in arena a either way. Inside a
 * transaction it always runs the statement (and keeps nothing). Returns
 * what db_exec returns; a failure is never kept.
 */
int dbcache_exec(struct db *db, int stmt, const struct db_val *params, size_t nparams,
		 int64_t ttl_ms, struct arena *a, struct db_rows *out);

#endif
