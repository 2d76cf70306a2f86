/*
 * revoke_session_valid (revoke.h). The lookup runs on a connection of its
 * own per thread, so it needs no entry in the service's statement table;
 * the connection closes when its thread ends.
 */
#include <pthread.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "req.h"
#include "revoke.h"
#include "sess.h"

static const char *const stmts[] = {REVOKE_LOOKUP_SQL};

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;

static void
close_db(void *db)
{
	db_free(db);
}

static void
make_key(void)
{
	pthread_key_create(&key, close_db);
}

/* thread_db: the calling thread's lookup connection. */
static struct db *
thread_db(void)
{
	struct db *db;
	struct db_conf dc;

	pthread_once(&key_once, make_key);
	db = pthread_getspecific(key);
	if (db == NULL) {
		dc = db_conf_configured();
		db = db_new(&dc, stmts, 1);
		pthread_setspecific(key, db);
	}
	return db;
}

int
revoke_session_valid(struct request *r, const struct session *s)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(thread_db(), 0, (struct db_val[]){DB_S(s->sid)}, 1, r->arena, &rows);
	if (rc == TK_OK && rows.nrows > 0)
		rc = TK_EAUTH;
	return rc;
}
