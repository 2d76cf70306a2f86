/*
 * MariaDB access (db.h) over MariaDB Connector/C. This is the one file of
 * the services that calls mysql_*; lib/migrate.c, the schema tool, is the
 * only other.
 *
 * A struct db is one connection plus the caller's statement table, each
 * statement prepared on a connection the first time it is used there.
 * Every column comes back as text: results are bound as MYSQL_TYPE_STRING
 * into per-column buffers of CELL_BUF bytes, and a longer value is fetched
 * again with mysql_stmt_fetch_column into the arena. Results are buffered
 * with mysql_stmt_store_result, so the link is free again before the
 * caller looks at a row; lock wait timeouts and deadlocks can surface
 * there or at fetch as well as at execute, so every call is checked.
 *
 * Losing the link closes the connection and answers TK_EDBDOWN; the next
 * call connects again. Inside a transaction that next call does not:
 * db_exec and db_commit keep answering TK_EDBDOWN until db_rollback (or a
 * new db_begin) ends the lost transaction, so the rest of its statements
 * never run in autocommit mode on a fresh connection. A connection idle for
 * longer than IDLE_CHECK seconds is pinged before use outside transactions,
 * so one that the server closed meanwhile (wait_timeout, a restart) is
 * replaced without failing a request and without re-running anything. A
 * statement that could not even be sent (the server closed an idle link
 * sooner, e.g. it restarted a moment ago) is sent once more on a new
 * connection when no transaction is open: it cannot have run.
 *
 * Everything a connection's session needs (sql_mode, time zone, lock wait,
 * the conf's isolation level) is set in db_connect, so every new
 * connection has it: a setting made by a statement on the old link would
 * be lost on the new one.
 *
 * Several servers (db_host a list, lib/dbhost.h: a primary and replicas
 * that may be promoted): db_connect tries them in the list's order and
 * keeps the first whose server answers @@global.read_only = 0, the one
 * query a connection costs beyond a single server's (at connect, never per
 * statement). When every server it reaches is read-only (no primary for
 * the moment: a switch-over in progress, or a primary lost before anyone
 * promoted a replica), it keeps the first of them rather than none, so
 * whatever only reads still works (from a replica, perhaps seconds behind)
 * while every write is refused by the server itself with 1290 (read-only:
 * TK_EDBDOWN, the page's 503 "try again"); such a connection is given up
 * for a new look at the list RELOOK seconds after it was made, at the next
 * call outside a transaction, so a promoted server is found without a
 * restart. A connection that was writable and has a write refused as
 * read-only (its server was demoted while it stayed up) is given up at the
 * next call outside a transaction. The refused statement itself is not
 * sent again: it did not run, but inside a transaction the statements
 * before it ran on the demoted server and are gone with it, and outside
 * one the caller answers 503 as for any refusal; what may be retried stays
 * what the paragraph above says. With one server (one entry, or
 * db_socket) none of this happens: there is nowhere else to look, and the
 * connection behaves as before (a write refused as read-only leaves the
 * link up and is refused again until an operator clears it).
 *
 * One fault can be injected, for tests only: with the environment variable
 * TK_FAULT_LOST_COMMITS=N set when the program starts, the first N commits
 * of the process that succeed on the server are reported to their callers
 * as a lost link (TK_EDBDOWN, the connection closed), as when the reply to
 * a COMMIT is lost on the way back. Nothing a request sends can reach it
 * (docs/DECISIONS.md, "Lost-COMMIT fault hook").
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "dbhost.h"
#include "err.h"
#include "log.h"
#include "xalloc.h"

#define CONNECT_TIMEOUT 3 /* seconds */
#define RW_TIMEOUT 10     /* seconds; above LOCK_WAIT below */
#define IDLE_CHECK 30     /* seconds idle before a ping */
#define CELL_BUF 4096     /* bytes per column before the long-value path */
#define DB_TRACE_MAX 64   /* statements a trace lists (it counts them all) */
#define RELOOK 1          /* seconds on a read-only server before a new look */

/* Trace entries other than a statement index. */
enum { TRACE_BEGIN = -1, TRACE_COMMIT = -2, TRACE_ROLLBACK = -3 };

/*
 * Run once per connection. The lock wait stays below RW_TIMEOUT, so a
 * blocked statement fails with a lock wait timeout (TK_ERETRY) rather than
 * with a client read timeout that would drop the connection.
 */
static const char session_sql[] =
    "SET SESSION sql_mode = "
    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO', "
    "time_zone = '+00:00', innodb_lock_wait_timeout = 5";

/* Run after session_sql on every connection of a handle whose conf asks
 * for a level: a SET TRANSACTION before db_begin would be lost when
 * db_begin reconnects. */
static const char *const isolation_sql[DB_ISOLATION__MAX] = {
    [DB_ISOLATION_SERVER] = NULL,
    [DB_READ_COMMITTED] = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
};

struct db {
	char *socket, *user, *password, *database;
	/* The servers of db_host in order (over db_socket: one, its name
	 * unused). With none, the conf's list did not parse and every connect
	 * fails. */
	struct dbhost *servers;
	size_t nservers;
	enum db_isolation isolation;
	const char *const *stmts;
	size_t nstmts;

	MYSQL *my;        /* NULL while disconnected */
	MYSQL_STMT **ps;  /* nstmts prepared statements while connected */
	int in_txn;       /* between db_begin and db_commit / db_rollback */
	int txn_lost;     /* the link dropped inside that transaction */
	time_t last_used; /* monotonic seconds of the last round trip */
	size_t server;    /* servers[server] is the one connected */
	int read_only;    /* several servers, and that one refuses writes */
	time_t relook_at; /* monotonic seconds: a read-only link is given up */

	/* Parameter binds, grown to the most parameters seen. */
	MYSQL_BIND *pbind;
	long long *pint;
	size_t pcap;

	/* What was sent since db_trace_reset: the first DB_TRACE_MAX of
	 * ntrace (statement indexes, or a TRACE_* below). */
	int trace[DB_TRACE_MAX];
	size_t ntrace;

	/* Result binds and buffers, grown to the widest result seen. */
	MYSQL_BIND *rbind;
	char *rbuf;
	unsigned long *rlen;
	my_bool *rnull;
	my_bool *rerr;
	size_t rcap;
};

#define FAULT_ENV "TK_FAULT_LOST_COMMITS"
#define FAULT_MAX 1000 /* lost commits a test may ask for */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* Commits still to be reported lost (the fault of the file comment), for
 * the whole process: which thread's handle commits does not matter. */
static atomic_int fault_lost_commits;

/* Arm the lost-commit fault from the environment, once at start-up. */
static void
fault_init(void)
{
	const char *v = getenv(FAULT_ENV);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > FAULT_MAX) {
		log_warn("db: %s=%s ignored: not a count from 0 to %d", FAULT_ENV, v, FAULT_MAX);
		return;
	}
	atomic_store(&fault_lost_commits, (int)n);
	if (n > 0)
		log_warn("db: fault injection: the next %ld commits will be reported lost", n);
}

/* Whether this successful commit is to be reported lost (and count it). */
static int
fault_take_commit(void)
{
	int left = atomic_load(&fault_lost_commits);

	while (left > 0 && !atomic_compare_exchange_weak(&fault_lost_commits, &left, left - 1))
		;
	return left > 0;
}

static void
lib_init(void)
{
	/* Connector/C initialises itself in mysql_init, but not thread-safely. */
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_error("db: mysql_library_init failed");
		abort();
	}
	fault_init();
}

static time_t
now_mono(void)
{
	return (time_t)(clock_mono_ms() / 1000);
}

/* A copy of s, or NULL when s is NULL or empty (the connector's "default"). */
static char *
dup_opt(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* Whether a MariaDB or client error number means the link is gone. */
static int
link_lost(unsigned err)
{
	switch (err) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_COMMANDS_OUT_OF_SYNC: /* the protocol state is unusable: start over */
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
		return 1;
	default:
		return 0;
	}
}

/*
 * Whether an error number means the server refuses work for the moment
 * while the link stays up: read-only (1290 is the read_only option's
 * refusal, 1792 a read-only transaction, 1836 read-only mode), disk or
 * table full (1021, 1114, 1206), out of memory or connections (1037, 1040,
 * 1041, 1203, 1637), a statement or lock killed or timed out (1317, 1689,
 * 1969). Such a call did not change anything: the same work succeeds once
 * an operator or the server cleared the condition.
 */
static int
refused_for_now(unsigned err)
{
	switch (err) {
	case ER_OPTION_PREVENTS_STATEMENT:
	case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
	case ER_READ_ONLY_MODE:
	case ER_DISK_FULL:
	case ER_RECORD_FILE_FULL:
	case ER_LOCK_TABLE_FULL:
	case ER_OUTOFMEMORY:
	case ER_CON_COUNT_ERROR:
	case ER_OUT_OF_RESOURCES:
	case ER_TOO_MANY_USER_CONNECTIONS:
	case ER_TOO_MANY_CONCURRENT_TRXS:
	case ER_QUERY_INTERRUPTED:
	case ER_LOCK_ABORTED:
	case ER_STATEMENT_TIMEOUT:
		return 1;
	default:
		return 0;
	}
}

/* Whether an error number is a read-only server's refusal of a write
 * (among refused_for_now's). */
static int
refused_read_only(unsigned err)
{
	return err == ER_OPTION_PREVENTS_STATEMENT ||
	       err == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION || err == ER_READ_ONLY_MODE;
}

/*
 * Whether a failed call may be sent again on a new connection: the client
 * could not send it at all (CR_SERVER_GONE_ERROR: the server closed the link
 * while it sat idle, e.g. after a restart), so it did not run, and no
 * transaction was open, so nothing earlier is lost. "Lost connection during
 * query" (CR_SERVER_LOST) may have run and is never sent again.
 */
static int
unsent_outside_txn(const struct db *db, unsigned err)
{
	return err == CR_SERVER_GONE_ERROR && !db->in_txn;
}

/* Close the connection and its statements; the next call reconnects. */
static void
disconnect(struct db *db)
{
	size_t i;

	if (db->my == NULL)
		return;
	for (i = 0; db->ps != NULL && i < db->nstmts; i++)
		if (db->ps[i] != NULL)
			mysql_stmt_close(db->ps[i]);
	free(db->ps);
	db->ps = NULL;
	mysql_close(db->my);
	db->my = NULL;
	if (db->in_txn)
		db->txn_lost = 1;
}

/*
 * Translate a failed call's error into the project's codes (see db.h).
 * what names the step for the log line.
 */
static int
fail(struct db *db, unsigned err, const char *msg, const char *what)
{
	int rc;

	switch (err) {
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		rc = TK_EEXIST;
		break;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		rc = TK_ERETRY;
		break;
	default:
		if (refused_for_now(err)) {
			log_warn("db: %s refused for now: %u %s", what, err, msg);
			/* A demoted server (the file comment): look again at the
			 * next call outside a transaction. */
			if (db->nservers > 1 && !db->read_only && refused_read_only(err)) {
				log_warn("db: %s:%u refuses writes; looking for a writable "
					 "server",
					 db->servers[db->server].name,
					 db->servers[db->server].port);
				db->read_only = 1;
				db->relook_at = 0;
			}
			rc = TK_EDBDOWN;
		} else if (link_lost(err)) {
			if (err == CR_COMMANDS_OUT_OF_SYNC)
				log_error("db: %s: %u %s", what, err, msg);
			else
				log_warn("db: connection lost at %s: %u %s", what, err, msg);
			disconnect(db);
			rc = TK_EDBDOWN;
		} else {
			log_error("db: %s: %u %s", what, err, msg);
			rc = TK_EDB;
		}
		break;
	}
	return rc;
}

static int
fail_conn(struct db *db, const char *what)
{
	return fail(db, mysql_errno(db->my), mysql_error(db->my), what);
}

static int
fail_stmt(struct db *db, MYSQL_STMT *st, const char *what)
{
	return fail(db, mysql_stmt_errno(st), mysql_stmt_error(st), what);
}

static int
set_options(MYSQL *my)
{
	unsigned connect_timeout = CONNECT_TIMEOUT, rw_timeout = RW_TIMEOUT;
	my_bool no = 0, yes = 1;
	int bad = 0;

	bad |= mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	bad |= mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	bad |= mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	bad |= mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	bad |= mysql_options(my, MYSQL_OPT_RECONNECT, &no);
	bad |= mysql_options(my, MYSQL_REPORT_DATA_TRUNCATION, &yes);
	return bad ? TK_EDB : TK_OK;
}

int
db_server_read_only(MYSQL *my, int *read_only)
{
	static const char sql[] = "SELECT @@global.read_only";
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = TK_OK;

	if (mysql_real_query(my, sql, sizeof(sql) - 1) != 0 ||
	    (res = mysql_store_result(my)) == NULL)
		return TK_EDB;
	row = mysql_fetch_row(res);
	if (row == NULL || row[0] == NULL)
		rc = TK_EDB;
	else
		*read_only = strcmp(row[0], "0") != 0;
	mysql_free_result(res);
	return rc;
}

MYSQL *
db_choose_server(size_t n, db_open_fn open, void *arg, int spare, size_t *at, int *read_only,
		 int *rc)
{
	MYSQL *my = NULL, *kept = NULL; /* kept: the first read-only server */
	size_t i, kept_at = 0;
	int ro, asked;

	*at = 0;
	*read_only = 0;
	*rc = TK_EDBDOWN;
	if (n == 1)
		return open(0, arg, rc);
	for (i = 0; i < n; i++) {
		my = open(i, arg, rc);
		if (my == NULL)
			continue;
		ro = 1;
		asked = db_server_read_only(my, &ro) == TK_OK;
		if (asked && !ro) {
			*at = i;
			*rc = TK_OK;
			break;
		}
		if (spare && kept == NULL && asked) {
			kept = my;
			kept_at = i;
		} else {
			mysql_close(my);
		}
		my = NULL;
		*rc = TK_EDBDOWN;
	}
	if (my == NULL && kept != NULL) {
		my = kept;
		kept = NULL;
		*at = kept_at;
		*read_only = 1;
		*rc = TK_OK;
	}
	if (kept != NULL)
		mysql_close(kept);
	return my;
}

/*
 * open_server: connect db->my to servers[i] (or to the socket) and set its
 * session up. TK_OK, or the failure with db->my closed again.
 */
static int
open_server(struct db *db, size_t i)
{
	const struct dbhost *h = &db->servers[i];
	/* The connector takes the socket only when the host is local. */
	const char *host = db->socket != NULL || *h->name == '\0' ? NULL : h->name;
	const char *iso;
	int rc = TK_OK;

	db->my = mysql_init(NULL);
	if (db->my == NULL) {
		log_error("db: mysql_init failed");
		rc = TK_EDB;
		goto out;
	}
	if (set_options(db->my) != TK_OK) {
		log_error("db: mysql_options failed: %s", mysql_error(db->my));
		rc = TK_EDB;
		goto out;
	}
	if (mysql_real_connect(db->my, host, db->user, db->password, db->database, h->port,
			       db->socket, 0) == NULL) {
		if (db->socket != NULL)
			log_error("db: cannot connect to %s: %u %s", db->socket,
				  mysql_errno(db->my), mysql_error(db->my));
		else
			log_error("db: cannot connect to %s:%u: %u %s",
				  host != NULL ? host : "localhost", h->port, mysql_errno(db->my),
				  mysql_error(db->my));
		rc = TK_EDBDOWN;
		goto out;
	}
	if (mysql_real_query(db->my, session_sql, sizeof(session_sql) - 1) != 0) {
		rc = fail_conn(db, "session setup");
		goto out;
	}
	iso = isolation_sql[db->isolation];
	if (iso != NULL && mysql_real_query(db->my, iso, strlen(iso)) != 0) {
		rc = fail_conn(db, "isolation level");
		goto out;
	}
out:
	if (rc != TK_OK)
		disconnect(db);
	return rc;
}

/* opened: open_server as db_choose_server's open (arg: the db); the
 * connection leaves db->my for the chooser. */
static MYSQL *
opened(size_t i, void *arg, int *rc)
{
	struct db *db = arg;
	MYSQL *my;

	*rc = open_server(db, i);
	my = db->my;
	db->my = NULL;
	return my;
}

/*
 * Open a connection and set its session up, on the first server of the
 * list that accepts writes, else on the first that answers (read-only, the
 * file comment). Called only outside transactions (ensure stops a lost
 * one first). The statements are prepared on first use (prepared).
 */
static int
db_connect(struct db *db)
{
	size_t i = 0;
	int rc = TK_EDB, read_only = 0;

	if (db->nservers == 0) {
		log_error("db: no server to connect to (the host list did not parse)");
		goto out;
	}
	db->my = db_choose_server(db->nservers, opened, db, 1, &i, &read_only, &rc);
	if (db->my != NULL && read_only && !db->read_only)
		log_warn("db: no server of the list accepts writes; reading from %s:%u",
			 db->servers[i].name, db->servers[i].port);
	if (rc != TK_OK)
		goto out;
	if (db->nservers > 1 && !read_only && (i != db->server || db->read_only))
		log_info("db: connected to %s:%u, which accepts writes", db->servers[i].name,
			 db->servers[i].port);
	db->server = i;
	db->read_only = read_only;
	db->relook_at = now_mono() + RELOOK;
	db->ps = xcalloc(db->nstmts, sizeof(*db->ps));
	db->last_used = now_mono();
out:
	return rc;
}

/*
 * prepared: statement stmt of the table, prepared on the connection in hand
 * (ensure) the first time it is used there, into *st (owned by db). Each
 * prepared statement costs Connector/C about 11 KB of memory for the
 * connection's life, and a thread uses only some of its service's
 * statements (docs/DECISIONS.md, "Memory of the FastCGI processes").
 * TK_OK; TK_EDBDOWN when the link was lost (the connection closed; *unsent
 * is set when no transaction was open, since a prepare runs nothing and may
 * be sent again on a new link); TK_EDB when the statement does not prepare
 * (logged; the link stays up and the next call tries again).
 */
static int
prepared(struct db *db, int stmt, MYSQL_STMT **st, int *unsent)
{
	MYSQL_STMT *ps = db->ps[stmt];
	int rc = TK_OK;

	if (ps == NULL) {
		ps = mysql_stmt_init(db->my);
		if (ps == NULL) {
			rc = fail_conn(db, "mysql_stmt_init");
			goto out;
		}
		if (mysql_stmt_prepare(ps, db->stmts[stmt], strlen(db->stmts[stmt])) != 0) {
			unsigned err = mysql_stmt_errno(ps);

			if (link_lost(err)) {
				*unsent = !db->in_txn;
				rc = fail_stmt(db, ps, "prepare");
			} else {
				log_error("db: statement %d does not prepare: %u %s", stmt, err,
					  mysql_stmt_error(ps));
				rc = TK_EDB;
			}
			/* A lost link closed db->ps, not ps. */
			mysql_stmt_close(ps);
			ps = NULL;
			goto out;
		}
		db->ps[stmt] = ps;
	}
out:
	*st = ps;
	return rc;
}

/*
 * Make sure there is a usable connection: connect when there is none, give
 * up a read-only one of a list when its time has come (the file comment),
 * and ping one that sat idle (outside a transaction) so a link the server
 * has closed meanwhile is replaced rather than failing the caller's
 * statement.
 */
static int
ensure(struct db *db)
{
	int rc = TK_OK;

	if (db->in_txn && db->txn_lost) {
		rc = TK_EDBDOWN;
		goto out;
	}
	/* A read-only server of a list: time to look for a writable one. */
	if (db->my != NULL && db->read_only && !db->in_txn && now_mono() >= db->relook_at)
		disconnect(db);
	if (db->my != NULL && !db->in_txn && now_mono() - db->last_used > IDLE_CHECK &&
	    mysql_ping(db->my) != 0) {
		log_info("db: idle connection gone (%s); reconnecting", mysql_error(db->my));
		disconnect(db);
	}
	if (db->my == NULL)
		rc = db_connect(db);
out:
	return rc;
}

struct db_conf
db_conf_configured(void)
{
	struct db_conf dc = {
	    .socket = *config_str("db_socket") ? config_str("db_socket") : NULL,
	    .host = config_str("db_host"),
	    .port = (unsigned)config_int("db_port"),
	    .user = config_str("db_user"),
	    .password = config_str("db_password"),
	    .database = config_str("db_name"),
	};

	return dc;
}

struct db *
db_new(const struct db_conf *conf, const char *const *stmts, size_t nstmts)
{
	struct dbhost list[DBHOST_MAX];
	const char *why = NULL;
	struct db *db;
	size_t n = 0;

	pthread_once(&lib_once, lib_init);
	db = xcalloc(1, sizeof(*db));
	db->socket = dup_opt(conf->socket);
	if (db->socket == NULL && conf->host != NULL &&
	    dbhost_parse(conf->host, conf->port, list, &n, &why) != TK_OK) {
		log_error("db: db_host %s: %s", conf->host, why);
		n = 0;
	} else if (n == 0) {
		/* A socket, or no host (the connector's default): one server
		 * with an empty name. */
		list[0].name[0] = '\0';
		list[0].port = conf->port;
		n = 1;
	}
	db->servers = xcalloc(n > 0 ? n : 1, sizeof(*db->servers));
	memcpy(db->servers, list, n * sizeof(*db->servers));
	db->nservers = n;
	db->isolation =
	    (unsigned)conf->isolation < DB_ISOLATION__MAX ? conf->isolation : DB_ISOLATION_SERVER;
	db->user = dup_opt(conf->user);
	db->password = dup_opt(conf->password);
	db->database = dup_opt(conf->database);
	db->stmts = stmts;
	db->nstmts = nstmts;
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db->socket);
	free(db->servers);
	free(db->user);
	if (db->password != NULL)
		explicit_bzero(db->password, strlen(db->password));
	free(db->password);
	free(db->database);
	free(db->pbind);
	free(db->pint);
	free(db->rbind);
	free(db->rbuf);
	free(db->rlen);
	free(db->rnull);
	free(db->rerr);
	free(db);
}

static void
grow_params(struct db *db, size_t n)
{
	if (n <= db->pcap)
		return;
	free(db->pbind);
	free(db->pint);
	db->pbind = xcalloc(n, sizeof(*db->pbind));
	db->pint = xcalloc(n, sizeof(*db->pint));
	db->pcap = n;
}

static void
grow_results(struct db *db, size_t n)
{
	if (n <= db->rcap)
		return;
	free(db->rbind);
	free(db->rbuf);
	free(db->rlen);
	free(db->rnull);
	free(db->rerr);
	db->rbind = xcalloc(n, sizeof(*db->rbind));
	db->rbuf = xmalloc(n * CELL_BUF);
	db->rlen = xcalloc(n, sizeof(*db->rlen));
	db->rnull = xcalloc(n, sizeof(*db->rnull));
	db->rerr = xcalloc(n, sizeof(*db->rerr));
	db->rcap = n;
}

/* Bind params[0..n) to st. */
static int
bind_params(struct db *db, MYSQL_STMT *st, const struct db_val *params, size_t n)
{
	size_t i;
	int rc = TK_OK;

	if (n == 0)
		goto out;
	grow_params(db, n);
	memset(db->pbind, 0, n * sizeof(*db->pbind));
	for (i = 0; i < n; i++) {
		MYSQL_BIND *b = &db->pbind[i];

		switch (params[i].type) {
		case DB_INT:
			db->pint[i] = params[i].i;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &db->pint[i];
			break;
		case DB_TEXT:
			/* The connector only reads a parameter buffer; a NULL
			 * buffer would be sent as SQL NULL, hence "". */
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)(uintptr_t)(params[i].s != NULL ? params[i].s : "");
			b->buffer_length = (unsigned long)params[i].len;
			break;
		case DB_NULL:
		default:
			b->buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	if (mysql_stmt_bind_param(st, db->pbind) != 0)
		rc = fail_stmt(db, st, "bind parameters");
out:
	return rc;
}

/*
 * The column-wise arrays of one array-bound execution (bind_rows): for
 * parameter j, its nrows values start at index j * nrows of each array.
 */
struct rows_bind {
	long long *ints;
	const char **strs;
	unsigned long *lens;
	char *ind;
};

static void
rows_bind_free(struct rows_bind *rb)
{
	free(rb->ints);
	free(rb->strs);
	free(rb->lens);
	free(rb->ind);
}

/*
 * Bind nrows parameter sets of n each (params row after row) to st as
 * arrays, one per parameter, and set st's array size. A parameter's
 * values must be of one type, DB_NULL aside. The arrays live in *rb until
 * rows_bind_free.
 */
static int
bind_rows(struct db *db, MYSQL_STMT *st, const struct db_val *params, size_t n, size_t nrows,
	  struct rows_bind *rb)
{
	unsigned int size = (unsigned int)nrows;
	enum db_type type;
	size_t i, j, k;
	int rc = TK_OK;

	grow_params(db, n);
	memset(db->pbind, 0, n * sizeof(*db->pbind));
	rb->ints = xcalloc(n * nrows, sizeof(*rb->ints));
	rb->strs = xcalloc(n * nrows, sizeof(*rb->strs));
	rb->lens = xcalloc(n * nrows, sizeof(*rb->lens));
	rb->ind = xcalloc(n * nrows, sizeof(*rb->ind));
	for (j = 0; j < n; j++) {
		MYSQL_BIND *b = &db->pbind[j];

		type = DB_NULL;
		for (i = 0; i < nrows; i++) {
			const struct db_val *v = &params[i * n + j];

			k = j * nrows + i;
			if (v->type == DB_NULL) {
				rb->ind[k] = STMT_INDICATOR_NULL;
				continue;
			}
			if (type != DB_NULL && v->type != type) {
				log_error("db: parameter %zu changes type between rows", j);
				rc = TK_EDB;
				goto out;
			}
			type = v->type;
			rb->ind[k] = STMT_INDICATOR_NONE;
			rb->ints[k] = v->i;
			rb->strs[k] = v->s != NULL ? v->s : "";
			rb->lens[k] = (unsigned long)v->len;
		}
		b->u.indicator = &rb->ind[j * nrows];
		if (type == DB_INT) {
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &rb->ints[j * nrows];
		} else {
			/* Strings: an array of pointers with an array of lengths. */
			b->buffer_type = type == DB_TEXT ? MYSQL_TYPE_STRING : MYSQL_TYPE_NULL;
			b->buffer = (void *)&rb->strs[j * nrows];
			b->length = &rb->lens[j * nrows];
		}
	}
	if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
	    mysql_stmt_bind_param(st, db->pbind) != 0)
		rc = fail_stmt(db, st, "bind parameter arrays");
out:
	return rc;
}

/* Fetch the stored result of st whole into out, strings in a. */
static int
fetch_rows(struct db *db, MYSQL_STMT *st, size_t ncols, struct arena *a, struct db_rows *out)
{
	uint64_t total = mysql_stmt_num_rows(st);
	size_t c, row = 0;
	int r, rc = TK_OK;

	grow_results(db, ncols);
	memset(db->rbind, 0, ncols * sizeof(*db->rbind));
	for (c = 0; c < ncols; c++) {
		MYSQL_BIND *b = &db->rbind[c];

		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = db->rbuf + c * CELL_BUF;
		b->buffer_length = CELL_BUF;
		b->length = &db->rlen[c];
		b->is_null = &db->rnull[c];
		b->error = &db->rerr[c];
	}
	if (mysql_stmt_bind_result(st, db->rbind) != 0) {
		rc = fail_stmt(db, st, "bind result");
		goto out;
	}
	if (total > SIZE_MAX / ncols / sizeof(struct db_val)) {
		log_error("db: result of %" PRIu64 " rows is too large", total);
		rc = TK_EDB;
		goto out;
	}
	out->ncols = ncols;
	if (total > 0)
		out->cells = arena_alloc(a, (size_t)total * ncols * sizeof(struct db_val));
	while ((r = mysql_stmt_fetch(st)) != MYSQL_NO_DATA) {
		if (r != 0 && r != MYSQL_DATA_TRUNCATED) {
			rc = fail_stmt(db, st, "fetch");
			goto out;
		}
		if (row >= total) {
			log_error("db: more rows fetched than stored");
			rc = TK_EDB;
			goto out;
		}
		for (c = 0; c < ncols; c++) {
			struct db_val *v = &out->cells[row * ncols + c];
			size_t len = db->rlen[c];
			char *s;

			if (db->rnull[c]) {
				v->type = DB_NULL;
				continue;
			}
			s = arena_alloc(a, len + 1);
			if (len <= CELL_BUF) {
				memcpy(s, db->rbuf + c * CELL_BUF, len);
			} else {
				MYSQL_BIND whole;
				unsigned long got = 0;
				my_bool isnull = 0, err = 0;

				memset(&whole, 0, sizeof(whole));
				whole.buffer_type = MYSQL_TYPE_STRING;
				whole.buffer = s;
				whole.buffer_length = (unsigned long)len + 1;
				whole.length = &got;
				whole.is_null = &isnull;
				whole.error = &err;
				if (mysql_stmt_fetch_column(st, &whole, (unsigned)c, 0) != 0) {
					rc = fail_stmt(db, st, "fetch column");
					goto out;
				}
				if (got != len || err) {
					log_error("db: long column %zu: %lu of %zu bytes", c, got,
						  len);
					rc = TK_EDB;
					goto out;
				}
			}
			s[len] = '\0';
			v->type = DB_TEXT;
			v->s = s;
			v->len = len;
		}
		row++;
	}
	out->nrows = row;
out:
	return rc;
}

/* trace: note what db sends next (a statement index or a TRACE_*). */
static void
trace(struct db *db, int what)
{
	if (db->ntrace < DB_TRACE_MAX)
		db->trace[db->ntrace] = what;
	db->ntrace++;
}

void
db_trace_reset(struct db *db)
{
	db->ntrace = 0;
}

size_t
db_trace_count(const struct db *db)
{
	return db->ntrace;
}

const char *
db_trace(const struct db *db, struct arena *a)
{
	static const char *const names[] = {"begin", "commit", "rollback"};
	struct buf b = {0};
	const char *out;
	size_t i;

	buf_printf(&b, "%zu:", db->ntrace);
	for (i = 0; i < db->ntrace && i < DB_TRACE_MAX; i++) {
		if (db->trace[i] < 0)
			buf_printf(&b, "%s%s", i ? "," : "", names[-db->trace[i] - 1]);
		else
			buf_printf(&b, "%s%d", i ? "," : "", db->trace[i]);
	}
	if (db->ntrace > DB_TRACE_MAX)
		buf_puts(&b, ",...");
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

/* Grows after every change this process may have made (db_generation). */
static atomic_ulong generation;

unsigned long
db_generation(void)
{
	return atomic_load(&generation);
}

int
db_in_transaction(const struct db *db)
{
	return db->in_txn;
}

/*
 * run: db_exec, and with nrows > 1 db_exec_rows (one execution of nrows
 * parameter sets, no result set).
 */
static int
run(struct db *db, int stmt, const struct db_val *params, size_t nparams, size_t nrows,
    struct arena *a, struct db_rows *out)
{
	static const unsigned int one_row = 0;
	struct rows_bind rb = {0};
	MYSQL_STMT *st = NULL;
	size_t ncols = 0;
	int rc, retried = 0, unsent = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (stmt < 0 || (size_t)stmt >= db->nstmts) {
		log_error("db: no statement %d (of %zu)", stmt, db->nstmts);
		rc = TK_EDB;
		goto out;
	}
again:
	rc = ensure(db);
	if (rc == TK_OK)
		rc = prepared(db, stmt, &st, &unsent);
	if (rc != TK_OK && unsent && !retried) {
		retried = 1;
		unsent = 0;
		goto again;
	}
	if (rc != TK_OK)
		goto out;
	if (mysql_stmt_param_count(st) != nparams) {
		log_error("db: statement %d takes %lu parameters, given %zu", stmt,
			  mysql_stmt_param_count(st), nparams);
		rc = TK_EDB;
		goto out;
	}
	rows_bind_free(&rb);
	rb = (struct rows_bind){0};
	if (nrows > 1)
		rc = bind_rows(db, st, params, nparams, nrows, &rb);
	else
		rc = bind_params(db, st, params, nparams);
	if (rc != TK_OK)
		goto out;
	db->last_used = now_mono();
	trace(db, stmt);
	if (mysql_stmt_execute(st) != 0) {
		int resend = unsent_outside_txn(db, mysql_stmt_errno(st)) && !retried;

		rc = fail_stmt(db, st, "execute");
		if (resend) {
			retried = 1;
			st = NULL;
			goto again;
		}
		goto out;
	}
	ncols = mysql_stmt_field_count(st);
	if (ncols == 0) {
		if (out != NULL) {
			out->affected = mysql_stmt_affected_rows(st);
			out->insert_id = mysql_stmt_insert_id(st);
		}
		goto out;
	}
	/* Read the whole result now even when the caller does not want it:
	 * errors such as a lock wait timeout may only show up here. */
	if (mysql_stmt_store_result(st) != 0) {
		rc = fail_stmt(db, st, "store result");
		goto out;
	}
	if (out != NULL && a == NULL) {
		log_error("db: statement %d returns rows but no arena was given", stmt);
		rc = TK_EDB;
	} else if (out != NULL) {
		rc = fetch_rows(db, st, ncols, a, out);
	}
out:
	/* A write in autocommit mode, or one that may have run: copies read
	 * before it are out of date (inside a transaction, db_commit says so). */
	if (!db->in_txn && (rc != TK_OK || ncols == 0))
		atomic_fetch_add(&generation, 1);
	if (rc != TK_OK && out != NULL)
		memset(out, 0, sizeof(*out)); /* no half-fetched result */
	/* A lost link has closed st already (db->my is NULL then). */
	if (st != NULL && db->my != NULL) {
		mysql_stmt_free_result(st);
		/* The next execution of st binds single values again. */
		if (nrows > 1)
			mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &one_row);
		/* After a failure, also reset the statement on the server, so
		 * its next execution starts clean. */
		if (rc != TK_OK && mysql_stmt_reset(st) != 0 && link_lost(mysql_stmt_errno(st)))
			disconnect(db);
	}
	rows_bind_free(&rb);
	return rc;
}

int
db_exec(struct db *db, int stmt, const struct db_val *params, size_t nparams, struct arena *a,
	struct db_rows *out)
{
	return run(db, stmt, params, nparams, 1, a, out);
}

int
db_exec_rows(struct db *db, int stmt, const struct db_val *params, size_t nparams, size_t nrows,
	     uint64_t *affected)
{
	struct db_rows out = {0};
	int rc = TK_OK;

	if (nrows > 0)
		rc = run(db, stmt, params, nparams, nrows, NULL, &out);
	if (affected != NULL)
		*affected = out.affected;
	return rc;
}

int
db_begin(struct db *db)
{
	static const char sql[] = "START TRANSACTION";
	int rc, retried = 0;

	/* Whatever came before is over: a lost transaction ends here too. */
	db->in_txn = 0;
	db->txn_lost = 0;
again:
	rc = ensure(db);
	if (rc != TK_OK)
		goto out;
	db->last_used = now_mono();
	trace(db, TRACE_BEGIN);
	if (mysql_real_query(db->my, sql, sizeof(sql) - 1) != 0) {
		int resend = unsent_outside_txn(db, mysql_errno(db->my)) && !retried;

		rc = fail_conn(db, "begin");
		if (resend) {
			retried = 1;
			goto again;
		}
		goto out;
	}
	db->in_txn = 1;
out:
	return rc;
}

int
db_commit(struct db *db)
{
	int rc = TK_OK;

	if (db->in_txn && db->txn_lost) {
		rc = TK_EDBDOWN;
		goto out;
	}
	if (db->my == NULL)
		goto out; /* no transaction open, so nothing to commit */
	db->last_used = now_mono();
	trace(db, TRACE_COMMIT);
	if (mysql_commit(db->my) != 0)
		rc = fail_conn(db, "commit");
	else if (fault_take_commit())
		rc = fail(db, CR_SERVER_LOST, "reply lost (injected fault)", "commit");
out:
	db->in_txn = 0;
	db->txn_lost = 0;
	atomic_fetch_add(&generation, 1); /* committed, or maybe */
	return rc;
}

int
db_rollback(struct db *db)
{
	int rc = TK_OK;

	if (db->my == NULL || db->txn_lost)
		goto out;
	db->last_used = now_mono();
	trace(db, TRACE_ROLLBACK);
	if (mysql_rollback(db->my) != 0) {
		if (link_lost(mysql_errno(db->my)))
			disconnect(db); /* the server rolls back by itself */
		else
			rc = fail_conn(db, "rollback");
	}
out:
	db->in_txn = 0;
	db->txn_lost = 0;
	return rc;
}

int
db_transient(int rc)
{
	return rc == TK_EDBDOWN || rc == TK_ERETRY;
}

/* db_ping: a link that was up but is found gone (the server restarted
 * since its last use) is dropped and, outside a transaction, connected
 * once more at once: the answer is the server's now, not the old link's. */
int
db_ping(struct db *db)
{
	int rc, tries = 2, was_up;

	do {
		was_up = db->my != NULL;
		rc = ensure(db);
		if (rc != TK_OK)
			break;
		db->last_used = now_mono();
		if (mysql_ping(db->my) != 0)
			rc = fail_conn(db, "ping");
	} while (rc != TK_OK && was_up && !db->in_txn && --tries > 0);
	return rc == TK_OK ? TK_OK : TK_EDBDOWN;
}

const struct db_val *
db_cell(const struct db_rows *rows, size_t row, size_t col)
{
	return &rows->cells[row * rows->ncols + col];
}

const char *
db_str(const struct db_rows *rows, size_t row, size_t col)
{
	const struct db_val *v = db_cell(rows, row, col);

	return v->type == DB_TEXT ? v->s : "";
}

int64_t
db_int(const struct db_rows *rows, size_t row, size_t col)
{
	const struct db_val *v = db_cell(rows, row, col);
	char *end;
	long long n;

	/* strtoll alone would also take spaces and a '+' sign. */
	if (v->type != DB_TEXT || !(v->s[0] == '-' || (v->s[0] >= '0' && v->s[0] <= '9')))
		return 0;
	errno = 0;
	n = strtoll(v->s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return (int64_t)n;
}
