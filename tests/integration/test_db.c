/*
 * Integration tests of lib/db.c and lib/migrate.c against a live MariaDB.
 * TK_TEST_MARIADB_SOCKET names the server's unix socket, where root
 * connects by unix_socket authentication; without it the program skips
 * (exit 77). The tests work in scratch databases of their own (tk_dbtest*),
 * dropped at the start and at the end.
 */
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "dbcache.h"
#include "err.h"
#include "migrate.h"

#define SCRATCH "tk_dbtest"
#define MIGDB "tk_dbtest_mig"
#define MIGDB2 "tk_dbtest_mig2"
#define MIGDB3 "tk_dbtest_mig3"

/* Administration: databases, tables, KILL. No database selected. */
enum adm {
	ADM_DROP,
	ADM_CREATE,
	ADM_TABLE,
	ADM_KILL,
	ADM_DROP_MIG,
	ADM_CREATE_MIG,
	ADM_DROP_MIG2,
	ADM_CREATE_MIG2,
	ADM_DROP_MIG3,
	ADM_CREATE_MIG3,
	ADM__MAX
};

static const char *const adm_sql[ADM__MAX] = {
    [ADM_DROP] = "DROP DATABASE IF EXISTS " SCRATCH,
    [ADM_CREATE] = "CREATE DATABASE " SCRATCH " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
    [ADM_TABLE] = "CREATE TABLE " SCRATCH ".t ("
		  " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
		  " k VARCHAR(64) NOT NULL UNIQUE,"
		  " s VARCHAR(200) NULL,"
		  " body LONGTEXT NULL,"
		  " n BIGINT NULL,"
		  " at DATETIME(6) NULL"
		  ") ENGINE=InnoDB",
    [ADM_KILL] = "KILL CONNECTION ?",
    [ADM_DROP_MIG] = "DROP DATABASE IF EXISTS " MIGDB,
    [ADM_CREATE_MIG] = "CREATE DATABASE " MIGDB,
    [ADM_DROP_MIG2] = "DROP DATABASE IF EXISTS " MIGDB2,
    [ADM_CREATE_MIG2] = "CREATE DATABASE " MIGDB2,
    [ADM_DROP_MIG3] = "DROP DATABASE IF EXISTS " MIGDB3,
    [ADM_CREATE_MIG3] = "CREATE DATABASE " MIGDB3,
};

/* Work on the scratch table. */
enum work {
	W_INSERT,
	W_SELECT,
	W_SELECT_BODY2,
	W_COUNT,
	W_SET_N,
	W_LOCK_ROW,
	W_SHORT_LOCK_WAIT,
	W_CONN_ID,
	W_SESSION,
	W_NOW,
	W_ISOLATION,
	W_ADD_N,
	W_NEWER_S,
	W__MAX
};

static const char *const work_sql[W__MAX] = {
    [W_INSERT] = "INSERT INTO t (k, s, body, n, at) VALUES (?, ?, ?, ?, ?)",
    [W_SELECT] = "SELECT id, k, s, body, n, at FROM t WHERE k = ?",
    [W_SELECT_BODY2] = "SELECT body, k, body FROM t WHERE k = ?",
    [W_COUNT] = "SELECT COUNT(*) FROM t",
    [W_SET_N] = "UPDATE t SET n = ? WHERE k = ?",
    [W_LOCK_ROW] = "SELECT n FROM t WHERE k = ? FOR UPDATE",
    [W_SHORT_LOCK_WAIT] = "SET SESSION innodb_lock_wait_timeout = 1",
    [W_CONN_ID] = "SELECT CONNECTION_ID()",
    [W_SESSION] = "SELECT @@session.time_zone, @@session.sql_mode",
    [W_NOW] = "SELECT 1",
    [W_ISOLATION] = "SELECT @@session.tx_isolation",
    [W_ADD_N] =
	"INSERT INTO t (k, s, n) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
    /* A replica's version guard (workers/replicator): n is the version. */
    [W_NEWER_S] = "INSERT INTO t (k, s, n) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE"
		  " s = IF(VALUES(n) > n, VALUES(s), s), n = GREATEST(n, VALUES(n))",
};

/* Reading the migrated schema. */
enum mig { M_VERSIONS, M_USERS, M__MAX };

static const char *const mig_sql[M__MAX] = {
    [M_VERSIONS] = "SELECT module, version, name FROM schema_migrations ORDER BY module, version",
    [M_USERS] = "SELECT COUNT(*) FROM users",
};

static const char *sock;
static struct db *adm;
static struct arena *arena;

static struct db_conf
conf_for(const char *database)
{
	struct db_conf c = {.socket = sock, .user = "root", .database = database};
	return c;
}

static struct db *
work_db(void)
{
	struct db_conf c = conf_for(SCRATCH);
	return db_new(&c, work_sql, W__MAX);
}

static int
count_rows(struct db *db)
{
	struct db_rows r;

	if (db_exec(db, W_COUNT, NULL, 0, arena, &r) != TK_OK || r.nrows != 1)
		return -1;
	return (int)db_int(&r, 0, 0);
}

static int
insert(struct db *db, const char *k)
{
	return db_exec(db, W_INSERT, (struct db_val[]){DB_S(k), DB_NUL, DB_NUL, DB_NUL, DB_NUL}, 5,
		       NULL, NULL);
}

static void
test_roundtrip(void)
{
	struct db *db = work_db();
	struct db_rows r;
	static const char bin[] = {'a', '\0', 'b'};
	int64_t id;

	CU_ASSERT_EQUAL(db_exec(db, W_INSERT,
				(struct db_val[]){DB_S("nulls"), DB_NUL, DB_NUL, DB_NUL, DB_NUL}, 5,
				arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL(r.affected, 1);
	CU_ASSERT(r.insert_id > 0);
	id = (int64_t)r.insert_id;
	CU_ASSERT_EQUAL(r.nrows, 0);

	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("nulls")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL_FATAL(r.nrows, 1);
	CU_ASSERT_EQUAL(r.ncols, 6);
	CU_ASSERT_EQUAL(db_int(&r, 0, 0), id);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 1), "nulls");
	CU_ASSERT_EQUAL(db_cell(&r, 0, 1)->type, DB_TEXT);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 1)->len, 5);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 2)->type, DB_NULL);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 2), "");
	CU_ASSERT_EQUAL(db_cell(&r, 0, 3)->type, DB_NULL);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 4)->type, DB_NULL);
	CU_ASSERT_EQUAL(db_int(&r, 0, 4), 0);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 5)->type, DB_NULL);

	CU_ASSERT_EQUAL(db_exec(db, W_INSERT,
				(struct db_val[]){DB_S("values"), DB_S("Zoë ✓"), DB_SN(bin, 3),
						  DB_I(-9007199254740993LL),
						  DB_S("2024-02-29 23:59:58.123456")},
				5, NULL, NULL),
			TK_OK);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_SN("values!", 6)}, 1, arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL_FATAL(r.nrows, 1);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 2), "Zoë ✓");
	CU_ASSERT_EQUAL(db_cell(&r, 0, 3)->len, 3);
	CU_ASSERT(memcmp(db_cell(&r, 0, 3)->s, bin, 3) == 0);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 3)->s[3], '\0');
	CU_ASSERT_EQUAL(db_int(&r, 0, 4), -9007199254740993LL);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 5), "2024-02-29 23:59:58.123456");
	/* Not a number. */
	CU_ASSERT_EQUAL(db_int(&r, 0, 1), 0);

	/* No rows. */
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("absent")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL(r.nrows, 0);
	CU_ASSERT_EQUAL(r.ncols, 6);

	/* An update reports the rows it changed. */
	CU_ASSERT_EQUAL(
	    db_exec(db, W_SET_N, (struct db_val[]){DB_I(7), DB_S("values")}, 2, arena, &r), TK_OK);
	CU_ASSERT_EQUAL(r.affected, 1);
	CU_ASSERT_EQUAL(
	    db_exec(db, W_SET_N, (struct db_val[]){DB_I(7), DB_S("absent")}, 2, arena, &r), TK_OK);
	CU_ASSERT_EQUAL(r.affected, 0);
	db_free(db);
}

static void
test_long_text(void)
{
	struct db *db = work_db();
	struct db_rows r;
	size_t n = 200 * 1024 + 7, i;
	char *big = malloc(n);

	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	CU_ASSERT_EQUAL(
	    db_exec(db, W_INSERT,
		    (struct db_val[]){DB_S("long"), DB_SN(big, 200), DB_SN(big, n), DB_NUL, DB_NUL},
		    5, NULL, NULL),
	    TK_OK);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("long")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL_FATAL(r.nrows, 1);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 2)->len, 200);
	CU_ASSERT(memcmp(db_cell(&r, 0, 2)->s, big, 200) == 0);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 3)->len, n);
	CU_ASSERT(memcmp(db_cell(&r, 0, 3)->s, big, n) == 0);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 3)->s[n], '\0');
	CU_ASSERT_EQUAL(strlen(db_str(&r, 0, 3)), n);
	/* Two long columns in one row around a short one. */
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT_BODY2, (struct db_val[]){DB_S("long")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL_FATAL(r.nrows, 1);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 0)->len, n);
	CU_ASSERT_EQUAL(db_cell(&r, 0, 2)->len, n);
	CU_ASSERT(memcmp(db_cell(&r, 0, 0)->s, big, n) == 0);
	CU_ASSERT(memcmp(db_cell(&r, 0, 2)->s, big, n) == 0);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 1), "long");
	free(big);
	db_free(db);
}

static void
test_strict_and_session(void)
{
	struct db *db = work_db();
	struct db_rows r;
	char longer[201];

	/* Strict mode: too long a value and a non-number are errors. */
	memset(longer, 'x', sizeof(longer));
	CU_ASSERT_EQUAL(
	    db_exec(db, W_INSERT,
		    (struct db_val[]){DB_S("strict1"), DB_SN(longer, 201), DB_NUL, DB_NUL, DB_NUL},
		    5, NULL, NULL),
	    TK_EDB);
	CU_ASSERT_EQUAL(
	    db_exec(db, W_INSERT,
		    (struct db_val[]){DB_S("strict2"), DB_NUL, DB_NUL, DB_S("abc"), DB_NUL}, 5,
		    NULL, NULL),
	    TK_EDB);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("strict1")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT_EQUAL(r.nrows, 0);
	CU_ASSERT_EQUAL(db_exec(db, W_SESSION, NULL, 0, arena, &r), TK_OK);
	CU_ASSERT_EQUAL_FATAL(r.nrows, 1);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 0), "+00:00");
	CU_ASSERT_PTR_NOT_NULL(strstr(db_str(&r, 0, 1), "STRICT_ALL_TABLES"));
	CU_ASSERT_PTR_NOT_NULL(strstr(db_str(&r, 0, 1), "NO_ZERO_DATE"));
	/* Wrong parameter count and statement index: errors, no crash. */
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, NULL, 0, arena, &r), TK_EDB);
	CU_ASSERT_EQUAL(db_exec(db, W__MAX, NULL, 0, arena, &r), TK_EDB);
	CU_ASSERT_EQUAL(db_exec(db, -1, NULL, 0, arena, &r), TK_EDB);
	/* A result set needs an arena. */
	CU_ASSERT_EQUAL(db_exec(db, W_COUNT, NULL, 0, NULL, &r), TK_EDB);
	/* Discarding a result set leaves the connection usable. */
	CU_ASSERT_EQUAL(db_exec(db, W_COUNT, NULL, 0, NULL, NULL), TK_OK);
	CU_ASSERT(count_rows(db) >= 0);
	db_free(db);
}

static void
test_duplicate(void)
{
	struct db *db = work_db();
	int before;

	CU_ASSERT_EQUAL(insert(db, "dup"), TK_OK);
	before = count_rows(db);
	CU_ASSERT_EQUAL(insert(db, "dup"), TK_EEXIST);
	CU_ASSERT_EQUAL(insert(db, "dup"), TK_EEXIST);
	/* The statement stays usable after the error. */
	CU_ASSERT_EQUAL(insert(db, "dup2"), TK_OK);
	CU_ASSERT_EQUAL(count_rows(db), before + 1);
	db_free(db);
}

/* db_exec_rows: several parameter sets in one statement, applied in
 * order (two sets for one key add up), NULLs among them, one trace entry;
 * a duplicate among them fails the call; single executions of the same
 * statement work again after it. */
static void
test_rows(void)
{
	struct db *db = work_db();
	struct db_rows r;
	uint64_t affected = 0;
	int before = count_rows(db);

	db_trace_reset(db);
	CU_ASSERT_EQUAL(db_exec_rows(db, W_ADD_N,
				     (struct db_val[]){DB_S("rows-a"), DB_S("first"), DB_I(1),
						       DB_S("rows-b"), DB_NUL, DB_I(10),
						       DB_S("rows-a"), DB_S("ignored"), DB_I(2)},
				     3, 3, &affected),
			TK_OK);
	CU_ASSERT_STRING_EQUAL(db_trace(db, arena), "1:11");
	/* Two inserted rows count 1 each, the update of one 2. */
	CU_ASSERT_EQUAL(affected, 4);
	CU_ASSERT_EQUAL(count_rows(db), before + 2);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("rows-a")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT(r.nrows == 1 && strcmp(db_str(&r, 0, 2), "first") == 0 && db_int(&r, 0, 4) == 3);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("rows-b")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT(r.nrows == 1 && db_cell(&r, 0, 2)->type == DB_NULL && db_int(&r, 0, 4) == 10);
	/* Single execution of the same statement after the arrays. */
	CU_ASSERT_EQUAL(
	    db_exec(db, W_ADD_N, (struct db_val[]){DB_S("rows-b"), DB_NUL, DB_I(5)}, 3, NULL, NULL),
	    TK_OK);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("rows-b")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT(r.nrows == 1 && db_int(&r, 0, 4) == 15);
	/* A version guard sees the sets before it: an older version after a
	 * newer one of the same key changes nothing, a newer one wins. */
	CU_ASSERT_EQUAL(
	    db_exec_rows(db, W_NEWER_S,
			 (struct db_val[]){DB_S("rows-v"), DB_S("three"), DB_I(3), DB_S("rows-v"),
					   DB_S("two"), DB_I(2), DB_S("rows-w"), DB_S("one"),
					   DB_I(1), DB_S("rows-w"), DB_S("four"), DB_I(4)},
			 3, 4, NULL),
	    TK_OK);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("rows-v")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT(r.nrows == 1 && strcmp(db_str(&r, 0, 2), "three") == 0 && db_int(&r, 0, 4) == 3);
	CU_ASSERT_EQUAL(db_exec(db, W_SELECT, (struct db_val[]){DB_S("rows-w")}, 1, arena, &r),
			TK_OK);
	CU_ASSERT(r.nrows == 1 && strcmp(db_str(&r, 0, 2), "four") == 0 && db_int(&r, 0, 4) == 4);
	/* A duplicate key among the sets fails the whole call, which a
	 * transaction then undoes. */
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(
	    db_exec_rows(db, W_INSERT,
			 (struct db_val[]){DB_S("rows-c"), DB_NUL, DB_NUL, DB_NUL, DB_NUL,
					   DB_S("rows-a"), DB_NUL, DB_NUL, DB_NUL, DB_NUL},
			 5, 2, NULL),
	    TK_EEXIST);
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);
	CU_ASSERT_EQUAL(count_rows(db), before + 4);
	/* No sets: nothing sent. */
	db_trace_reset(db);
	CU_ASSERT_EQUAL(db_exec_rows(db, W_INSERT, NULL, 5, 0, &affected), TK_OK);
	CU_ASSERT_EQUAL(affected, 0);
	CU_ASSERT_STRING_EQUAL(db_trace(db, arena), "0:");
	db_free(db);
}

/* cached_s: column s of key k read through dbcache_exec (ttl_ms), or
 * "(error)"; "(none)" when there is no such row. In the arena. */
static const char *
cached_s(struct db *db, const char *k, int64_t ttl_ms)
{
	struct db_rows r;

	if (dbcache_exec(db, W_SELECT, (struct db_val[]){DB_S(k)}, 1, ttl_ms, arena, &r) != TK_OK)
		return "(error)";
	return r.nrows == 1 ? db_str(&r, 0, 2) : "(none)";
}

/* set_s: column s of key k, changed by another process (a child with its
 * own connection, whose writes this process's db_generation never sees). */
static void
set_s(const char *k, const char *v)
{
	static const char *const sql[] = {"UPDATE t SET s = ? WHERE k = ?"};
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct db_conf c = conf_for(SCRATCH);
		struct db *raw = db_new(&c, sql, 1);
		int rc = db_exec(raw, 0, (struct db_val[]){DB_S(v), DB_S(k)}, 2, NULL, NULL);

		db_free(raw);
		_exit(rc == TK_OK ? 0 : 1);
	}
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* dbcache_exec: a copy per statement and parameters, kept for its lifetime
 * while this process writes nothing; each key gets its own rows back. */
static void
test_dbcache(void)
{
	struct db *db = work_db();
	char k[32], v[32];
	int i, round, wrong = 0;

	for (i = 0; i < DBCACHE_SLOTS + 4; i++) {
		snprintf(k, sizeof(k), "cache-%d", i);
		snprintf(v, sizeof(v), "value %d", i);
		CU_ASSERT_EQUAL(db_exec(db, W_INSERT,
					(struct db_val[]){DB_S(k), DB_S(v), DB_NUL, DB_NUL, DB_NUL},
					5, NULL, NULL),
				TK_OK);
	}
	/* Every key gives its own row, read through the cache in turn, more
	 * keys than it holds. */
	for (round = 0; round < 3; round++)
		for (i = 0; i < DBCACHE_SLOTS + 4; i++) {
			snprintf(k, sizeof(k), "cache-%d", i);
			snprintf(v, sizeof(v), "value %d", i);
			if (strcmp(cached_s(db, k, 60000), v) != 0)
				wrong++;
		}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-absent", 60000), "(none)");

	/* A change made elsewhere shows once the copy's lifetime is over. */
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-1", 60000), "value 1");
	set_s("cache-1", "changed elsewhere");
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-1", 60000), "value 1");
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-1", 0), "changed elsewhere");

	/* A change this process makes drops the copies at once: in autocommit
	 * mode, and through a commit. */
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-2", 60000), "value 2");
	CU_ASSERT_EQUAL(
	    db_exec(db, W_SET_N, (struct db_val[]){DB_I(1), DB_S("cache-2")}, 2, NULL, NULL),
	    TK_OK);
	set_s("cache-2", "changed 2"); /* after the write, before the read */
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-2", 60000), "changed 2");
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-4", 60000), "value 4");
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-5", 60000), "value 5");
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(
	    db_exec(db, W_SET_N, (struct db_val[]){DB_I(2), DB_S("cache-3")}, 2, NULL, NULL),
	    TK_OK);
	/* Inside a transaction it always reads (kept from before it: value 5). */
	set_s("cache-5", "changed 5");
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-5", 60000), "changed 5");
	set_s("cache-4", "changed 4");
	CU_ASSERT_EQUAL(db_commit(db), TK_OK);
	CU_ASSERT_STRING_EQUAL(cached_s(db, "cache-4", 60000), "changed 4");
	db_free(db);
}

static void
test_transactions(void)
{
	struct db *db = work_db(), *other = work_db();
	int before = count_rows(db);

	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "tx-rolled-back"), TK_OK);
	CU_ASSERT_EQUAL(count_rows(db), before + 1);
	CU_ASSERT_EQUAL(count_rows(other), before);
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);
	CU_ASSERT_EQUAL(count_rows(db), before);

	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "tx-a"), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "tx-b"), TK_OK);
	CU_ASSERT_EQUAL(count_rows(other), before);
	CU_ASSERT_EQUAL(db_commit(db), TK_OK);
	CU_ASSERT_EQUAL(count_rows(other), before + 2);

	/* A duplicate inside a transaction leaves the earlier rows to the
	 * caller's decision. */
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "tx-c"), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "tx-a"), TK_EEXIST);
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);
	CU_ASSERT_EQUAL(count_rows(other), before + 2);

	/* Commit and rollback outside a transaction are harmless. */
	CU_ASSERT_EQUAL(db_commit(db), TK_OK);
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);
	db_free(db);
	db_free(other);
}

static void
test_lock_wait(void)
{
	struct db *holder = work_db(), *waiter = work_db();
	struct db_rows r;
	time_t t0;

	CU_ASSERT_EQUAL(insert(holder, "locked"), TK_OK);
	CU_ASSERT_EQUAL(db_exec(waiter, W_SHORT_LOCK_WAIT, NULL, 0, NULL, NULL), TK_OK);

	CU_ASSERT_EQUAL(db_begin(holder), TK_OK);
	CU_ASSERT_EQUAL(
	    db_exec(holder, W_LOCK_ROW, (struct db_val[]){DB_S("locked")}, 1, arena, &r), TK_OK);
	CU_ASSERT_EQUAL(r.nrows, 1);

	t0 = time(NULL);
	CU_ASSERT_EQUAL(db_begin(waiter), TK_OK);
	/* A write and a locking read: the timeout may surface at execute or
	 * while the result is read; both must say TK_ERETRY. */
	CU_ASSERT_EQUAL(
	    db_exec(waiter, W_SET_N, (struct db_val[]){DB_I(1), DB_S("locked")}, 2, NULL, NULL),
	    TK_ERETRY);
	CU_ASSERT_EQUAL(
	    db_exec(waiter, W_LOCK_ROW, (struct db_val[]){DB_S("locked")}, 1, arena, &r),
	    TK_ERETRY);
	CU_ASSERT(time(NULL) - t0 < 8);
	CU_ASSERT_EQUAL(db_rollback(waiter), TK_OK);
	CU_ASSERT_EQUAL(db_commit(holder), TK_OK);

	/* Released: the same statements succeed. */
	CU_ASSERT_EQUAL(
	    db_exec(waiter, W_SET_N, (struct db_val[]){DB_I(2), DB_S("locked")}, 2, arena, &r),
	    TK_OK);
	CU_ASSERT_EQUAL(r.affected, 1);
	db_free(holder);
	db_free(waiter);
}

static int64_t
conn_id(struct db *db)
{
	struct db_rows r;

	if (db_exec(db, W_CONN_ID, NULL, 0, arena, &r) != TK_OK || r.nrows != 1)
		return -1;
	return db_int(&r, 0, 0);
}

static void
kill_conn(int64_t id)
{
	CU_ASSERT_EQUAL(db_exec(adm, ADM_KILL, (struct db_val[]){DB_I(id)}, 1, NULL, NULL), TK_OK);
}

static void
test_reconnect(void)
{
	struct db *db = work_db();
	int64_t id, id2;
	int before;

	/* Killed between statements, outside a transaction: the next
	 * statement cannot be sent on the dead link, so it cannot have run;
	 * it is sent again on a new link and succeeds. */
	id = conn_id(db);
	CU_ASSERT(id > 0);
	kill_conn(id);
	before = count_rows(db);
	CU_ASSERT(before >= 0);
	id2 = conn_id(db);
	CU_ASSERT(id2 > 0 && id2 != id);
	/* The statements were prepared again on the new link. */
	CU_ASSERT_EQUAL(insert(db, "after-kill"), TK_OK);
	CU_ASSERT_EQUAL(count_rows(db), before + 1);

	/* Killed inside a transaction: the transaction is over, and the
	 * next statements must not run outside it on a new link. */
	before = count_rows(db);
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "lost-1"), TK_OK);
	kill_conn(conn_id(db));
	CU_ASSERT_EQUAL(insert(db, "lost-2"), TK_EDBDOWN);
	CU_ASSERT_EQUAL(insert(db, "lost-3"), TK_EDBDOWN);
	CU_ASSERT_EQUAL(db_commit(db), TK_EDBDOWN);
	CU_ASSERT_EQUAL(count_rows(db), before);

	/* Rolling back over a dropped link is quiet. */
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_EQUAL(insert(db, "lost-4"), TK_OK);
	kill_conn(conn_id(db));
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);
	CU_ASSERT_EQUAL(count_rows(db), before);
	CU_ASSERT_EQUAL(db_ping(db), TK_OK);
	db_free(db);
}

/* isolation: the session's isolation level as MariaDB names it, in the
 * arena ("" on failure). */
static const char *
isolation(struct db *db)
{
	struct db_rows r;

	if (db_exec(db, W_ISOLATION, NULL, 0, arena, &r) != TK_OK || r.nrows != 1)
		return "";
	return db_str(&r, 0, 0);
}

static void
test_isolation_reconnect(void)
{
	struct db_conf c = conf_for(SCRATCH);
	struct db *db, *plain = work_db();
	int64_t id, id2;

	c.isolation = DB_READ_COMMITTED;
	db = db_new(&c, work_sql, W__MAX);
	CU_ASSERT_STRING_EQUAL(isolation(plain), "REPEATABLE-READ");
	CU_ASSERT_STRING_EQUAL(isolation(db), "READ-COMMITTED");

	/* Killed while idle: db_begin cannot send START TRANSACTION on the
	 * dead link, so it opens a new connection and begins there. That
	 * transaction must still be READ COMMITTED (the relay's claim relies
	 * on it). */
	id = conn_id(db);
	CU_ASSERT(id > 0);
	kill_conn(id);
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	id2 = conn_id(db);
	CU_ASSERT(id2 > 0 && id2 != id);
	CU_ASSERT_STRING_EQUAL(isolation(db), "READ-COMMITTED");
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);

	/* Killed inside a transaction: the next db_begin reconnects in
	 * ensure(); the level is there too. */
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	kill_conn(conn_id(db));
	CU_ASSERT_EQUAL(db_exec(db, W_NOW, NULL, 0, NULL, NULL), TK_EDBDOWN);
	CU_ASSERT_EQUAL(db_begin(db), TK_OK);
	CU_ASSERT_STRING_EQUAL(isolation(db), "READ-COMMITTED");
	CU_ASSERT_EQUAL(db_commit(db), TK_OK);
	db_free(db);
	db_free(plain);
}

static void
test_unreachable(void)
{
	struct db_conf c = {.socket = "/nonexistent/mysqld.sock", .user = "root"};
	struct db_conf bad_db = conf_for("tk_dbtest_no_such_database");
	struct db *db = db_new(&c, work_sql, W__MAX), *db2;

	CU_ASSERT_EQUAL(db_ping(db), TK_EDBDOWN);
	CU_ASSERT_EQUAL(db_exec(db, W_NOW, NULL, 0, NULL, NULL), TK_EDBDOWN);
	CU_ASSERT_EQUAL(db_begin(db), TK_EDBDOWN);
	CU_ASSERT_EQUAL(db_rollback(db), TK_OK);
	db_free(db);
	db2 = db_new(&bad_db, work_sql, W__MAX);
	CU_ASSERT_EQUAL(db_exec(db2, W_NOW, NULL, 0, NULL, NULL), TK_EDBDOWN);
	db_free(db2);
	db_free(NULL);
}

static void
test_bad_statement(void)
{
	static const char *const bad[] = {"SELECT 1", "SELEKT nonsense"};
	struct db_conf c = conf_for(SCRATCH);
	struct db *db = db_new(&c, bad, 2);

	/* Statements are prepared as they are used: the good one runs, the
	 * bad one fails alone and leaves the link up. */
	CU_ASSERT_EQUAL(db_exec(db, 0, NULL, 0, NULL, NULL), TK_OK);
	CU_ASSERT_EQUAL(db_exec(db, 1, NULL, 0, NULL, NULL), TK_EDB);
	CU_ASSERT_EQUAL(db_ping(db), TK_OK);
	CU_ASSERT_EQUAL(db_exec(db, 0, NULL, 0, NULL, NULL), TK_OK);
	db_free(db);
}

/* A folder of migration files under /tmp; names and bodies in pairs. */
static char *
make_migrations(const char *const *files, size_t n)
{
	char tmpl[] = "/tmp/tk_migrate.XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct buf path = {0};
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	for (i = 0; i + 1 < n; i += 2) {
		FILE *f;

		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, files[i]);
		f = fopen(path.data, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(files[i + 1], f);
		fclose(f);
	}
	buf_free(&path);
	return strdup(dir);
}

static void
remove_migrations(char *dir, const char *const *files, size_t n)
{
	struct buf path = {0};
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, files[i]);
		unlink(path.data);
	}
	rmdir(dir);
	buf_free(&path);
	free(dir);
}

/* sql_files: how many migrations folder dir holds (its *.sql files). */
static int
sql_files(const char *dir)
{
	struct buf pattern = {0};
	glob_t g;
	int n = 0;

	buf_printf(&pattern, "%s/*.sql", dir);
	if (glob(pattern.data, 0, NULL, &g) == 0)
		n = (int)g.gl_pathc;
	globfree(&g);
	buf_free(&pattern);
	return n;
}

static void
test_migrate_auth(void)
{
	const char *src = getenv("TK_SRCDIR");
	struct db_conf c = conf_for(MIGDB);
	struct buf dir = {0};
	struct db *db;
	struct db_rows r;
	int applied = -1, n;

	buf_printf(&dir, "%s/sql/auth", src && *src ? src : ".");
	n = sql_files(dir.data);
	CU_ASSERT_FATAL(n >= 2);
	CU_ASSERT_EQUAL(db_exec(adm, ADM_DROP_MIG, NULL, 0, NULL, NULL), TK_OK);
	CU_ASSERT_EQUAL(db_exec(adm, ADM_CREATE_MIG, NULL, 0, NULL, NULL), TK_OK);
	CU_ASSERT_EQUAL(migrate_run(&c, dir.data, &applied), TK_OK);
	CU_ASSERT_EQUAL(applied, n);
	CU_ASSERT_EQUAL(migrate_run(&c, dir.data, &applied), TK_OK);
	CU_ASSERT_EQUAL(applied, 0);
	/* A shared table's folder has its own numbers: its 001 is not auth's. */
	buf_reset(&dir);
	buf_printf(&dir, "%s/sql/common/outbox/", src && *src ? src : ".");
	CU_ASSERT_EQUAL(migrate_run(&c, dir.data, &applied), TK_OK);
	CU_ASSERT_EQUAL(applied, 1);
	CU_ASSERT_EQUAL(migrate_run(&c, dir.data, &applied), TK_OK);
	CU_ASSERT_EQUAL(applied, 0);

	db = db_new(&c, mig_sql, M__MAX);
	CU_ASSERT_EQUAL(db_exec(db, M_VERSIONS, NULL, 0, arena, &r), TK_OK);
	CU_ASSERT_EQUAL_FATAL(r.nrows, (size_t)n + 1);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 0), "auth");
	CU_ASSERT_EQUAL(db_int(&r, 0, 1), 1);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 2), "001_users.sql");
	CU_ASSERT_STRING_EQUAL(db_str(&r, 1, 0), "auth");
	CU_ASSERT_EQUAL(db_int(&r, 1, 1), 2);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 1, 2), "002_sessions.sql");
	CU_ASSERT_STRING_EQUAL(db_str(&r, n, 0), "outbox");
	CU_ASSERT_EQUAL(db_int(&r, n, 1), 1);
	CU_ASSERT_STRING_EQUAL(db_str(&r, n, 2), "001_outbox.sql");
	CU_ASSERT_EQUAL(db_exec(db, M_USERS, NULL, 0, arena, &r), TK_OK);
	CU_ASSERT_STRING_EQUAL(db_str(&r, 0, 0), "0");
	db_free(db);
	CU_ASSERT_EQUAL(migrate_run(&c, "/nonexistent/sql/auth", &applied), TK_EIO);
	buf_free(&dir);
}

static void
test_migrate_failure(void)
{
	static const char *const files[] = {
	    "001_a.sql",
	    ("CREATE TABLE a (x INT COMMENT 'x') COMMENT 'a';\n"
	     "INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\n"),
	    "010_b.sql",
	    "CREATE TABLE b (x INT COMMENT 'x');\nINSERT INTO nope VALUES (1);\n",
	    "011_c.sql",
	    "CREATE TABLE c (x INT COMMENT 'x');\n",
	    "README",
	    "not a migration\n",
	};
	static const char *const misnamed[] = {"01a_x.sql", "SELECT 1;\n"};
	static const char *const twins[] = {"1_a.sql", "SELECT 1;\n", "001_b.sql", "SELECT 1;\n"};
	size_t n = sizeof(files) / sizeof(files[0]);
	struct db_conf c = conf_for(MIGDB3);
	char *dir;
	int applied = -1;

	CU_ASSERT_EQUAL(db_exec(adm, ADM_DROP_MIG3, NULL, 0, NULL, NULL), TK_OK);
	CU_ASSERT_EQUAL(db_exec(adm, ADM_CREATE_MIG3, NULL, 0, NULL, NULL), TK_OK);
	/* The second statement of 010 fails: 001 stays applied, 010 is not
	 * recorded, 011 is not attempted. */
	dir = make_migrations(files, n);
	CU_ASSERT_EQUAL(migrate_run(&c, dir, &applied), TK_EDB);
	CU_ASSERT_EQUAL(applied, 1);
	CU_ASSERT_EQUAL(migrate_run(&c, dir, &applied), TK_EDB);
	CU_ASSERT_EQUAL(applied, 0);
	remove_migrations(dir, files, n);

	dir = make_migrations(misnamed, 2);
	CU_ASSERT_EQUAL(migrate_run(&c, dir, &applied), TK_EINVAL);
	CU_ASSERT_EQUAL(applied, 0);
	remove_migrations(dir, misnamed, 2);

	dir = make_migrations(twins, 4);
	CU_ASSERT_EQUAL(migrate_run(&c, dir, &applied), TK_EINVAL);
	remove_migrations(dir, twins, 4);
}

struct migrator {
	const char *dir;
	int rc, applied;
};

static void *
run_migrator(void *arg)
{
	struct migrator *m = arg;
	struct db_conf c = conf_for(MIGDB2);

	m->rc = migrate_run(&c, m->dir, &m->applied);
	return NULL;
}

static void
test_migrate_concurrent(void)
{
	const char *src = getenv("TK_SRCDIR");
	struct buf dir = {0};
	struct migrator m[3];
	pthread_t t[3];
	int i, total = 0;

	buf_printf(&dir, "%s/sql/auth", src && *src ? src : ".");
	CU_ASSERT_EQUAL(db_exec(adm, ADM_DROP_MIG2, NULL, 0, NULL, NULL), TK_OK);
	CU_ASSERT_EQUAL(db_exec(adm, ADM_CREATE_MIG2, NULL, 0, NULL, NULL), TK_OK);
	for (i = 0; i < 3; i++) {
		m[i].dir = dir.data;
		m[i].rc = -100;
		m[i].applied = -1;
		pthread_create(&t[i], NULL, run_migrator, &m[i]);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(m[i].rc, TK_OK);
		total += m[i].applied;
	}
	CU_ASSERT_EQUAL(total, sql_files(dir.data));
	buf_free(&dir);
}

static int
suite_init(void)
{
	struct db_conf c = conf_for(NULL);

	arena = arena_new();
	adm = db_new(&c, adm_sql, ADM__MAX);
	if (db_exec(adm, ADM_DROP, NULL, 0, NULL, NULL) != TK_OK ||
	    db_exec(adm, ADM_CREATE, NULL, 0, NULL, NULL) != TK_OK ||
	    db_exec(adm, ADM_TABLE, NULL, 0, NULL, NULL) != TK_OK)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	db_exec(adm, ADM_DROP, NULL, 0, NULL, NULL);
	db_exec(adm, ADM_DROP_MIG, NULL, 0, NULL, NULL);
	db_exec(adm, ADM_DROP_MIG2, NULL, 0, NULL, NULL);
	db_exec(adm, ADM_DROP_MIG3, NULL, 0, NULL, NULL);
	db_free(adm);
	arena_free(arena);
	return 0;
}

int
main(void)
{
	CU_pSuite s;
	int failures;

	sock = getenv("TK_TEST_MARIADB_SOCKET");
	if (sock == NULL || *sock == '\0') {
		fprintf(stderr, "test_db: TK_TEST_MARIADB_SOCKET is not set; skipping\n");
		return 77;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("db", suite_init, suite_clean);
	CU_add_test(s, "insert/select round trip, NULLs", test_roundtrip);
	CU_add_test(s, "long text (fetch_column path)", test_long_text);
	CU_add_test(s, "strict session, misuse", test_strict_and_session);
	CU_add_test(s, "duplicate key is TK_EEXIST", test_duplicate);
	CU_add_test(s, "parameter sets in one statement (db_exec_rows)", test_rows);
	CU_add_test(s, "commit and rollback", test_transactions);
	CU_add_test(s, "results kept per thread (dbcache)", test_dbcache);
	CU_add_test(s, "lock wait timeout is TK_ERETRY", test_lock_wait);
	CU_add_test(s, "killed connection, reconnect", test_reconnect);
	CU_add_test(s, "isolation level kept across a reconnect in db_begin",
		    test_isolation_reconnect);
	CU_add_test(s, "unreachable server", test_unreachable);
	CU_add_test(s, "statement that does not prepare", test_bad_statement);
	CU_add_test(s, "migrate sql/auth twice", test_migrate_auth);
	CU_add_test(s, "migration failure and bad names", test_migrate_failure);
	CU_add_test(s, "concurrent migrators", test_migrate_concurrent);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = (int)CU_get_number_of_failures();
	if (CU_get_number_of_suites_failed() > 0)
		failures++;
	CU_cleanup_registry();
	return failures != 0;
}
