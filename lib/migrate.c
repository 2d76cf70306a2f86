/*
 * Schema migrations (migrate.h). Besides db.c this is the one file allowed
 * to call mysql_*: a migration is a trusted file of the installation, run
 * as one multi-statement text query (CLIENT_MULTI_STATEMENTS) on a
 * connection of its own, which the statement-table interface of db.c is
 * deliberately unable to do. Request data never reaches this code.
 *
 * Order of work: connect, take the named lock of the database (so a second
 * migrator waits, then finds the files recorded), create schema_migrations
 * if missing, read the recorded versions, then apply and record each new
 * file in numeric order. Closing the connection releases the lock.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "buf.h"
#include "db.h"
#include "dbhost.h"
#include "err.h"
#include "log.h"
#include "migrate.h"
#include "xalloc.h"

#define CONNECT_TIMEOUT 5 /* seconds */
#define LOCK_WAIT "60"    /* seconds to wait for another migrator */

/* Same session as the services get (db.c), plus a bound on metadata lock
 * waits so DDL behind a long transaction fails instead of hanging a day. */
static const char session_sql[] =
    "SET SESSION sql_mode = "
    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO', "
    "time_zone = '+00:00', lock_wait_timeout = 60";

/* Lock names are at most 64 characters. */
static const char lock_sql[] =
    "SELECT GET_LOCK(CONCAT('migrate:', LEFT(DATABASE(), 56)), " LOCK_WAIT ")";

static const char table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " module VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL"
    "  COMMENT 'folder of the migration: the service, or a shared table of sql/common',"
    " version INT NOT NULL COMMENT 'NNN of the file NNN_name.sql',"
    " name VARCHAR(200) NOT NULL COMMENT 'file name of the migration',"
    " applied_at DATETIME(6) NOT NULL COMMENT 'when the file was applied (UTC)',"
    " PRIMARY KEY (module, version)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
    " COMMENT='schema migrations applied to this database'";

static const char recorded_sql[] = "SELECT module, version FROM schema_migrations";

static const char record_sql[] =
    "INSERT INTO schema_migrations (module, version, name, applied_at) "
    "VALUES (?, ?, ?, UTC_TIMESTAMP(6))";

struct mig {
	long version;
	char *name;
};

/* version of a file named NNN_name.sql (digits, '_', [A-Za-z0-9_-]+,
 * ".sql"), or -1 when the name does not have that shape. */
static long
file_version(const char *name)
{
	const char *p = name, *dot;
	long v = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > 99999999)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (*p++ != '_')
		return -1;
	dot = strrchr(p, '.');
	if (dot == NULL || dot == p || strcmp(dot, ".sql") != 0)
		return -1;
	for (; p < dot; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return -1;
	return v;
}

static int
cmp_mig(const void *a, const void *b)
{
	const struct mig *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static void
free_migs(struct mig *m, size_t n)
{
	size_t i;

	for (i = 0; m != NULL && i < n; i++)
		free(m[i].name);
	free(m);
}

/* The migration files of dir, sorted by version. */
static int
list_dir(const char *dir, struct mig **out, size_t *nout)
{
	DIR *d = NULL;
	struct dirent *e;
	struct mig *m = NULL;
	size_t n = 0, cap = 0, i;
	int rc = TK_OK;

	d = opendir(dir);
	if (d == NULL) {
		log_error("migrate: cannot read %s: %s", dir, strerror(errno));
		rc = TK_EIO;
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		long v;

		if (len < 4 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		v = file_version(e->d_name);
		if (v < 0) {
			log_error("migrate: %s/%s: not named NNN_name.sql", dir, e->d_name);
			rc = TK_EINVAL;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			m = xrealloc(m, cap * sizeof(*m));
		}
		m[n].version = v;
		m[n].name = xstrdup(e->d_name);
		n++;
	}
	if (n > 0)
		qsort(m, n, sizeof(*m), cmp_mig);
	for (i = 1; i < n; i++) {
		if (m[i].version == m[i - 1].version) {
			log_error("migrate: %s: %s and %s share number %ld", dir, m[i - 1].name,
				  m[i].name, m[i].version);
			rc = TK_EINVAL;
		}
	}
out:
	if (d != NULL)
		closedir(d);
	if (rc != TK_OK) {
		free_migs(m, n);
		m = NULL;
		n = 0;
	}
	*out = m;
	*nout = n;
	return rc;
}

static int
read_file(const char *path, struct buf *b)
{
	FILE *f = NULL;
	char chunk[8192];
	size_t k;
	int rc = TK_OK;

	f = fopen(path, "r");
	if (f == NULL) {
		log_error("migrate: cannot open %s: %s", path, strerror(errno));
		rc = TK_EIO;
		goto out;
	}
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, k);
	if (ferror(f)) {
		log_error("migrate: cannot read %s", path);
		rc = TK_EIO;
	}
out:
	if (f != NULL)
		fclose(f);
	return rc;
}

static int
fail(MYSQL *my, const char *what)
{
	unsigned err = mysql_errno(my);
	int rc = TK_EDB;

	log_error("migrate: %s: %u %s", what, err, mysql_error(my));
	switch (err) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
		rc = TK_EDBDOWN;
		break;
	default:
		break;
	}
	return rc;
}

/*
 * Run a text of one or more statements and drain every result, so an
 * error in any statement of a multi-statement text is seen. When first is
 * not NULL, the first column of the first row of the first result is
 * copied there ("" for none or NULL).
 */
static int
run_text(MYSQL *my, const char *sql, size_t len, const char *what, struct buf *first)
{
	MYSQL_RES *res;
	int status, rc = TK_OK, seen = 0;

	if (mysql_real_query(my, sql, len) != 0) {
		rc = fail(my, what);
		goto out;
	}
	do {
		res = mysql_store_result(my);
		if (res != NULL) {
			MYSQL_ROW row = mysql_fetch_row(res);

			if (first != NULL && !seen && row != NULL && row[0] != NULL)
				buf_puts(first, row[0]);
			seen = 1;
			mysql_free_result(res);
		} else if (mysql_field_count(my) != 0) {
			rc = fail(my, what);
			goto out;
		}
		status = mysql_next_result(my);
	} while (status == 0);
	if (status > 0)
		rc = fail(my, what);
out:
	return rc;
}

/* Whether version v is among the recorded ones. */
static int
recorded(const long *done, size_t ndone, long v)
{
	size_t i;

	for (i = 0; i < ndone; i++)
		if (done[i] == v)
			return 1;
	return 0;
}

/* read_recorded: the versions recorded for module. */
static int
read_recorded(MYSQL *my, const char *module, long **out, size_t *nout)
{
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	long *done = NULL;
	size_t n = 0;
	int rc = TK_OK;

	if (mysql_real_query(my, recorded_sql, sizeof(recorded_sql) - 1) != 0 ||
	    (res = mysql_store_result(my)) == NULL) {
		rc = fail(my, "reading schema_migrations");
		goto out;
	}
	done = xcalloc((size_t)mysql_num_rows(res) + 1, sizeof(*done));
	while ((row = mysql_fetch_row(res)) != NULL)
		if (row[0] != NULL && strcmp(row[0], module) == 0)
			done[n++] = row[1] ? strtol(row[1], NULL, 10) : -1;
out:
	if (res != NULL)
		mysql_free_result(res);
	*out = done;
	*nout = n;
	return rc;
}

/* Insert the row recording m of module, with a prepared statement. */
static int
record(MYSQL *my, char *module, const struct mig *m)
{
	MYSQL_STMT *st = NULL;
	MYSQL_BIND b[3];
	long long v = m->version;
	int rc = TK_OK;

	st = mysql_stmt_init(my);
	if (st == NULL) {
		rc = fail(my, "recording a migration");
		goto out;
	}
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = module;
	b[0].buffer_length = (unsigned long)strlen(module);
	b[1].buffer_type = MYSQL_TYPE_LONGLONG;
	b[1].buffer = &v;
	b[2].buffer_type = MYSQL_TYPE_STRING;
	b[2].buffer = m->name;
	b[2].buffer_length = (unsigned long)strlen(m->name);
	if (mysql_stmt_prepare(st, record_sql, sizeof(record_sql) - 1) != 0 ||
	    mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0) {
		log_error("migrate: recording %s: %u %s", m->name, mysql_stmt_errno(st),
			  mysql_stmt_error(st));
		rc = TK_EDB;
	}
out:
	if (st != NULL)
		mysql_stmt_close(st);
	return rc;
}

/* connect_one: a connection to host:port (host NULL: the connector's
 * default), or to socket when it is not NULL; NULL with *rc set. */
static MYSQL *
connect_one(const struct db_conf *conf, const char *socket, const char *host, unsigned port,
	    int *rc)
{
	MYSQL *my;
	unsigned timeout = CONNECT_TIMEOUT;
	my_bool no = 0;
	const char *user = conf->user && *conf->user ? conf->user : NULL;
	const char *pass = conf->password && *conf->password ? conf->password : NULL;
	const char *database = conf->database && *conf->database ? conf->database : NULL;

	*rc = TK_OK;
	my = mysql_init(NULL);
	if (my == NULL) {
		log_error("migrate: mysql_init failed");
		*rc = TK_EDB;
		return NULL;
	}
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_RECONNECT, &no);
	if (mysql_real_connect(my, host, user, pass, database, port, socket,
			       CLIENT_MULTI_STATEMENTS) == NULL) {
		log_error("migrate: cannot connect to %s: %u %s", socket ? socket : host,
			  mysql_errno(my), mysql_error(my));
		mysql_close(my);
		*rc = TK_EDBDOWN;
		return NULL;
	}
	return my;
}

/* The servers of a db_host list, for opened. */
struct servers {
	const struct db_conf *conf;
	const struct dbhost *list;
};

/* opened: connect_one to server i of a list, as db_choose_server's open. */
static MYSQL *
opened(size_t i, void *arg, int *rc)
{
	const struct servers *s = arg;

	return connect_one(s->conf, NULL, s->list[i].name, s->list[i].port, rc);
}

/*
 * connect_db: a connection to conf's server: its socket, its one host, or
 * the first server of its db_host list that accepts writes (the servers
 * db.c would write to; a migration on a read-only one would be refused).
 * NULL with *rc set when none does.
 */
static MYSQL *
connect_db(const struct db_conf *conf, int *rc)
{
	struct dbhost list[DBHOST_MAX];
	struct servers servers = {conf, list};
	const char *socket = conf->socket && *conf->socket ? conf->socket : NULL;
	const char *why = NULL;
	MYSQL *my;
	size_t n = 0, at;
	int read_only;

	/* The connector takes the socket only when the host is local. */
	if (socket != NULL || conf->host == NULL || *conf->host == '\0')
		return connect_one(conf, socket, NULL, conf->port, rc);
	if (dbhost_parse(conf->host, conf->port, list, &n, &why) != TK_OK) {
		log_error("migrate: db_host %s: %s", conf->host, why);
		*rc = TK_ECONFIG;
		return NULL;
	}
	my = db_choose_server(n, opened, &servers, 0, &at, &read_only, rc);
	if (my == NULL && n > 1)
		log_error("migrate: no server of %s accepts writes", conf->host);
	return my;
}

/* open_dir: the migration files of dir into *m, *n, and a connection to
 * conf's database; NULL with *rc set when either fails. */
static MYSQL *
open_dir(const struct db_conf *conf, const char *dir, struct mig **m, size_t *n, int *rc)
{
	MYSQL *my = NULL;

	*rc = list_dir(dir, m, n);
	if (*rc == TK_OK)
		my = connect_db(conf, rc);
	return my;
}

/* module_of: the last component of dir ("sql/common/outbox" -> "outbox"). */
static const char *
module_of(const char *dir)
{
	const char *end = dir + strlen(dir), *start;

	while (end > dir && end[-1] == '/')
		end--;
	for (start = end; start > dir && start[-1] != '/'; start--)
		;
	return start;
}

int
migrate_run(const struct db_conf *conf, const char *dir, int *applied)
{
	MYSQL *my = NULL;
	struct mig *m = NULL;
	long *done = NULL;
	size_t n = 0, ndone = 0, i;
	struct buf text = {0}, path = {0}, module = {0};
	int rc, count = 0;

	if (conf->database == NULL || *conf->database == '\0') {
		log_error("migrate: no database named");
		rc = TK_EINVAL;
		goto out;
	}
	buf_puts(&module, module_of(dir));
	while (module.len > 0 && module.data[module.len - 1] == '/')
		module.data[--module.len] = '\0';
	if (module.len == 0 || module.len > 64) {
		log_error("migrate: %s: no usable folder name", dir);
		rc = TK_EINVAL;
		goto out;
	}
	my = open_dir(conf, dir, &m, &n, &rc);
	if (my == NULL)
		goto out;
	rc = run_text(my, session_sql, sizeof(session_sql) - 1, "session setup", NULL);
	if (rc != TK_OK)
		goto out;
	rc = run_text(my, lock_sql, sizeof(lock_sql) - 1, "taking the migration lock", &text);
	if (rc != TK_OK)
		goto out;
	if (text.data == NULL || strcmp(text.data, "1") != 0) {
		log_error("migrate: another migration of %s still runs after %s s", conf->database,
			  LOCK_WAIT);
		rc = TK_ECONFLICT;
		goto out;
	}
	rc = run_text(my, table_sql, sizeof(table_sql) - 1, "creating schema_migrations", NULL);
	if (rc == TK_OK)
		rc = read_recorded(my, module.data, &done, &ndone);
	if (rc != TK_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (recorded(done, ndone, m[i].version))
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, m[i].name);
		buf_reset(&text);
		rc = read_file(path.data, &text);
		if (rc != TK_OK)
			goto out;
		if (text.len == 0) {
			log_error("migrate: %s is empty", path.data);
			rc = TK_EINVAL;
			goto out;
		}
		rc = run_text(my, text.data, text.len, path.data, NULL);
		if (rc != TK_OK)
			goto out;
		rc = record(my, module.data, &m[i]);
		if (rc != TK_OK)
			goto out;
		log_info("migrate: %s: applied %s", conf->database, m[i].name);
		count++;
	}
out:
	if (my != NULL)
		mysql_close(my); /* also releases the named lock */
	free_migs(m, n);
	free(done);
	buf_free(&text);
	buf_free(&path);
	buf_free(&module);
	if (applied != NULL)
		*applied = count;
	return rc;
}

int
migrate_exec(const struct db_conf *conf, const char *sql, size_t len, struct buf *first)
{
	MYSQL *my;
	int rc;

	my = connect_db(conf, &rc);
	if (my == NULL)
		goto out;
	rc = run_text(my, sql, len, "statements of the installation", first);
	mysql_close(my);
out:
	return rc;
}

int
migrate_pending(const struct db_conf *conf, const char *dir, int *pending)
{
	static const char has_table_sql[] =
	    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
	    "AND TABLE_NAME = 'schema_migrations'";
	MYSQL *my = NULL;
	struct mig *m = NULL;
	long *done = NULL;
	size_t n = 0, ndone = 0, i;
	struct buf has = {0};
	int rc;

	*pending = 0;
	my = open_dir(conf, dir, &m, &n, &rc);
	if (my == NULL)
		goto out;
	rc = run_text(my, has_table_sql, sizeof(has_table_sql) - 1, "looking for schema_migrations",
		      &has);
	if (rc == TK_OK && has.data != NULL && strcmp(has.data, "1") == 0)
		rc = read_recorded(my, module_of(dir), &done, &ndone);
	for (i = 0; rc == TK_OK && i < n; i++)
		*pending += !recorded(done, ndone, m[i].version);
out:
	if (my != NULL)
		mysql_close(my);
	free_migs(m, n);
	free(done);
	buf_free(&has);
	return rc;
}
