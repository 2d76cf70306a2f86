/*
 * revoke_check and revoke_fresh (revoke.h): one lookup each in the
 * service's own database (its replica of session revocations, the state
 * of the consumer that keeps it), on the request thread's own connection;
 * revoke_check answers from the process's mirror of the replica instead
 * while the mirror is current.
 *
 * The mirror is an open-addressing hash set of session ids behind a
 * read-write lock: request threads look up under the read lock, the
 * mirror's thread adds the rows it reads under the write lock, and every
 * REVOKE_MIRROR_RELOAD_S builds a new set from all rows of sessions that
 * may still be alive and swaps it in (so ids of long-ended sessions
 * leave memory). New rows are found by replicated_at, the time the row was
 * written here: each read asks for the rows written at most
 * REVOKE_MIRROR_OVERLAP_S before the newest one seen, so a row whose
 * transaction committed after a newer row's is still found unless the
 * transaction took longer than that; the next reload finds it in any case.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "backbone.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "revoke.h"
#include "sess.h"
#include "store.h"
#include "xalloc.h"

/* How far before the newest row seen a read starts, in seconds. */
#define REVOKE_MIRROR_OVERLAP_S 5
#define STR_(x) #x
#define STR(x) STR_(x)
/* The replicated_at before any row. */
#define MIRROR_EPOCH "1970-01-01 00:00:00.000000"
/* How long past session_ttl a revocation is kept, for clocks apart. */
#define REVOKE_MIRROR_SLACK_S 3600

enum { MIRROR_ALL, MIRROR_SINCE };

const char *const revoke_mirror_stmts[] = {
    [MIRROR_ALL] =
	"SELECT session_id, DATE_FORMAT(replicated_at, '%Y-%m-%d %H:%i:%s.%f') "
	"FROM session_revocations WHERE revoked_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
    [MIRROR_SINCE] = "SELECT session_id, DATE_FORMAT(replicated_at, '%Y-%m-%d %H:%i:%s.%f') "
		     "FROM session_revocations WHERE replicated_at >= "
		     "CAST(? AS DATETIME(6)) - INTERVAL " STR(REVOKE_MIRROR_OVERLAP_S) " SECOND",
};
const size_t revoke_mirror_nstmts = sizeof(revoke_mirror_stmts) / sizeof(revoke_mirror_stmts[0]);

/* A set of session ids: cap slots (a power of two), n of them used; an
 * empty slot starts with '\0'. */
struct idset {
	char (*ids)[SESS_SID_LEN];
	size_t cap, n;
};

static pthread_rwlock_t mirror_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct idset *mirror;   /* NULL until the first read */
static int64_t mirror_read_ms; /* when the last good read started */

/* idset_slot: the slot of id in set: where it is, or the empty slot where
 * it would go. FNV-1a over the id's bytes. */
static size_t
idset_slot(const struct idset *set, const char *id)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < SESS_SID_LEN; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211u;
	for (i = (size_t)h & (set->cap - 1);; i = (i + 1) & (set->cap - 1))
		if (set->ids[i][0] == '\0' || memcmp(set->ids[i], id, SESS_SID_LEN) == 0)
			return i;
}

static struct idset *
idset_new(size_t cap)
{
	struct idset *set = xcalloc(1, sizeof(*set));

	set->cap = cap;
	set->ids = xcalloc(cap, sizeof(*set->ids));
	return set;
}

static void
idset_free(struct idset *set)
{
	if (set != NULL)
		free(set->ids);
	free(set);
}

/* idset_add: add id (SESS_SID_LEN bytes, no '\0' among them) to set,
 * doubling it first when it would be more than half full. */
static void
idset_add(struct idset *set, const char *id)
{
	struct idset *big;
	size_t i;

	if (2 * (set->n + 1) > set->cap) {
		big = idset_new(set->cap * 2);
		for (i = 0; i < set->cap; i++)
			if (set->ids[i][0] != '\0')
				idset_add(big, set->ids[i]);
		free(set->ids);
		*set = *big;
		free(big);
	}
	i = idset_slot(set, id);
	if (set->ids[i][0] == '\0') {
		memcpy(set->ids[i], id, SESS_SID_LEN);
		set->n++;
	}
}

int
revoke_mirror_lookup(const char *sid, int *revoked)
{
	int answered = 0;

	if (strlen(sid) != SESS_SID_LEN)
		return 0;
	pthread_rwlock_rdlock(&mirror_lock);
	if (mirror != NULL && clock_mono_ms() - mirror_read_ms < REVOKE_MIRROR_MAX_AGE_MS) {
		*revoked = mirror->ids[idset_slot(mirror, sid)][0] != '\0';
		answered = 1;
	}
	pthread_rwlock_unlock(&mirror_lock);
	return answered;
}

/* mirror_read: one read of the mirror's thread into the mirror: all rows of
 * sessions that may be alive into a new set when all, else the rows
 * written since *newest (the newest replicated_at seen, updated). */
static int
mirror_read(struct db *db, struct arena *a, int all, char *newest, size_t newest_size)
{
	int64_t started = clock_mono_ms();
	struct idset *fresh = NULL, *old = NULL;
	struct db_rows rows;
	size_t i;
	int rc;

	arena_reset(a);
	if (all)
		rc = db_exec(
		    db, MIRROR_ALL,
		    (struct db_val[]){DB_I(config_int("session_ttl") + REVOKE_MIRROR_SLACK_S)}, 1,
		    a, &rows);
	else
		rc = db_exec(db, MIRROR_SINCE, (struct db_val[]){DB_S(newest)}, 1, a, &rows);
	if (rc != TK_OK)
		return rc;
	if (all) {
		fresh = idset_new(64);
		snprintf(newest, newest_size, "%s", MIRROR_EPOCH);
	}
	pthread_rwlock_wrlock(&mirror_lock);
	if (fresh != NULL || mirror == NULL) {
		old = mirror;
		mirror = fresh != NULL ? fresh : idset_new(64);
	}
	for (i = 0; i < rows.nrows; i++) {
		if (strlen(db_str(&rows, i, 0)) == SESS_SID_LEN)
			idset_add(mirror, db_str(&rows, i, 0));
		if (strcmp(db_str(&rows, i, 1), newest) > 0)
			snprintf(newest, newest_size, "%s", db_str(&rows, i, 1));
	}
	mirror_read_ms = started;
	pthread_rwlock_unlock(&mirror_lock);
	idset_free(old);
	return TK_OK;
}

int
revoke_mirror(struct db *db, int (*stopping)(void))
{
	char newest[40] = MIRROR_EPOCH;
	struct arena *a = arena_new();
	int64_t reloaded = 0;
	int rc, failing = 0, all;
	struct timespec pause = {0, REVOKE_MIRROR_POLL_MS * 1000000L};

	while (!stopping()) {
		all = reloaded == 0 || clock_mono_ms() - reloaded >= REVOKE_MIRROR_RELOAD_S * 1000;
		rc = mirror_read(db, a, all, newest, sizeof(newest));
		if (rc == TK_OK && all)
			reloaded = clock_mono_ms();
		if (rc != TK_OK && !failing)
			log_warn("revocation mirror: cannot read session_revocations (%s); "
				 "requests ask the database",
				 err_str(rc));
		else if (rc == TK_OK && failing)
			log_info("revocation mirror: reading again");
		failing = rc != TK_OK;
		nanosleep(&pause, NULL);
	}
	arena_free(a);
	return TK_OK;
}

int
revoke_check(struct store *st, int stmt, const struct session *s)
{
	struct db_rows rows;
	int rc, revoked;

	if (revoke_mirror_lookup(s->sid, &revoked))
		return revoked ? TK_EAUTH : TK_OK;
	rc = db_exec(st->db, stmt, (struct db_val[]){DB_S(s->sid)}, 1, st->arena, &rows);
	if (rc == TK_OK && rows.nrows > 0)
		rc = TK_EAUTH;
	return rc;
}

/* revocations_consumer: the durable that keeps service's
 * session_revocations, or NULL. */
static const char *
revocations_consumer(const char *service)
{
	size_t i;

	for (i = 0; i < backbone_nconsumers; i++)
		if (backbone_consumers[i].keeps != NULL &&
		    strcmp(backbone_consumers[i].keeps, "session_revocations") == 0 &&
		    strcmp(backbone_consumers[i].service, service) == 0)
			return backbone_consumers[i].durable;
	return NULL;
}

int
revoke_fresh(struct store *st, int stmt, const char *service, int *fresh)
{
	const char *durable = revocations_consumer(service);
	struct db_rows rows;
	int rc = TK_OK;

	*fresh = 0;
	if (durable == NULL)
		goto out;
	rc = db_exec(st->db, stmt,
		     (struct db_val[]){DB_S(durable), DB_I(config_int("revocation_max_lag"))}, 2,
		     st->arena, &rows);
	if (rc == TK_OK)
		*fresh = rows.nrows > 0;
out:
	return rc;
}
