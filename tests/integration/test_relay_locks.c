/*
 * The relay's claim and marking (lib/outbox.h OUTBOX_CLAIM_SQL,
 * OUTBOX_MARK_SQL) against a live MariaDB, two relays' transactions and a
 * writer driven step by step on connections of their own (READ COMMITTED,
 * as the relay's), in a scratch database with the outbox's migrations
 * (tk_relaylocks, dropped at the start and at the end).
 *
 * The interleaving of docs/DECISIONS.md "The relay's claim always through
 * outbox_unsent": relay A claims while the outbox is small (left to the
 * optimizer, through the primary key); the outbox then grows, so that
 * relay B's claim is planned through outbox_unsent, and B meets A's rows;
 * A marks its rows. B must not have locked anything of A's rows, so A's
 * marking does not wait, and the writer's insert does not wait for either
 * claim: every connection's lock wait is 1 s here (the relays' is 5 s), so
 * a wait of a second fails its statement with TK_ERETRY.
 *
 * TK_TEST_MARIADB_SOCKET names the server's unix socket, where root
 * connects by unix_socket authentication; without it the program skips
 * (exit 77). TK_SRCDIR is the source tree (sql/common/outbox).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/cu.h"
#include "buf.h"
#include "db.h"
#include "err.h"
#include "migrate.h"
#include "outbox.h"
#include "uuid.h"

#define SCRATCH "tk_relaylocks"
#define SMALL_SENT 10   /* rows of a small outbox: its claims go through PRIMARY */
#define SMALL_UNSENT 20 /* ... and A claims them all */
#define GROWN_SENT 3000 /* rows added before B's claim: through outbox_unsent */
#define GROWN_UNSENT 20 /* ... and B claims these */

enum adm { ADM_DROP, ADM_CREATE, ADM__MAX };

static const char *const adm_sql[ADM__MAX] = {
    [ADM_DROP] = "DROP DATABASE IF EXISTS " SCRATCH,
    [ADM_CREATE] = "CREATE DATABASE " SCRATCH " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
};

/* The relay's statements, a writer's, and the test's own. */
enum st {
	ST_CLAIM,
	ST_MARK,
	ST_INSERT,
	ST_SHORT_LOCK_WAIT,
	ST_ADD_SENT,
	ST_ADD_UNSENT,
	ST_UNSENT,
	ST__MAX
};

static const char *const st_sql[ST__MAX] = {
    [ST_CLAIM] = OUTBOX_CLAIM_SQL,
    [ST_MARK] = OUTBOX_MARK_SQL,
    [ST_INSERT] = OUTBOX_INSERT_SQL,
    [ST_SHORT_LOCK_WAIT] = "SET SESSION innodb_lock_wait_timeout = 1",
    /* Parameter: how many rows. */
    [ST_ADD_SENT] = "INSERT INTO outbox (event_id, subject, payload, sent_at) "
		    "SELECT UUID(), 'ticketing.test.sent', '{}', NOW(6) FROM seq_1_to_100000 "
		    "LIMIT ?",
    [ST_ADD_UNSENT] = "INSERT INTO outbox (event_id, subject, payload) "
		      "SELECT UUID(), 'ticketing.test.unsent', '{}' FROM seq_1_to_100000 LIMIT ?",
    [ST_UNSENT] = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL",
};

static const char *sock;

/* A relay's transaction: its connection and the ids it claimed. */
struct claim {
	struct db *db;
	struct db_val ids[OUTBOX_BATCH]; /* the rest DB_I(0), as the relay's */
	size_t n;
};

static struct db *
conn(const char *database, const char *const *stmts, size_t n)
{
	struct db_conf c = {
	    .socket = sock, .user = "root", .database = database, .isolation = DB_READ_COMMITTED};

	return db_new(&c, stmts, n);
}

static int
add(struct db *db, int stmt, int64_t n)
{
	return db_exec(db, stmt, (struct db_val[]){DB_I(n)}, 1, NULL, NULL);
}

/* lock_wait_1s: db's lock wait is 1 s (until it reconnects, which these
 * tests do not expect). */
static int
lock_wait_1s(struct db *db)
{
	return db_exec(db, ST_SHORT_LOCK_WAIT, NULL, 0, NULL, NULL);
}

/* claim: open c's transaction and claim, as the relay does; TK_OK or the
 * first error. */
static int
claim(struct claim *c)
{
	struct db_rows r;
	size_t i;
	int rc = lock_wait_1s(c->db);

	if (rc == TK_OK)
		rc = db_begin(c->db);
	if (rc == TK_OK)
		rc = db_exec(c->db, ST_CLAIM, NULL, 0, cu_arena, &r);
	if (rc != TK_OK)
		return rc;
	for (i = 0; i < OUTBOX_BATCH; i++)
		c->ids[i] = DB_I(i < r.nrows ? db_int(&r, i, 0) : 0);
	c->n = r.nrows < OUTBOX_BATCH ? r.nrows : OUTBOX_BATCH;
	return TK_OK;
}

/* mark: mark c's rows and commit, as the relay's marker does; TK_OK or the
 * first error (then rolled back; TK_ERETRY when it waited a second). */
static int
mark(struct claim *c, const char *who)
{
	int rc = db_exec(c->db, ST_MARK, c->ids, OUTBOX_BATCH, NULL, NULL);

	if (rc == TK_OK)
		rc = db_commit(c->db);
	if (rc != TK_OK) {
		db_rollback(c->db);
		fprintf(stderr, "\n  %s's marking: %s\n", who, err_str(rc));
	}
	return rc;
}

static int
shared_ids(const struct claim *a, const struct claim *b)
{
	size_t i, j, n = 0;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			n += a->ids[i].i == b->ids[j].i;
	return (int)n;
}

static void
test_claims_across_plans(void)
{
	struct db *w = conn(SCRATCH, st_sql, ST__MAX); /* the service writing */
	struct claim a = {.db = conn(SCRATCH, st_sql, ST__MAX)};
	struct claim b = {.db = conn(SCRATCH, st_sql, ST__MAX)};
	char event_id[UUID_STR_LEN + 1];
	struct db_rows r;

	CU_ASSERT_EQUAL_FATAL(lock_wait_1s(w), TK_OK);
	CU_ASSERT_EQUAL_FATAL(add(w, ST_ADD_SENT, SMALL_SENT), TK_OK);
	CU_ASSERT_EQUAL_FATAL(add(w, ST_ADD_UNSENT, SMALL_UNSENT), TK_OK);
	/* Relay A claims the small outbox's unsent rows and holds them (it
	 * publishes them now). */
	CU_ASSERT_EQUAL_FATAL(claim(&a), TK_OK);
	CU_ASSERT_EQUAL(a.n, SMALL_UNSENT);
	/* The service commits more: many rows went out meanwhile, a few wait. */
	CU_ASSERT_EQUAL(add(w, ST_ADD_SENT, GROWN_SENT), TK_OK);
	CU_ASSERT_EQUAL(add(w, ST_ADD_UNSENT, GROWN_UNSENT), TK_OK);
	/* Relay B claims: the new rows, none of A's. */
	CU_ASSERT_EQUAL_FATAL(claim(&b), TK_OK);
	CU_ASSERT_EQUAL(b.n, GROWN_UNSENT);
	CU_ASSERT_EQUAL(shared_ids(&a, &b), 0);
	/* A writer's transaction while both hold their claims. */
	uuid_v7(event_id);
	CU_ASSERT_EQUAL(db_begin(w), TK_OK);
	CU_ASSERT_EQUAL(
	    db_exec(w, ST_INSERT,
		    (struct db_val[]){DB_S(event_id), DB_S("ticketing.test.written"), DB_S("{}")},
		    3, NULL, NULL),
	    TK_OK);
	CU_ASSERT_EQUAL(db_commit(w), TK_OK);
	/* A's PubAcks came: A marks its rows while B still holds its own, then
	 * B marks. */
	CU_ASSERT_EQUAL(mark(&a, "relay A"), TK_OK);
	CU_ASSERT_EQUAL(mark(&b, "relay B"), TK_OK);
	/* Every claimed row went out once; the writer's waits. */
	CU_ASSERT_EQUAL(db_exec(w, ST_UNSENT, NULL, 0, cu_arena, &r), TK_OK);
	CU_ASSERT_EQUAL(r.nrows == 1 ? db_int(&r, 0, 0) : -1, 1);
	db_free(a.db);
	db_free(b.db);
	db_free(w);
}

static int
suite_init(void)
{
	const char *src = getenv("TK_SRCDIR");
	struct db *adm = conn(NULL, adm_sql, ADM__MAX);
	struct db_conf c = {.socket = sock, .user = "root", .database = SCRATCH};
	struct buf dir = {0};
	int applied = 0, rc;

	cu_arena_setup();
	buf_printf(&dir, "%s/sql/common/outbox", src != NULL && *src ? src : ".");
	rc = db_exec(adm, ADM_DROP, NULL, 0, NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(adm, ADM_CREATE, NULL, 0, NULL, NULL);
	if (rc == TK_OK)
		rc = migrate_run(&c, dir.data, &applied);
	buf_free(&dir);
	db_free(adm);
	return rc != TK_OK || applied < 1;
}

static int
suite_clean(void)
{
	struct db *adm = conn(NULL, adm_sql, ADM__MAX);

	db_exec(adm, ADM_DROP, NULL, 0, NULL, NULL);
	db_free(adm);
	return cu_arena_teardown();
}

static const struct cu_test tests[] = {
    {"two relays' claims across the optimizer's plans, a writer, the markings",
     test_claims_across_plans},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"relay locks", suite_init, suite_clean, tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	sock = getenv("TK_TEST_MARIADB_SOCKET");
	if (sock == NULL || *sock == '\0') {
		fprintf(stderr, "test_relay_locks: TK_TEST_MARIADB_SOCKET is not set; skipping\n");
		return 77;
	}
	return cu_run(suites);
}
