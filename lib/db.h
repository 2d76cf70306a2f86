/*
 * MariaDB access. Each thread owns one struct db: one connection and the
 * service's statements, from a table indexed by the service's statement
 * enum, each prepared on the connection the first time it is used there.
 * Only data-access code calls db_exec; only db.c calls mysql_*. No SQL is
 * ever built from strings.
 *
 * Outages: when the server goes away, the call fails with TK_EDBDOWN (the
 * request answers 503) and the connection is dropped; the next call
 * reconnects and prepares the statements again as they are used. A
 * statement that may already have run is never retried; one the client
 * could not send at all, outside a transaction, is sent once more on a new
 * connection. With several servers (a primary and its replicas), the next
 * call also looks for the one that accepts writes, as it does after a
 * write refused as read-only (a demoted primary).
 */
#ifndef TK_DB_H
#define TK_DB_H
#include <stddef.h>
#include <stdint.h>

struct arena;

/* The transaction isolation a handle sets on every connection it opens. */
enum db_isolation {
	DB_ISOLATION_SERVER, /* the server's default (REPEATABLE READ) */
	DB_READ_COMMITTED,
	DB_ISOLATION__MAX
};

struct db_conf {
	const char *socket; /* unix socket path, or NULL for TCP */
	/* When socket is NULL: one server, or a comma-separated list (the
	 * db_host of lib/dbhost.h) tried in order for the first that accepts
	 * writes (db.c's comment says what happens when none does). */
	const char *host;
	unsigned port; /* the port of an entry without its own */
	const char *user;
	const char *password;
	const char *database;
	/* Set on each connection right after it opens, so a reconnect (also
	 * the one inside db_begin) never runs a transaction at another level. */
	enum db_isolation isolation;
};

enum db_type {
	DB_NULL,
	DB_INT,  /* int64 */
	DB_TEXT, /* bytes with a length (UTF-8 text or binary) */
};

struct db_val {
	enum db_type type;
	int64_t i;
	const char *s; /* DB_TEXT: not necessarily NUL-terminated on input */
	size_t len;
};

/* Parameter constructors for a compound literal list. */
#define DB_I(v) ((struct db_val){.type = DB_INT, .i = (v)})
#define DB_S(v) ((struct db_val){.type = DB_TEXT, .s = (v), .len = strlen(v)})
#define DB_SN(v, n) ((struct db_val){.type = DB_TEXT, .s = (v), .len = (n)})
#define DB_NUL ((struct db_val){.type = DB_NULL})

/*
 * A result set, fetched whole into the arena. Every column comes back as
 * text (NUL-terminated, cell->s/len) or DB_NULL; use db_int to read numbers.
 */
struct db_rows {
	size_t nrows;
	size_t ncols;
	struct db_val *cells; /* row-major: cells[row * ncols + col] */
	uint64_t affected;    /* rows changed by INSERT/UPDATE/DELETE */
	uint64_t insert_id;
};

/* db_cell: the cell at row, col (both in range). */
const struct db_val *db_cell(const struct db_rows *rows, size_t row, size_t col);
/* db_str: the cell as a NUL-terminated string ("" for NULL). */
const char *db_str(const struct db_rows *rows, size_t row, size_t col);
/* db_int: the cell parsed as a decimal int64 (0 for NULL or non-numbers). */
int64_t db_int(const struct db_rows *rows, size_t row, size_t col);

/* db_conf_configured: the db_* settings of the loaded configuration
 * (config.h); the strings belong to the configuration. */
struct db_conf db_conf_configured(void);

/*
 * db_new: a handle that will connect with conf (strings are copied) and
 * prepare each of stmts[0..nstmts) on a connection when it is first run
 * there; a statement that does not prepare fails that db_exec with TK_EDB
 * and leaves the link up. It connects lazily, on the first call that needs
 * the server. Owned by the caller; db_free.
 */
struct db *db_new(const struct db_conf *conf, const char *const *stmts, size_t nstmts);
/* db_free: close and release. Accepts NULL. */
void db_free(struct db *db);

/*
 * db_exec: run statement stmt with params[0..nparams); when out is not NULL,
 * fetch its whole result set into out (strings in arena a). Returns TK_OK;
 * TK_EEXIST for a duplicate key; TK_ERETRY for a deadlock or lock wait
 * timeout (roll back and run the transaction again); TK_EDBDOWN when the
 * server cannot be reached or went away (connection dropped), or refuses
 * work for the moment while the link stays up (read-only, disk full, out
 * of connections or memory); TK_EDB for anything else (logged with the
 * MariaDB message).
 */
int db_exec(struct db *db, int stmt, const struct db_val *params, size_t nparams, struct arena *a,
	    struct db_rows *out);

/*
 * db_exec_rows: run statement stmt, one that returns no result set (an
 * INSERT, also with ON DUPLICATE KEY UPDATE), for nrows parameter sets in
 * one round trip and one execution on the server (MariaDB's array
 * binding), as if it ran nrows times in order. params holds the sets one
 * after the other, nparams each; each parameter keeps one type over the
 * sets, DB_NULL aside. *affected (when not NULL) gets the rows changed by
 * them all. Returns as db_exec; a set that fails fails the call, and sets
 * before it may have been applied: inside a transaction, roll back. No
 * sets: TK_OK without a round trip. The trace counts one statement.
 */
int db_exec_rows(struct db *db, int stmt, const struct db_val *params, size_t nparams, size_t nrows,
		 uint64_t *affected /* OUT */);

/* Transactions: db_begin starts one (autocommit otherwise). db_rollback
 * accepts a dropped connection silently. Same returns as db_exec; a
 * TK_EDBDOWN from db_commit means the outcome is unknown (the server may
 * have committed), which tests produce with TK_FAULT_LOST_COMMITS (db.c). */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* db_transient: 1 when a db_exec/db_begin/db_commit result rc means "the
 * same work can succeed later" (TK_EDBDOWN, TK_ERETRY), else 0. The one
 * transient/permanent split of database failures. */
int db_transient(int rc);

/*
 * db_generation: a number of this process that grows after every change
 * it may have made to any database: each db_commit (even a failed one:
 * the server may have committed), and each db_exec outside a transaction
 * that returned no result set or failed. A copy of data read at one
 * generation is out of date once it differs (lib/dbcache.h); changes made
 * by other processes do not move it.
 */
unsigned long db_generation(void);

/*
 * The statements a handle sent since db_trace_reset, for the request log
 * (lib/app.c): db_trace returns them, in arena a, as "N:" and a
 * comma-separated list of statement indexes and "begin", "commit",
 * "rollback", N counting them all (e.g. "4:2,begin,7,commit"; the list
 * stops after 64 with ",..."). A statement sent again on a new connection
 * counts twice, as the server saw it twice; one answered from dbcache is
 * not sent and does not count.
 */
void db_trace_reset(struct db *db);
const char *db_trace(const struct db *db, struct arena *a);
/* db_trace_count: the N of db_trace, without the list. */
size_t db_trace_count(const struct db *db);

/* db_in_transaction: 1 between db_begin and db_commit/db_rollback. */
int db_in_transaction(const struct db *db);

/* db_ping: TK_OK when the server answers (reconnecting if needed: also
 * at once when the link it had was gone, outside a transaction), else
 * TK_EDBDOWN. */
int db_ping(struct db *db);

/*
 * db_server_read_only: whether the server on my refuses writes of ordinary
 * accounts (@@global.read_only), into *read_only. The one query that tells
 * a primary from a replica, for the two files that talk to MariaDB: db.c,
 * and lib/migrate.c, which connects on its own. TK_OK, or TK_EDB with the
 * reason in mysql_errno(my) (0 when the answer held no value).
 */
struct st_mysql;
int db_server_read_only(struct st_mysql *my, int *read_only /* OUT */);

/* db_open_fn: connect to server i of a list, its session set up: the
 * connection, or NULL with *rc set. */
typedef struct st_mysql *(*db_open_fn)(size_t i, void *arg, int *rc /* OUT */);

/*
 * db_choose_server: the server of a list of n (lib/dbhost.h) to work on,
 * connected by open(i, arg), for the two files that connect: db.c and
 * lib/migrate.c. With one server, its connection. With several, tried in
 * order: the first whose server accepts writes (db_server_read_only),
 * *read_only 0. A server that refuses writes is closed, except, when
 * spare is set, the first such one, chosen with *read_only 1 when none
 * accepts writes. *at gets the chosen server's index. NULL with *rc set
 * (TK_EDBDOWN also when servers answered but none would do) otherwise.
 */
struct st_mysql *db_choose_server(size_t n, db_open_fn open, void *arg, int spare,
				  size_t *at /* OUT */, int *read_only /* OUT */,
				  int *rc /* OUT */);

#endif
