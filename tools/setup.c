/*
 * ticketingctl setup: a fresh server's set-up in one command, safe to run
 * again. It checks that MariaDB and nats-server answer, then runs the
 * steps of the table below in order. Each step first looks at what is
 * there (probe): when its work is done it prints "already done"; with
 * --dry-run it prints what it would do and changes nothing; otherwise it
 * does the work (apply) and prints what it did. The work itself is the
 * other commands' (keygen, accounts, migrate, setup-backbone,
 * create-user), called, not copied.
 *
 *   keys        keygen's keys and every account's password in the key
 *               folder (0600), owned by the services' user when it exists
 *   databases   the service databases and MariaDB accounts with their
 *               grants (accounts sql), run as MariaDB's root over the
 *               unix socket (unix_socket authentication)
 *   time zones  mariadb-tzinfo-to-sql into the time zone tables when empty
 *   config      each missing SERVICE.conf and workers/WORKER-SERVICE.conf made from its
 *               .example with the passwords filled in; existing ones kept
 *   nats users  the NATS users (accounts nats) in CONFDIR/nats-users.conf,
 *               which nats-server.conf includes; then the reload command,
 *               and a check that the administrator connects and a wrong
 *               password is refused (the include is in effect)
 *   migrations  every database's pending migrations (as ticketing_migrate)
 *   backbone    the stream and every consumer of the registry
 *   admin       the first admin account, unless an admin exists; the
 *               password from --admin-password-file or a no-echo prompt
 *
 * The settings come from the installation's admin.conf (or, before it is
 * made, admin.conf.example): db_socket (root connects there), nats_url,
 * sql_dir. Decisions: docs/DECISIONS.md "ticketingctl setup".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "accounts.h"
#include "arena.h"
#include "auth.h"
#include "backbone.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "migrate.h"
#include "mq.h"
#include "setup.h"
#include "streams.h"
#include "ticketingctl.h"

#ifndef TK_SETUP_CONFDIR
#define TK_SETUP_CONFDIR "/etc/ticketing"
#endif
#ifndef TK_SETUP_KEYDIR
#define TK_SETUP_KEYDIR "/var/lib/ticketing/keys"
#endif
#ifndef TK_SETUP_USER
#define TK_SETUP_USER "ticketing"
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SERVICES 32
#define MAX_FILES 64
/* The file of NATS users nats-server.conf includes, in the config dir. */
#define NATS_USERS_FILE "nats-users.conf"
#define NATS_GROUP "nats"
#define NATS_RELOAD_DEFAULT "systemctl reload nats-server"
#define ZONEINFO_DEFAULT "/usr/share/zoneinfo"
#define MARIADB_ADMIN "root"
/* How long the administrator may take to be let in after a reload. */
#define NATS_WAIT_MS 10000
#define NATS_REFUSED_WAIT_MS 1000

/* What one run knows. Strings live in a (or argv). */
struct setup {
	int dry_run;
	const char *conf_dir, *key_dir, *nats_reload, *zoneinfo;
	const char *admin_email, *admin_name, *admin_pw_file;
	const char *admin_conf; /* CONFDIR/admin.conf */
	int admin_conf_loaded;  /* its passwords are in the configuration */
	struct db_conf root;    /* MariaDB's administrator */
	const char *nats_url;
	struct arena *a;
};

/* One step: probe says whether the work is done (*done) and describes
 * what it found or would do (*what); apply does the work and describes
 * it (*done: it found nothing to do after all). */
struct step {
	const char *name;
	int (*probe)(struct setup *s, const char **what, int *done);
	int (*apply)(struct setup *s, const char **what, int *done);
};

/* --- helpers --------------------------------------------------------------- */

/* sql_first: the first cell of sql's first result as root (or as the
 * configured administrator account when as_migrate), appended to out. */
static int
sql_first(struct setup *s, int as_migrate, const char *sql, struct buf *out)
{
	struct db_conf dc = as_migrate ? db_conf_configured() : s->root;

	if (as_migrate)
		dc.database = "";
	return migrate_exec(&dc, sql, strlen(sql), out);
}

/* sql_list: 'a', 'b', ... of the names (prefix + name) into b. */
static void
sql_list(struct buf *b, const char *prefix, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s'%s%s'", i > 0 ? ", " : "", prefix, names[i]);
}

/* counting_password: an accounts_password_fn that changes nothing: it
 * counts the password files missing from the key folder (arg: struct
 * counting) and stands in a placeholder for each. */
struct counting {
	const char *dir;
	struct arena *a;
	int missing;
};

static const char *
counting_password(void *arg, const char *file)
{
	struct counting *c = arg;

	if (access(arena_printf(c->a, "%s/%s", c->dir, file), F_OK) != 0)
		c->missing++;
	return "placeholder";
}

/* render: the NATS users (nats) or the SQL (!nats) into b, with the
 * passwords of the key folder, made when missing (make) or counted into
 * *missing. */
static int
render(struct setup *s, int nats, int make, struct buf *b, int *missing)
{
	struct ticketingctl_key_dir k = {s->key_dir, s->a};
	struct counting c = {s->key_dir, s->a, 0};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = TK_EIO;

	if (f == NULL)
		goto out;
	if (nats)
		rc = make ? accounts_render_nats(f, ticketingctl_key_password, &k)
			  : accounts_render_nats(f, counting_password, &c);
	else
		rc = make ? accounts_render_sql(f, ticketingctl_key_password, &k)
			  : accounts_render_sql(f, counting_password, &c);
	if (fclose(f) != 0 && rc == TK_OK)
		rc = TK_EIO;
	if (rc == TK_OK)
		buf_append(b, text, len);
	if (missing != NULL)
		*missing = c.missing;
out:
	if (text != NULL)
		sodium_memzero(text, len);
	free(text);
	return rc;
}

/* services_user: the services' account, or NULL when it does not exist
 * (a test's installation). */
static const struct passwd *
services_user(void)
{
	return getpwnam(TK_SETUP_USER);
}

/* read_text: the whole file at path into b; TK_EIO when unreadable. */
static int
read_text(const char *path, struct buf *b)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");
	int rc = TK_EIO;

	if (f == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	if (!ferror(f))
		rc = TK_OK;
	fclose(f);
out:
	return rc;
}

/* tcp_reachable: whether host:port of url (scheme://host:port) accepts a
 * connection. */
static int
tcp_reachable(struct arena *a, const char *url)
{
	const char *h = strstr(url, "://"), *colon;
	struct addrinfo hints = {0}, *res = NULL, *r;
	char *host;
	int fd, ok = 0;

	h = h != NULL ? h + 3 : url;
	colon = strrchr(h, ':');
	if (colon == NULL)
		goto out;
	host = arena_strndup(a, h, (size_t)(colon - h));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		goto out;
	for (r = res; r != NULL && !ok; r = r->ai_next) {
		fd = socket(r->ai_family, r->ai_socktype | SOCK_CLOEXEC, r->ai_protocol);
		if (fd < 0)
			continue;
		ok = connect(fd, r->ai_addr, r->ai_addrlen) == 0;
		close(fd);
	}
out:
	if (res != NULL)
		freeaddrinfo(res);
	return ok;
}

/* load_admin_conf: the administrator's configuration: admin.conf, or its
 * example before admin.conf is made; the settings setup needs, copied. */
static int
load_admin_conf(struct setup *s)
{
	const char *path = s->admin_conf;
	int rc;

	s->admin_conf_loaded = access(path, F_OK) == 0;
	if (!s->admin_conf_loaded)
		path = arena_printf(s->a, "%s.example", s->admin_conf);
	rc = config_load(path, streams_keys, streams_nkeys, CONFIG_OTHER_KEYS);
	if (rc != TK_OK) {
		fprintf(stderr,
			"ticketingctl: setup: cannot read %s (is %s the installation's "
			"configuration folder? --config-dir)\n",
			path, s->conf_dir);
		goto out;
	}
	s->root = db_conf_configured();
	s->root.socket = arena_strdup(s->a, s->root.socket ? s->root.socket : "");
	s->root.host = arena_strdup(s->a, s->root.host ? s->root.host : "");
	s->root.user = MARIADB_ADMIN;
	s->root.password = "";
	s->root.database = "";
	s->nats_url = arena_strdup(s->a, config_str("nats_url"));
out:
	return rc;
}

/* --- keys ------------------------------------------------------------------ */

static int
keys_probe(struct setup *s, const char **what, int *done)
{
	struct buf b = {0};
	int nats_missing = 0, sql_missing = 0, rc;
	size_t keys = ticketingctl_keys_missing(s->key_dir);

	rc = render(s, 1, 0, &b, &nats_missing);
	if (rc == TK_OK)
		rc = render(s, 0, 0, &b, &sql_missing);
	*done = keys == 0 && nats_missing + sql_missing == 0;
	*what = *done ? arena_printf(s->a, "every key and password in %s exists", s->key_dir)
		      : arena_printf(s->a, "make %zu key groups and %d passwords in %s (0600)",
				     keys, nats_missing + sql_missing, s->key_dir);
	buf_free(&b);
	return rc;
}

/* own_keys: the key folder and its files belong to the services' user,
 * when it exists (the programs read their keys as that user). */
static int
own_keys(struct setup *s)
{
	const struct passwd *pw = services_user();
	struct dirent *e;
	DIR *d = NULL;
	int rc = TK_OK;

	if (pw == NULL)
		goto out;
	rc = TK_EIO;
	if (chown(s->key_dir, pw->pw_uid, pw->pw_gid) != 0 || (d = opendir(s->key_dir)) == NULL)
		goto out;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' &&
		    fchownat(dirfd(d), e->d_name, pw->pw_uid, pw->pw_gid, AT_SYMLINK_NOFOLLOW) != 0)
			goto out;
	rc = TK_OK;
out:
	if (rc != TK_OK)
		fprintf(stderr, "ticketingctl: setup: giving %s to %s: %s\n", s->key_dir,
			TK_SETUP_USER, strerror(errno));
	if (d != NULL)
		closedir(d);
	return rc;
}

static int
keys_apply(struct setup *s, const char **what, int *done)
{
	struct buf b = {0};
	int made = 0, rc, before = 0;

	rc = render(s, 1, 0, &b, &before);
	if (rc == TK_OK)
		rc = render(s, 0, 0, &b, &made);
	before += made;
	if (rc == TK_OK)
		rc = ticketingctl_keygen(s->key_dir, 0, &made);
	buf_reset(&b);
	if (rc == TK_OK)
		rc = render(s, 1, 1, &b, NULL);
	if (rc == TK_OK)
		rc = render(s, 0, 1, &b, NULL);
	if (rc == TK_OK)
		rc = own_keys(s);
	*done = 0;
	*what = arena_printf(s->a, "made %d key groups and %d passwords in %s (0600%s)", made,
			     before, s->key_dir, services_user() ? ", owner " TK_SETUP_USER : "");
	if (b.data != NULL)
		sodium_memzero(b.data, b.len);
	buf_free(&b);
	return rc;
}

/* --- databases ------------------------------------------------------------- */

/* databases_count: how many service databases and accounts exist, of
 * *ndbs and *nusers. */
static int
databases_count(struct setup *s, int *dbs, int *users, size_t *ndbs, size_t *nusers)
{
	const char *svcs[MAX_SERVICES];
	size_t n = accounts_services(svcs, NELEM(svcs));
	struct buf q = {0}, out = {0};
	int rc;

	buf_puts(&q, "SELECT CONCAT((SELECT COUNT(*) FROM information_schema.SCHEMATA "
		     "WHERE SCHEMA_NAME IN (");
	sql_list(&q, "ticketing_", svcs, n);
	buf_puts(&q, ")), ' ', (SELECT COUNT(*) FROM mysql.user WHERE Host = 'localhost' "
		     "AND User IN ('" ACCOUNTS_DB_MIGRATE "', ");
	sql_list(&q, "ticketing_", svcs, n);
	buf_puts(&q, ")))");
	rc = sql_first(s, 0, q.data, &out);
	if (rc == TK_OK && (out.data == NULL || sscanf(out.data, "%d %d", dbs, users) != 2))
		rc = TK_EDB;
	*ndbs = n;
	*nusers = n + 1;
	buf_free(&q);
	buf_free(&out);
	return rc;
}

static int
databases_probe(struct setup *s, const char **what, int *done)
{
	size_t ndbs = 0, nusers = 0;
	int dbs = 0, users = 0, rc = databases_count(s, &dbs, &users, &ndbs, &nusers);

	*done = (size_t)dbs == ndbs && (size_t)users == nusers;
	*what = *done ? arena_printf(s->a, "%zu databases and %zu accounts exist", ndbs, nusers)
		      : arena_printf(s->a,
				     "create %zu databases (%d exist) and %zu accounts (%d exist), "
				     "each service's with "
				     "SELECT, INSERT, UPDATE, DELETE on its "
				     "own database only",
				     ndbs, dbs, nusers, users);
	return rc;
}

static int
databases_apply(struct setup *s, const char **what, int *done)
{
	struct buf sql = {0};
	size_t ndbs = 0, nusers = 0;
	int dbs = 0, users = 0, rc = render(s, 0, 1, &sql, NULL);

	if (rc == TK_OK)
		rc = migrate_exec(&s->root, sql.data, sql.len, NULL);
	if (rc == TK_OK)
		rc = databases_count(s, &dbs, &users, &ndbs, &nusers);
	if (rc == TK_OK && ((size_t)dbs != ndbs || (size_t)users != nusers))
		rc = TK_EDB;
	*done = 0;
	*what = arena_printf(s->a,
			     "created the databases and accounts (%d of %zu and %d of %zu "
			     "there), each service's account granted its own database",
			     dbs, ndbs, users, nusers);
	if (sql.data != NULL)
		sodium_memzero(sql.data, sql.len);
	buf_free(&sql);
	return rc;
}

/* --- time zones ------------------------------------------------------------ */

static int
zones_probe(struct setup *s, const char **what, int *done)
{
	struct buf out = {0};
	int rc = sql_first(s, 0, "SELECT COUNT(*) FROM mysql.time_zone_name", &out);

	*done = rc == TK_OK && out.data != NULL && atol(out.data) > 0;
	*what = *done ? arena_printf(s->a, "MariaDB knows %s time zones", out.data)
		      : arena_printf(s->a, "load %s into MariaDB's time zone tables", s->zoneinfo);
	buf_free(&out);
	return rc;
}

static int
zones_apply(struct setup *s, const char **what, int *done)
{
	struct db_conf dc = s->root;
	struct buf sql = {0};
	char chunk[65536];
	size_t n;
	FILE *p = NULL;
	int rc = TK_EINVAL;

	*done = 0;
	*what = "";
	if (strchr(s->zoneinfo, '\'') != NULL) {
		fprintf(stderr, "ticketingctl: setup: --zoneinfo: no quotes, please\n");
		goto out;
	}
	rc = TK_EIO;
	/* Its warnings about files that are not zones are not ours. */
	p = popen(arena_printf(s->a, "mariadb-tzinfo-to-sql '%s' 2>/dev/null", s->zoneinfo), "r");
	if (p == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(&sql, chunk, n);
	if (pclose(p) != 0 || sql.len == 0) {
		fprintf(stderr, "ticketingctl: setup: mariadb-tzinfo-to-sql %s failed\n",
			s->zoneinfo);
		goto out;
	}
	dc.database = "mysql";
	rc = migrate_exec(&dc, sql.data, sql.len, NULL);
	if (rc == TK_OK)
		rc = zones_probe(s, what, done);
	if (rc == TK_OK && !*done)
		rc = TK_EDB;
	*done = 0;
out:
	buf_free(&sql);
	return rc;
}

/* --- NATS users ------------------------------------------------------------ */

/* user_names: the `{user: "NAME"` names of a rendered users file, each
 * followed by a space, into b. */
static void
user_names(const char *text, struct buf *b)
{
	const char *p = text, *q;

	while (p != NULL && (p = strstr(p, "{user: \"")) != NULL) {
		p += 8;
		q = strchr(p, '"');
		if (q == NULL)
			break;
		buf_append(b, p, (size_t)(q - p));
		buf_puts(b, " ");
	}
}

/* nats_users_path: CONFDIR/nats-users.conf. */
static const char *
nats_users_path(struct setup *s)
{
	return arena_printf(s->a, "%s/" NATS_USERS_FILE, s->conf_dir);
}

/* nats_refuses: whether nats-server refuses the administrator with a
 * wrong password (it enforces the users file). */
static int
nats_refuses(struct setup *s)
{
	struct mq *mq = NULL;
	int refused;

	refused = mq_connect(s->nats_url, ACCOUNTS_NATS_ADMIN, "not-the-password",
			     "ticketingctl-setup", &mq) != TK_OK ||
		  mq_wait_connected(mq, NATS_REFUSED_WAIT_MS) != TK_OK;
	mq_close(mq);
	return refused;
}

/* nats_admin_check: nats-server refuses a wrong password (a reload takes
 * effect a moment after the command returns: up to NATS_WAIT_MS), then
 * the administrator connects. */
static int
nats_admin_check(struct setup *s)
{
	struct mq *mq = NULL;
	int waited, rc = TK_ECONFIG;

	for (waited = 0; !nats_refuses(s); waited += NATS_REFUSED_WAIT_MS + 200) {
		if (waited >= NATS_WAIT_MS) {
			fprintf(stderr,
				"ticketingctl: setup: nats-server at %s lets anybody in: add\n"
				"  include \"PATH/" NATS_USERS_FILE "\"\n"
				"to nats-server.conf (PATH relative to its folder; docs/deploy.md) "
				"and run setup again\n",
				s->nats_url);
			goto out;
		}
		usleep(200 * 1000);
	}
	rc = mq_connect(s->nats_url, ACCOUNTS_NATS_ADMIN, config_str("nats_password"),
			"ticketingctl-setup", &mq);
	if (rc == TK_OK)
		rc = mq_wait_connected(mq, NATS_WAIT_MS);
	if (rc != TK_OK)
		fprintf(stderr, "ticketingctl: setup: NATS user %s cannot connect to %s\n",
			ACCOUNTS_NATS_ADMIN, s->nats_url);
out:
	mq_close(mq);
	return rc;
}

static int
nats_probe(struct setup *s, const char **what, int *done)
{
	struct buf want = {0}, have = {0}, text = {0};
	const char *path = nats_users_path(s);
	int rc = render(s, 1, 0, &text, NULL);

	if (rc != TK_OK)
		goto out;
	user_names(text.data, &want);
	buf_reset(&text);
	*done = read_text(path, &text) == TK_OK && text.data != NULL;
	if (*done) {
		user_names(text.data, &have);
		*done = have.data != NULL && strcmp(want.data, have.data) == 0;
	}
	*what = *done ? arena_printf(s->a, "%s names every NATS user", path)
		      : arena_printf(s->a, "write the NATS users to %s and run `%s`", path,
				     s->nats_reload);
	/* The file alone proves nothing: nats-server must include it. */
	if (*done && !s->dry_run && s->admin_conf_loaded)
		rc = nats_admin_check(s);
out:
	buf_free(&want);
	buf_free(&have);
	buf_free(&text);
	return rc;
}

static int
nats_apply(struct setup *s, const char **what, int *done)
{
	const struct group *g = getgrnam(NATS_GROUP);
	const char *path = nats_users_path(s);
	struct buf text = {0};
	int rc = render(s, 1, 1, &text, NULL), st;

	*done = 0;
	*what = "";
	if (rc != TK_OK)
		goto out;
	/* nats-server (user nats) reads it; the hashes are nobody else's. */
	rc = ticketingctl_write_file(path, text.data, text.len, 0640,
				     g != NULL ? g->gr_gid : (gid_t)-1, 1);
	if (rc != TK_OK)
		goto out;
	st = system(s->nats_reload);
	if (st != 0) {
		fprintf(stderr, "ticketingctl: setup: `%s` failed (status %d)\n", s->nats_reload,
			st);
		rc = TK_EIO;
		goto out;
	}
	if (s->admin_conf_loaded)
		rc = nats_admin_check(s);
	*what = arena_printf(s->a, "wrote %s, ran `%s`; the administrator connects", path,
			     s->nats_reload);
out:
	buf_free(&text);
	return rc;
}

/* --- configuration files --------------------------------------------------- */

/* examples: the *.conf.example files of the config folder and its
 * workers/ folder, whose .conf is missing (missing) or exists (!missing),
 * into paths[0..max) (the .conf paths); the count. */
static size_t
examples(struct setup *s, int missing, const char **paths, size_t max)
{
	const char *dirs[2] = {s->conf_dir, arena_printf(s->a, "%s/workers", s->conf_dir)};
	const struct dirent *e;
	const char *conf;
	size_t i, len, n = 0;
	DIR *d;

	for (i = 0; i < NELEM(dirs); i++) {
		d = opendir(dirs[i]);
		if (d == NULL)
			continue;
		while ((e = readdir(d)) != NULL && n < max) {
			len = strlen(e->d_name);
			if (len <= 13 || strcmp(e->d_name + len - 13, ".conf.example") != 0)
				continue;
			conf = arena_printf(s->a, "%s/%.*s", dirs[i], (int)(len - 8), e->d_name);
			if ((access(conf, F_OK) != 0) == missing)
				paths[n++] = conf;
		}
		closedir(d);
	}
	return n;
}

/* fill: the example of conf with each secret filled in: a line "KEY ="
 * after "# KEY: the content of DIR/FILE" (deploy/conf) takes the first
 * line of the key folder's FILE. */
static int
fill(struct setup *s, const char *conf, struct buf *out)
{
	struct buf ex = {0}, secret = {0};
	const char *line, *next, *src = NULL, *file;
	char key[64], *nl;
	size_t klen;
	int rc = read_text(arena_printf(s->a, "%s.example", conf), &ex);

	if (rc != TK_OK || ex.data == NULL) {
		rc = TK_EIO;
		goto out;
	}
	for (line = ex.data; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next != NULL ? next + 1 : line + strlen(line);
		if (sscanf(line, "# %63[a-z_]: the content of", key) == 1) {
			src = strstr(line, "the content of ") + 15;
		} else if (src != NULL && (klen = strlen(key), strncmp(line, key, klen) == 0) &&
			   strncmp(line + klen, " =\n", 3) == 0) {
			file = arena_strndup(s->a, src, (size_t)(strchr(src, '\n') - src));
			file = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
			buf_reset(&secret);
			rc = read_text(arena_printf(s->a, "%s/%s", s->key_dir, file), &secret);
			if (rc != TK_OK || secret.data == NULL) {
				fprintf(stderr, "ticketingctl: setup: %s: no %s/%s\n", conf,
					s->key_dir, file);
				rc = TK_EIO;
				goto out;
			}
			nl = strchr(secret.data, '\n');
			if (nl != NULL)
				*nl = '\0';
			buf_printf(out, "%s = %s\n", key, secret.data);
			src = NULL;
			continue;
		} else {
			src = NULL;
		}
		buf_append(out, line, (size_t)(next - line));
	}
	rc = TK_OK;
out:
	if (secret.data != NULL)
		sodium_memzero(secret.data, secret.len);
	buf_free(&ex);
	buf_free(&secret);
	return rc;
}

static int
config_probe(struct setup *s, const char **what, int *done)
{
	const char *paths[MAX_FILES];
	size_t missing = examples(s, 1, paths, NELEM(paths));
	size_t kept = examples(s, 0, paths, NELEM(paths));

	*done = missing == 0;
	*what = *done ? arena_printf(s->a, "the %zu configuration files in %s exist (kept)", kept,
				     s->conf_dir)
		      : arena_printf(s->a,
				     "make %zu configuration files in %s from their examples "
				     "(%zu exist: kept)",
				     missing, s->conf_dir, kept);
	return TK_OK;
}

static int
config_apply(struct setup *s, const char **what, int *done)
{
	const struct passwd *pw = services_user();
	const char *paths[MAX_FILES];
	size_t n = examples(s, 1, paths, NELEM(paths)), i;
	struct buf text = {0};
	int admin, rc = TK_OK;

	*done = 0;
	for (i = 0; rc == TK_OK && i < n; i++) {
		buf_reset(&text);
		rc = fill(s, paths[i], &text);
		admin = strcmp(paths[i], s->admin_conf) == 0;
		/* The services' group reads theirs; admin.conf is root's. */
		if (rc == TK_OK)
			rc = ticketingctl_write_file(
			    paths[i], text.data, text.len, admin ? 0600 : 0640,
			    !admin && pw != NULL ? pw->pw_gid : (gid_t)-1, 0);
		if (text.data != NULL)
			sodium_memzero(text.data, text.len);
	}
	*what = arena_printf(s->a, "made %zu configuration files in %s (0640%s; admin.conf 0600)",
			     n, s->conf_dir, pw != NULL ? ", group " TK_SETUP_USER : "");
	buf_free(&text);
	if (rc == TK_OK && !s->admin_conf_loaded) {
		rc = load_admin_conf(s);
		if (rc == TK_OK && !s->admin_conf_loaded)
			rc = TK_ECONFIG;
	}
	return rc;
}

/* --- migrations, the backbone, the first admin ----------------------------- */

/* migrations: ticketingctl_migrate (count_only or not) over every service
 * database; *total (OUT) the files pending or applied, of *n databases. */
static int
migrations(int count_only, int *total, size_t *n)
{
	const char *svcs[MAX_SERVICES];
	size_t i;
	int one, rc = TK_OK;

	*n = accounts_services(svcs, NELEM(svcs));
	*total = 0;
	for (i = 0; rc == TK_OK && i < *n; i++) {
		rc = ticketingctl_migrate(svcs[i], count_only, &one);
		*total += one;
	}
	return rc;
}

static int
migrations_probe(struct setup *s, const char **what, int *done)
{
	size_t n = 0;
	int total = 0, rc = TK_OK;

	*done = 0;
	*what = arena_printf(s->a, "apply what each service database has not seen of %s",
			     config_str("sql_dir"));
	/* Before admin.conf and the databases exist, everything is pending. */
	if (!s->admin_conf_loaded)
		goto out;
	rc = migrations(1, &total, &n);
	*done = rc == TK_OK && total == 0;
	*what = *done ? arena_printf(s->a, "no migration pending in %zu databases", n)
		      : arena_printf(s->a, "apply %d migrations of %s to %zu databases", total,
				     config_str("sql_dir"), n);
out:
	return rc;
}

static int
migrations_apply(struct setup *s, const char **what, int *done)
{
	size_t n = 0;
	int total = 0, rc = migrations(0, &total, &n);

	*done = rc == TK_OK && total == 0;
	*what = *done ? arena_printf(s->a, "no migration pending in %zu databases", n)
		      : arena_printf(s->a, "applied %d migrations to %zu databases", total, n);
	return rc;
}

/* backbone_missing: how many of the stream and the registry's consumers
 * are missing; connects as the administrator. */
static int
backbone_missing(struct setup *s, size_t *missing)
{
	struct mq_stream_state ss;
	struct mq_consumer_state cs;
	struct mq *mq = NULL;
	size_t i;
	int rc;

	(void)s;
	*missing = 0;
	rc = streams_connect(&mq);
	if (rc != TK_OK)
		goto out;
	rc = mq_stream_state(mq, MQ_STREAM, &ss);
	if (rc == TK_ENOTFOUND) {
		*missing = 1 + backbone_nconsumers;
		rc = TK_OK;
		goto out;
	}
	for (i = 0; rc == TK_OK && i < backbone_nconsumers; i++) {
		rc = mq_consumer_state(mq, MQ_STREAM, backbone_consumers[i].durable, &cs);
		if (rc == TK_ENOTFOUND) {
			(*missing)++;
			rc = TK_OK;
		}
	}
out:
	mq_close(mq);
	return rc;
}

static int
backbone_probe(struct setup *s, const char **what, int *done)
{
	size_t missing = 1 + backbone_nconsumers;
	int rc = TK_OK;

	/* Before admin.conf exists there is no administrator to ask. */
	if (s->admin_conf_loaded)
		rc = backbone_missing(s, &missing);
	*done = missing == 0;
	*what = *done ? arena_printf(s->a, "stream %s and its %zu consumers exist", MQ_STREAM,
				     backbone_nconsumers)
		      : arena_printf(s->a, "create stream %s and %zu consumers", MQ_STREAM,
				     backbone_nconsumers);
	return rc;
}

static int
backbone_apply(struct setup *s, const char **what, int *done)
{
	struct mq_stream_conf sc = streams_conf();
	struct mq *mq = NULL;
	size_t missing = 0;
	int rc;

	*done = 0;
	rc = streams_connect(&mq);
	if (rc == TK_OK)
		rc = backbone_setup(mq, &sc, 0);
	mq_close(mq);
	if (rc == TK_OK)
		rc = backbone_missing(s, &missing);
	if (rc == TK_OK && missing > 0)
		rc = TK_EIO;
	*what = arena_printf(s->a, "created stream %s and %zu consumers", MQ_STREAM,
			     backbone_nconsumers);
	return rc;
}

/* admin_count: how many admin accounts the auth database holds (0 when
 * it has no users table yet). */
static int
admin_count(struct setup *s, long *n)
{
	struct buf out = {0};
	int rc = TK_OK;

	*n = 0;
	if (!s->admin_conf_loaded)
		goto out;
	rc = sql_first(s, 1,
		       "SELECT IF((SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		       "TABLE_SCHEMA = 'ticketing_auth' AND TABLE_NAME = 'users') = 0, 0, "
		       "(SELECT COUNT(*) FROM ticketing_auth.users WHERE role = 'admin'))",
		       &out);
	if (rc == TK_OK && out.data != NULL)
		*n = atol(out.data);
out:
	buf_free(&out);
	return rc;
}

static int
admin_probe(struct setup *s, const char **what, int *done)
{
	long n = 0;
	int rc = admin_count(s, &n);

	*done = n > 0;
	if (*done)
		*what = arena_printf(s->a, "%ld admin account%s exist%s", n, n == 1 ? "" : "s",
				     n == 1 ? "s" : "");
	else if (s->admin_email != NULL)
		*what = arena_printf(s->a, "create the admin account %s (%s)", s->admin_email,
				     s->admin_name);
	else
		*what = "create the first admin account (--admin-email and --admin-name)";
	return rc;
}

/* prompt: read a password from the terminal without echo into b. */
static int
prompt(const char *email, struct buf *b)
{
	struct termios old, quiet;
	char line[256];
	FILE *tty = fopen("/dev/tty", "r+");
	int rc = TK_EINVAL, restore = 0;

	if (tty == NULL)
		goto out;
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	fprintf(tty, "Password for %s: ", email);
	fflush(tty);
	if (fgets(line, sizeof(line), tty) != NULL) {
		buf_puts(b, line);
		rc = TK_OK;
	}
	fputc('\n', tty);
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	sodium_memzero(line, sizeof(line));
out:
	if (tty != NULL)
		fclose(tty);
	return rc;
}

static int
admin_apply(struct setup *s, const char **what, int *done)
{
	struct store st = {0};
	struct user u = {0};
	struct db_conf dc = db_conf_configured();
	struct buf pw = {0};
	FILE *in = NULL;
	int rc = TK_EINVAL;

	*done = 0;
	*what = "";
	st.arena = s->a;
	if (s->admin_email == NULL) {
		fprintf(stderr, "ticketingctl: setup: no admin account yet: give --admin-email "
				"and --admin-name\n");
		goto out;
	}
	if (s->admin_pw_file != NULL)
		in = fopen(s->admin_pw_file, "r");
	else if (isatty(STDIN_FILENO) && prompt(s->admin_email, &pw) == TK_OK)
		in = fmemopen(pw.data, pw.len, "r");
	if (in == NULL) {
		fprintf(stderr,
			"ticketingctl: setup: no password for %s: "
			"--admin-password-file FILE, or run on a terminal\n",
			s->admin_email);
		goto out;
	}
	input_email(s->a, s->admin_email, &u.email);
	input_name(s->a, s->admin_name, &u.name);
	u.role = ROLE_ADMIN;
	u.email_verified = 1; /* the operator vouches for it */
	dc.database = accounts_db_name(s->a, "auth");
	st.db = db_new(&dc, auth_stmts, auth_nstmts);
	rc = ticketingctl_add_user(&st, &u, in);
	if (rc == TK_EEXIST)
		fprintf(stderr,
			"ticketingctl: setup: %s has an account already (not an admin: "
			"grant the role on /auth/admin/users)\n",
			u.email);
	else if (rc != TK_OK && rc != TK_EINVAL)
		fprintf(stderr, "ticketingctl: setup: creating %s: %s\n", u.email, err_str(rc));
	*what = arena_printf(s->a, "created the admin account %s (%s)", u.email, u.name);
out:
	if (in != NULL)
		fclose(in);
	if (pw.data != NULL)
		sodium_memzero(pw.data, pw.len);
	buf_free(&pw);
	db_free(st.db);
	return rc;
}

static const struct step steps[] = {
    {"keys", keys_probe, keys_apply},
    {"databases", databases_probe, databases_apply},
    {"time zones", zones_probe, zones_apply},
    {"config", config_probe, config_apply},
    {"nats users", nats_probe, nats_apply},
    {"migrations", migrations_probe, migrations_apply},
    {"backbone", backbone_probe, backbone_apply},
    {"admin", admin_probe, admin_apply},
};

/* reachable: MariaDB lets root in, nats-server accepts connections. */
static int
reachable(struct setup *s)
{
	struct buf out = {0};
	const char *where = *s->root.socket ? s->root.socket : s->root.host;
	int rc = sql_first(s, 0, "SELECT VERSION()", &out);

	if (rc != TK_OK) {
		fprintf(stderr,
			"ticketingctl: setup: MariaDB at %s does not let %s in over the unix "
			"socket (is mariadb running? db_socket in %s)\n",
			where, MARIADB_ADMIN, s->admin_conf);
		goto out;
	}
	if (!tcp_reachable(s->a, s->nats_url)) {
		fprintf(stderr,
			"ticketingctl: setup: nats-server at %s is not reachable (is it running? "
			"nats_url in %s)\n",
			s->nats_url, s->admin_conf);
		rc = TK_EIO;
		goto out;
	}
	printf("reachable: MariaDB %s at %s, nats-server at %s\n", out.data, where, s->nats_url);
out:
	buf_free(&out);
	return rc;
}

static void
setup_usage(void)
{
	fputs("usage: ticketingctl setup [--dry-run] [--config-dir DIR] [--key-dir DIR]\n"
	      "           [--nats-reload CMD] [--zoneinfo DIR]\n"
	      "           [--admin-email E --admin-name N [--admin-password-file F]]\n",
	      stderr);
}

int
setup_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"config-dir", required_argument, NULL, 'c'},
	    {"key-dir", required_argument, NULL, 'k'},
	    {"nats-reload", required_argument, NULL, 'r'},
	    {"zoneinfo", required_argument, NULL, 'z'},
	    {"admin-email", required_argument, NULL, 'e'},
	    {"admin-name", required_argument, NULL, 'm'},
	    {"admin-password-file", required_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	struct setup s = {0};
	const char *what, *msg, *checked;
	size_t i;
	int ch, done, rc, status = 2;

	s.a = arena_new();
	s.conf_dir = TK_SETUP_CONFDIR;
	s.key_dir = TK_SETUP_KEYDIR;
	s.nats_reload = NATS_RELOAD_DEFAULT;
	s.zoneinfo = ZONEINFO_DEFAULT;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			s.dry_run = 1;
			break;
		case 'c':
			s.conf_dir = optarg;
			break;
		case 'k':
			s.key_dir = optarg;
			break;
		case 'r':
			s.nats_reload = optarg;
			break;
		case 'z':
			s.zoneinfo = optarg;
			break;
		case 'e':
			s.admin_email = optarg;
			break;
		case 'm':
			s.admin_name = optarg;
			break;
		case 'p':
			s.admin_pw_file = optarg;
			break;
		default:
			setup_usage();
			goto out;
		}
	}
	if (optind != argc || (s.admin_email == NULL) != (s.admin_name == NULL)) {
		setup_usage();
		goto out;
	}
	if (s.admin_email != NULL) {
		msg = input_email(s.a, s.admin_email, &checked);
		if (msg == NULL)
			msg = input_name(s.a, s.admin_name, &checked);
		if (msg != NULL) {
			fprintf(stderr, "ticketingctl: setup: %s\n", msg);
			goto out;
		}
	}
	status = 1;
	if (sodium_init() < 0)
		goto out;
	s.admin_conf = arena_printf(s.a, "%s/" ACCOUNTS_ADMIN_CONF, s.conf_dir);
	if (load_admin_conf(&s) != TK_OK || reachable(&s) != TK_OK)
		goto out;
	for (i = 0; i < NELEM(steps); i++) {
		what = "";
		rc = steps[i].probe(&s, &what, &done);
		if (rc == TK_OK && done) {
			printf("%s: already done: %s\n", steps[i].name, what);
			continue;
		}
		if (rc == TK_OK && s.dry_run) {
			printf("%s: would %s\n", steps[i].name, what);
			continue;
		}
		if (rc == TK_OK)
			rc = steps[i].apply(&s, &what, &done);
		if (rc != TK_OK) {
			fprintf(stderr, "ticketingctl: setup: %s failed: %s\n", steps[i].name,
				err_str(rc));
			goto out;
		}
		printf("%s: %s%s\n", steps[i].name, done ? "already done: " : "", what);
	}
	printf(s.dry_run ? "dry run: nothing was changed\n" : "set up\n");
	status = 0;
out:
	fflush(stdout);
	arena_free(s.a);
	return status;
}
