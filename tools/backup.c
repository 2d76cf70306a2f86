/*
 * ticketingctl backup and restore: the service databases, the record of
 * truth, dumped and loaded by MariaDB's own client programs
 * (mariadb-dump, mariadb), run as child processes with the
 * administrator's db_* settings (the migration account) handed to them in
 * a private option file, never on a command line.
 *
 *   backup [--also PATH]... DIR [SERVICE...]
 *       one dump per service database, DIR/ticketing_S.sql, each one
 *       consistent snapshot (--single-transaction: InnoDB, no lock held),
 *       of the tables and rows only, so it loads into any database name.
 *       Without SERVICE every database of the installation
 *       (accounts_services), in the order of dump_order: a service before
 *       the services whose events it copies where the registry's cycles
 *       allow, so a copy is never newer than its source except along a
 *       cycle (docs/DECISIONS.md, "Backups and restore"). --also PATH
 *       (absolute; keys, configuration) goes into DIR/files.tar.
 *       DIR/MANIFEST says what was taken, by which version, when each dump
 *       started and ended; it is written last, so a backup without one is
 *       incomplete.
 *   restore [--force] DIR [SERVICE...]
 *       load the dumps of DIR's MANIFEST (or those of the named services)
 *       into the installation's databases, each dropped and created
 *       again first. A database that holds any table is refused unless
 *       --force, and then nothing is restored. files.tar is not unpacked:
 *       the operator puts keys and configuration back (docs/deploy.md).
 *
 * The services and workers must be stopped during a restore; what brings
 * the event stream and the replicas in line afterwards is `republish`
 * (streams.c) and docs/deploy.md "Backups".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accounts.h"
#include "arena.h"
#include "backbone.h"
#include "backup.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "err.h"

#define MAX_SERVICES 32
#define MAX_ALSO 16
#define MANIFEST "MANIFEST"
#define MANIFEST_HEAD "ticketing-backup 1"
#define FILES_TAR "files.tar"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* now_utc: the current time as 2026-01-31T12:00:00.123456Z into out. */
static void
now_utc(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%.19s.%06dZ", s, (int)(ts.tv_nsec / 1000));
}

/*
 * client_options: a private option file (0600, in TMPDIR) with the
 * [client] settings of dc for mariadb and mariadb-dump, its path in
 * *path. TK_OK or TK_EIO. The caller unlinks it.
 */
static int
client_options(const struct db_conf *dc, struct buf *path)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f = NULL;
	int fd, rc = TK_EIO;

	buf_printf(path, "%s/ticketingctl-client.XXXXXX",
		   tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	fd = mkstemp(path->data);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "ticketingctl: %s: %s\n", path->data, strerror(errno));
		if (fd >= 0)
			close(fd);
		path->data[0] = '\0';
		goto out;
	}
	fprintf(f, "[client]\nuser=\"%s\"\npassword=\"%s\"\n", dc->user, dc->password);
	if (dc->socket != NULL && *dc->socket != '\0')
		fprintf(f, "socket=\"%s\"\n", dc->socket);
	else
		fprintf(f, "host=\"%s\"\nport=%u\nprotocol=tcp\n", dc->host, dc->port);
	rc = fclose(f) == 0 ? TK_OK : TK_EIO;
out:
	return rc;
}

#define RUN_MAX_ARGS 32

/*
 * run: the program argv[0] (looked up in PATH) with argv (NULL-terminated,
 * at most RUN_MAX_ARGS), its standard input from in and its standard
 * output to out (created 0600, truncated) when they are not NULL. TK_OK
 * when it exited 0, else TK_EIO after a message.
 */
static int
run(const char *const argv[], const char *in, const char *out)
{
	char *v[RUN_MAX_ARGS + 1];
	pid_t pid;
	size_t i;
	int status, fd, rc = TK_EIO;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ticketingctl: fork: %s\n", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (in != NULL && ((fd = open(in, O_RDONLY)) < 0 || dup2(fd, 0) < 0)) {
			fprintf(stderr, "ticketingctl: %s: %s\n", in, strerror(errno));
			_exit(127);
		}
		if (out != NULL &&
		    ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || dup2(fd, 1) < 0)) {
			fprintf(stderr, "ticketingctl: %s: %s\n", out, strerror(errno));
			_exit(127);
		}
		/* execvp's argv is not const: copies, in the child only. */
		for (i = 0; i < RUN_MAX_ARGS && argv[i] != NULL; i++)
			v[i] = strdup(argv[i]);
		v[i] = NULL;
		execvp(v[0], v);
		fprintf(stderr, "ticketingctl: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			goto out;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = TK_OK;
	else
		fprintf(stderr, "ticketingctl: %s failed (status %d)\n", argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
out:
	return rc;
}

/* copies: 1 when service keeps a copy of (consumes) some subject that
 * source emits, else 0. */
static int
copies(const char *service, const char *source)
{
	const char *f;
	size_t i, j, len;

	for (i = 0; i < backbone_nconsumers; i++) {
		if (strcmp(backbone_consumers[i].service, service) != 0)
			continue;
		for (j = 0; j < backbone_nemitters; j++) {
			if (strcmp(backbone_emitters[j].service, source) != 0)
				continue;
			f = backbone_emitters[j].subjects; /* "ticketing.user.*" */
			len = strlen(f);
			if (len > 0 && f[len - 1] == '*')
				len--;
			if (strncmp(backbone_consumers[i].filter, f, len) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * dump_order: svcs[0..n) reordered so that a service is dumped before the
 * services it copies events from: each step takes the service that the
 * fewest services still to dump copy from (the first in the given order
 * on a tie). Along a cycle of the registry (tickets and orders copy from
 * each other) one copy is dumped after its source.
 */
static void
dump_order(const char **svcs, size_t n)
{
	const char *out[MAX_SERVICES];
	int done[MAX_SERVICES] = {0};
	size_t k, i, j, best;
	long waiting, fewest;

	for (k = 0; k < n; k++) {
		best = n;
		fewest = LONG_MAX;
		for (i = 0; i < n; i++) {
			if (done[i])
				continue;
			waiting = 0;
			for (j = 0; j < n; j++)
				waiting += !done[j] && j != i && copies(svcs[j], svcs[i]);
			if (waiting < fewest) {
				fewest = waiting;
				best = i;
			}
		}
		done[best] = 1;
		out[k] = svcs[best];
	}
	memcpy(svcs, out, n * sizeof(*svcs));
}

/* known_service: 1 when name is a service with a database. */
static int
known_service(const char *name)
{
	const char *svcs[MAX_SERVICES];
	size_t n = accounts_services(svcs, NELEM(svcs)), i;

	for (i = 0; i < n; i++)
		if (strcmp(svcs[i], name) == 0)
			return 1;
	return 0;
}

/* pick_services: the services named in argv[0..argc), or every one in
 * dump order when there are none, into svcs; their count, or 0 after a
 * message when one is unknown. */
static size_t
pick_services(int argc, char **argv, const char **svcs)
{
	size_t n = 0;
	int i;

	if (argc == 0) {
		n = accounts_services(svcs, MAX_SERVICES);
		dump_order(svcs, n);
		return n;
	}
	for (i = 0; i < argc && n < MAX_SERVICES; i++) {
		if (!known_service(argv[i])) {
			fprintf(stderr, "ticketingctl: no service %s has a database\n", argv[i]);
			return 0;
		}
		svcs[n++] = argv[i];
	}
	return n;
}

/* archive: the absolute paths also[0..n) into dir/files.tar. */
static int
archive(const char *dir, const char *const *also, size_t n)
{
	const char *argv[MAX_ALSO + 8];
	struct buf tar = {0};
	size_t i, k = 0;
	int rc;

	buf_printf(&tar, "%s/" FILES_TAR, dir);
	argv[k++] = "tar";
	argv[k++] = "--create";
	argv[k++] = "--file";
	argv[k++] = tar.data;
	argv[k++] = "--directory";
	argv[k++] = "/";
	for (i = 0; i < n; i++)
		argv[k++] = also[i] + 1; /* relative to / */
	argv[k] = NULL;
	rc = run(argv, NULL, NULL);
	buf_free(&tar);
	return rc;
}

int
backup_main(int argc, char **argv)
{
	static const struct option longopts[] = {{"also", required_argument, NULL, 'a'},
						 {NULL, 0, NULL, 0}};
	const char *svcs[MAX_SERVICES], *also[MAX_ALSO], *dir;
	char started[40], finished[40];
	struct arena *a = arena_new();
	struct buf opts = {0}, path = {0}, man = {0};
	struct db_conf dc, admin = db_conf_configured();
	struct stat st;
	size_t n, nalso = 0, i;
	const char *dump, *args[11];
	FILE *f = NULL;
	int ch, status = 2;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'a' || nalso == MAX_ALSO || optarg[0] != '/')
			goto usage;
		also[nalso++] = optarg;
	}
	if (optind >= argc)
		goto usage;
	dir = argv[optind++];
	n = pick_services(argc - optind, argv + optind, svcs);
	if (n == 0)
		goto out;
	status = 1;
	umask(077); /* dumps, keys and configuration: the administrator's only */
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "ticketingctl: mkdir %s: %s\n", dir, strerror(errno));
		goto out;
	}
	buf_printf(&man, "%s/" MANIFEST, dir);
	if (stat(man.data, &st) == 0) {
		fprintf(stderr, "ticketingctl: %s holds a backup already\n", dir);
		goto out;
	}
	if (client_options(&admin, &opts) != TK_OK)
		goto out;
	buf_printf(&path, MANIFEST_HEAD "\nversion " PACKAGE_VERSION "\n");
	for (i = 0; i < n; i++) {
		dc = accounts_db_conf(a, svcs[i]);
		dump = arena_printf(a, "%s/%s.sql", dir, dc.database);
		memcpy(args,
		       (const char *[]){"mariadb-dump",
					arena_printf(a, "--defaults-file=%s", opts.data),
					"--single-transaction", "--skip-lock-tables", "--hex-blob",
					"--default-character-set=utf8mb4", "--routines",
					"--triggers", dc.database, NULL},
		       10 * sizeof(*args));
		now_utc(started, sizeof(started));
		if (run(args, NULL, dump) != TK_OK)
			goto out;
		now_utc(finished, sizeof(finished));
		buf_printf(&path, "dump %s %s %s.sql %s %s\n", svcs[i], dc.database, dc.database,
			   started, finished);
		printf("%s: %s.sql\n", svcs[i], dc.database);
	}
	if (nalso > 0) {
		if (archive(dir, also, nalso) != TK_OK)
			goto out;
		buf_printf(&path, "files " FILES_TAR "\n");
	}
	now_utc(finished, sizeof(finished));
	buf_printf(&path, "finished %s\n", finished);
	f = fopen(man.data, "wx");
	if (f == NULL || fputs(path.data, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "ticketingctl: %s: %s\n", man.data, strerror(errno));
		f = NULL;
		goto out;
	}
	f = NULL;
	printf("backup of %zu databases in %s\n", n, dir);
	status = 0;
	goto out;
usage:
	fprintf(stderr, "usage: ticketingctl --config FILE backup [--also /PATH]... DIR "
			"[SERVICE...]\n");
out:
	if (f != NULL)
		fclose(f);
	if (opts.len > 0 && opts.data[0] != '\0')
		unlink(opts.data);
	buf_free(&opts);
	buf_free(&path);
	buf_free(&man);
	arena_free(a);
	return status;
}

/* One database of a backup's manifest. */
struct dump {
	char service[64], database[80], file[96];
};

/* name_ok: s is a plain name ([a-z0-9_.]+, no leading dot). */
static int
name_ok(const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && *p != '_' &&
		    *p != '.')
			return 0;
	return *s != '\0' && *s != '.';
}

/* read_manifest: the dumps of dir's manifest into d[0..max); their count,
 * or -1 after a message when it is missing, incomplete or malformed. */
static long
read_manifest(const char *dir, struct dump *d, size_t max)
{
	char line[512];
	struct buf path = {0};
	FILE *f;
	long n = -1, k = 0;
	int complete = 0;

	buf_printf(&path, "%s/" MANIFEST, dir);
	f = fopen(path.data, "r");
	if (f == NULL) {
		fprintf(stderr, "ticketingctl: %s: %s\n", path.data, strerror(errno));
		goto out;
	}
	if (fgets(line, sizeof(line), f) == NULL || strcmp(line, MANIFEST_HEAD "\n") != 0) {
		fprintf(stderr, "ticketingctl: %s is not a backup's manifest\n", path.data);
		goto out;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "finished ", 9) == 0)
			complete = 1;
		if (strncmp(line, "dump ", 5) != 0)
			continue;
		if ((size_t)k == max ||
		    sscanf(line, "dump %63s %79s %95s", d[k].service, d[k].database, d[k].file) !=
			3 ||
		    !name_ok(d[k].service) || !name_ok(d[k].database) || !name_ok(d[k].file)) {
			fprintf(stderr, "ticketingctl: %s: bad line: %s", path.data, line);
			goto out;
		}
		k++;
	}
	if (!complete) {
		fprintf(stderr, "ticketingctl: %s: the backup did not finish\n", path.data);
		goto out;
	}
	n = k;
out:
	if (f != NULL)
		fclose(f);
	buf_free(&path);
	return n;
}

/* tables_in: the number of tables of database, or -1 after a message. */
static long
tables_in(const char *database)
{
	static const char *const sql[] = {
	    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"};
	struct db_conf dc = db_conf_configured();
	struct arena *a = arena_new();
	struct db_rows rows;
	struct db *db;
	long n = -1;
	int rc;

	dc.database = "information_schema";
	db = db_new(&dc, sql, 1);
	rc = db_exec(db, 0, (struct db_val[]){DB_S(database)}, 1, a, &rows);
	if (rc == TK_OK && rows.nrows == 1)
		n = (long)db_int(&rows, 0, 0);
	else
		fprintf(stderr, "ticketingctl: tables of %s: %s\n", database, err_str(rc));
	db_free(db);
	arena_free(a);
	return n;
}

/* load: database dropped, created again and loaded from dir/file. */
static int
load(struct arena *a, const char *opts, const char *dir, const struct dump *d)
{
	const char *defaults = arena_printf(a, "--defaults-file=%s", opts);
	const char *fresh = arena_printf(a,
					 "DROP DATABASE IF EXISTS `%s`; "
					 "CREATE DATABASE `%s` CHARACTER SET utf8mb4",
					 d->database, d->database);
	const char *recreate[] = {"mariadb", defaults, "-e", fresh, NULL};
	const char *fill[] = {"mariadb", defaults, "--default-character-set=utf8mb4", d->database,
			      NULL};
	int rc;

	rc = run(recreate, NULL, NULL);
	if (rc == TK_OK)
		rc = run(fill, arena_printf(a, "%s/%s", dir, d->file), NULL);
	return rc;
}

int
backup_restore_main(int argc, char **argv)
{
	static const struct option longopts[] = {{"force", no_argument, NULL, 'f'},
						 {NULL, 0, NULL, 0}};
	struct dump d[MAX_SERVICES];
	int pick[MAX_SERVICES] = {0};
	struct arena *a = arena_new();
	struct buf opts = {0};
	struct db_conf admin = db_conf_configured();
	const char *dir;
	long n, i, tables, busy = 0;
	int ch, j, force = 0, found, status = 2;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'f')
			goto usage;
		force = 1;
	}
	if (optind >= argc)
		goto usage;
	dir = argv[optind++];
	status = 1;
	n = read_manifest(dir, d, NELEM(d));
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++) {
		pick[i] = optind == argc;
		if (!known_service(d[i].service) ||
		    strcmp(d[i].database, accounts_db_conf(a, d[i].service).database) != 0) {
			fprintf(stderr,
				"ticketingctl: %s: %s is not the database of a service here\n", dir,
				d[i].database);
			goto out;
		}
	}
	for (j = optind; j < argc; j++) {
		found = 0;
		for (i = 0; i < n; i++)
			if (strcmp(d[i].service, argv[j]) == 0)
				found = pick[i] = 1;
		if (!found) {
			fprintf(stderr, "ticketingctl: the backup in %s has no %s\n", dir, argv[j]);
			goto out;
		}
	}
	/* Every database is looked at before any is touched. */
	for (i = 0; i < n; i++) {
		if (!pick[i])
			continue;
		tables = tables_in(d[i].database);
		if (tables < 0)
			goto out;
		if (tables > 0 && !force) {
			fprintf(stderr, "ticketingctl: %s holds %ld tables\n", d[i].database,
				tables);
			busy++;
		}
	}
	if (busy > 0) {
		fprintf(stderr, "ticketingctl: nothing restored; --force replaces what the "
				"databases hold\n");
		goto out;
	}
	if (client_options(&admin, &opts) != TK_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (!pick[i])
			continue;
		if (load(a, opts.data, dir, &d[i]) != TK_OK) {
			fprintf(stderr, "ticketingctl: restoring %s failed\n", d[i].database);
			goto out;
		}
		printf("%s: %s restored\n", d[i].service, d[i].database);
	}
	status = 0;
	goto out;
usage:
	fprintf(stderr, "usage: ticketingctl --config FILE restore [--force] DIR [SERVICE...]\n");
out:
	if (opts.len > 0 && opts.data[0] != '\0')
		unlink(opts.data);
	buf_free(&opts);
	arena_free(a);
	return status;
}
