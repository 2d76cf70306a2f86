/*
 * Schema migrations: numbered, forward-only SQL files NNN_name.sql in
 * folders (sql/SERVICE for a service's own tables, sql/common/TABLE for a
 * table every service of some kind shares, see backbone_common_tables),
 * applied in numeric order and recorded in the database's
 * schema_migrations table under the folder's name.
 */
#ifndef TK_MIGRATE_H
#define TK_MIGRATE_H

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

#endif
