/*
 * Schema migrations: numbered, forward-only SQL files NNN_name.sql in
 * folders (sql/SERVICE for a service's own tables, sql/common/TABLE for a
 * table every service of some kind shares, see backbone_common_tables),
 * applied in numeric order and recorded in the database's
 * schema_migrations table under the folder's name.
 */
#ifndef TK_MIGRATE_H
#define TK_MIGRATE_H
#include <stddef.h>

struct buf;
struct db_conf;

/*
 * migrate_run: apply every file of dir not yet recorded in the database of
 * conf (conf->database must be set) for dir's last path component, each as
 * one multi-statement text, and record it once it succeeded. A named lock keeps two migrators of
 * the same database apart. Stops at the first failure, logging the file name and MariaDB's message;
 * files before it stay applied and recorded (DDL commits implicitly, so a failed file may have been
 * applied in part). *applied (OUT, may be NULL) counts the files applied by this call. Returns
 * TK_OK, TK_EIO (dir or a file unreadable), TK_EINVAL (a misnamed .sql file or two files with one
 * number), TK_ECONFLICT (another migrator kept the lock for a minute), TK_EDBDOWN (no server) or
 * TK_EDB.
 */
int migrate_run(const struct db_conf *conf, const char *dir, int *applied);

/*
 * migrate_pending: how many files of dir migrate_run would apply to the
 * database of conf, into *pending (OUT); changes nothing. TK_OK, or
 * migrate_run's errors (TK_EDBDOWN also when the database does not
 * exist).
 */
int migrate_pending(const struct db_conf *conf, const char *dir, int *pending);

/*
 * migrate_exec: run sql[0..len), a trusted text of one or more statements
 * of the installation (the administrator's account set-up, the time zone
 * tables), on a connection of its own as conf's account (conf->database
 * may be empty). When first is not NULL, the first column of the first
 * row of the first result is appended to it (nothing for none or NULL).
 * Returns TK_OK, TK_EDBDOWN (no server, or the account was refused; the
 * reason is logged) or TK_EDB.
 */
int migrate_exec(const struct db_conf *conf, const char *sql, size_t len, struct buf *first);

#endif
