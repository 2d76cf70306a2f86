/*
 * ticketingctl's backup and restore of the service databases (backup.c):
 * a consistent dump per database with a manifest, and its restore onto
 * empty databases.
 */
#ifndef TK_BACKUP_H
#define TK_BACKUP_H

/* backup_main: `backup [--also /PATH]... DIR [SERVICE...]` with its
 * arguments (argv[0] is the command); the configuration (the
 * administrator's db_* settings) is loaded. Exit status 0, 1 (failed,
 * reason on stderr) or 2 (usage). */
int backup_main(int argc, char **argv);

/* backup_restore_main: `restore [--force] DIR [SERVICE...]`, same
 * conventions; refuses (1) before touching anything when a database holds
 * a table and --force is not given. */
int backup_restore_main(int argc, char **argv);

#endif
