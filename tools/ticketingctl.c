/*
 * ticketingctl: the administration tool of an installation. Subcommands,
 * one function each, listed in one table:
 *
 *   migrate SERVICE      apply sql_dir/common/TABLE (as the backbone registry
 *                        says) and sql_dir/SERVICE to the configured database
 *   keygen DIR           write the session, e-ticket and notify key pairs,
 *                        the CSRF key, the sandbox API key and webhook secret
 *   create-user ...      add an account (password on standard input),
 *                        through the auth service's store and input checks
 *   check --config-dir D the consistency checker over every service (check.c)
 *   setup-backbone ...   create or update the stream and consumers (streams.c)
 *   replay SERVICE       replay the whole stream into SERVICE's replicas
 *   stream-status        the stream's and consumers' state
 *   prune-stream         remove what every consumer acknowledged
 *   delete-stream-message SEQ  remove one message of the stream
 *   publish              publish one event envelope from standard input
 *   accounts nats|sql KEYDIR   the NATS users or the MariaDB accounts and
 *                        grants (accounts.c), passwords made in KEYDIR
 *   setup                a fresh server's set-up, all of the above in order
 *                        (setup.c)
 *   backup DIR, restore DIR    the service databases dumped and loaded
 *                        (backup.c)
 *   republish            the outboxes' sent rows published again (streams.c)
 *
 * Configuration (db_*, sql_dir) comes from --config FILE and TICKETING_*
 * variables (config.h). Exit status: 0 done, 1 failed (reason on stderr),
 * 2 usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "accounts.h"
#include "arena.h"
#include "auth.h"
#include "backbone.h"
#include "backup.h"
#include "buf.h"
#include "check.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "migrate.h"
#include "pw.h"
#include "store.h"
#include "setup.h"
#include "streams.h"
#include "ticketingctl.h"
#include "uuid.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* usage: the synopsis; with full, what each command does too. */
static void
usage(FILE *f, int full)
{
	fputs("usage: ticketingctl [--config FILE] migrate SERVICE\n"
	      "       ticketingctl keygen [--force] DIR\n"
	      "       ticketingctl [--config FILE] create-user --email E --name N\n"
	      "                    --role member|organizer|admin [--if-missing] [--verified]\n"
	      "       ticketingctl check --config-dir DIR\n"
	      "       ticketingctl [--config FILE] setup-backbone [--max-bytes N]\n"
	      "                    [--ack-wait MS] [--duplicate-window S]\n"
	      "       ticketingctl [--config FILE] replay SERVICE\n"
	      "       ticketingctl [--config FILE] stream-status | prune-stream\n"
	      "       ticketingctl [--config FILE] delete-stream-message SEQ\n"
	      "       ticketingctl [--config FILE] publish < ENVELOPE\n"
	      "       ticketingctl accounts nats|sql KEYDIR\n"
	      "       ticketingctl setup [--dry-run] [--config-dir DIR] [--key-dir DIR]\n"
	      "                    [--nats-reload CMD] [--zoneinfo DIR] [--admin-email E\n"
	      "                    --admin-name N [--admin-password-file F]]\n"
	      "       ticketingctl [--config FILE] backup [--also /PATH]... DIR [SERVICE...]\n"
	      "       ticketingctl [--config FILE] restore [--force] DIR [SERVICE...]\n"
	      "       ticketingctl [--config FILE] republish [--rebuild] [SERVICE...]\n"
	      "       ticketingctl --help\n",
	      f);
	if (!full)
		return;
	fputs("\n"
	      "migrate      apply the numbered migrations in SQL_DIR/common/TABLE (the\n"
	      "             shared tables the backbone registry gives SERVICE) and\n"
	      "             SQL_DIR/SERVICE that the configured database (db_*) has\n"
	      "             not seen yet\n"
	      "keygen       write DIR/session.key (Ed25519 secret key, 0600),\n"
	      "             DIR/session.pub (0644), DIR/csrf.key (0600), and the\n"
	      "             e-ticket pair DIR/eticket.key (0600), DIR/eticket.pub\n"
	      "             (0644) as hex, the notifications worker's crypto_box\n"
	      "             pair DIR/notify.sk (0600), DIR/notify.pk (0644) as 32 raw\n"
	      "             bytes each, and the sandbox provider's DIR/sandbox-api.key\n"
	      "             and DIR/webhook.secret (0600, hex); the keys that exist\n"
	      "             are kept unless --force\n"
	      "create-user  add an account; the password is the first line of\n"
	      "             standard input (12 to 128 characters); email, name and\n"
	      "             password must be what the sign-up form accepts;\n"
	      "             --if-missing succeeds quietly when the email is taken;\n"
	      "             --verified: the operator vouches for the address (it can\n"
	      "             list tickets at once; with --if-missing an existing\n"
	      "             account of that email is marked verified too)\n"
	      "check        the consistency checker: reads every service database\n"
	      "             configured in DIR/*.conf and the JetStream state, prints\n"
	      "             each violated invariant, exits 1 when there is any\n"
	      "setup-backbone  create or update the event stream (its byte limit; never\n"
	      "             below what it holds; its duplicate window) and every\n"
	      "             durable consumer of the backbone registry (their ack wait)\n"
	      "replay       with SERVICE's replicator stopped: reset its consumers and\n"
	      "             records so its next start applies the whole stream again\n"
	      "stream-status  the stream's size, limits and sequences and each\n"
	      "             consumer's acknowledged floor and backlog\n"
	      "prune-stream  remove the messages every consumer acknowledged (the\n"
	      "             stream refuses new events when full; see docs/BACKBONE.md)\n"
	      "delete-stream-message  remove the message at stream sequence SEQ\n"
	      "             (consumers that had not read it never will)\n"
	      "publish      publish the event envelope on standard input as the\n"
	      "             relay would (its type's subject, its event_id as\n"
	      "             Nats-Msg-Id), for repairs and tests\n"
	      "accounts     print the authorization block of nats-server.conf (nats)\n"
	      "             or the SQL that creates the databases and accounts with\n"
	      "             their grants (sql): a user per service and worker, each\n"
	      "             allowed only its own subjects and database; passwords\n"
	      "             are KEYDIR/nats-USER.password and KEYDIR/db-NAME.password,\n"
	      "             made (0600) when missing\n"
	      "setup        set up a fresh server, or check one set up: keys and\n"
	      "             passwords, databases and accounts (as MariaDB's root over\n"
	      "             db_socket of admin.conf), time zones, configuration files\n"
	      "             from the examples, the NATS users file (then --nats-reload,\n"
	      "             default `systemctl reload nats-server`), migrations, the\n"
	      "             stream and consumers, the first admin (password from\n"
	      "             --admin-password-file or a prompt); each step says what it\n"
	      "             did or found done; --dry-run changes nothing\n"
	      "backup       one consistent dump (mariadb-dump --single-transaction) per\n"
	      "             service database into DIR, and DIR/MANIFEST; --also adds\n"
	      "             files or folders (keys, configuration) as DIR/files.tar\n"
	      "restore      load the dumps of DIR (or of the named services) into\n"
	      "             their databases; refuses databases that hold tables\n"
	      "             unless --force (services and workers stopped)\n"
	      "republish    publish the sent outbox rows of SERVICE (default: every\n"
	      "             emitting service) again under their event ids, except\n"
	      "             those the stream holds; --rebuild deletes the stream and\n"
	      "             its consumers first and publishes every row (after a\n"
	      "             restore, services and workers stopped)\n"
	      "\n"
	      "migrate and replay work on db_name, or on ticketing_SERVICE when the\n"
	      "configuration names no database (the administrator's).\n"
	      "\n"
	      "Settings come from --config FILE and TICKETING_* environment variables\n"
	      "(db_socket, db_host, db_port, db_user, db_password, db_name, sql_dir).\n"
	      "Exit status: 0 done, 1 failed, 2 usage error.\n",
	      f);
}

int
ticketingctl_migrate(const char *service, int count_only, int *total)
{
	struct buf dir = {0};
	struct arena *a = arena_new();
	struct db_conf dc = accounts_db_conf(a, service);
	const char *common[16];
	size_t ncommon, i;
	int applied = 0, rc = TK_OK;

	*total = 0;
	/* The shared tables the backbone registry gives the service, then
	 * its own. */
	ncommon = backbone_common_tables(service, common, sizeof(common) / sizeof(common[0]));
	for (i = 0; i <= ncommon; i++) {
		buf_reset(&dir);
		if (i < ncommon)
			buf_printf(&dir, "%s/common/%s", config_str("sql_dir"), common[i]);
		else
			buf_printf(&dir, "%s/%s", config_str("sql_dir"), service);
		rc = count_only ? migrate_pending(&dc, dir.data, &applied)
				: migrate_run(&dc, dir.data, &applied);
		if (rc != TK_OK) {
			fprintf(stderr, "ticketingctl: migrate %s: %s (%d %s before)\n", dir.data,
				err_str(rc), *total + applied, count_only ? "pending" : "applied");
			goto out;
		}
		*total += applied;
	}
out:
	buf_free(&dir);
	arena_free(a);
	return rc;
}

static int
cmd_migrate(int argc, char **argv)
{
	static const struct option longopts[] = {{NULL, 0, NULL, 0}};
	struct arena *a = arena_new();
	const char *service, *p;
	int total = 0, status = EXIT_FAIL;

	if (getopt_long(argc, argv, "", longopts, NULL) != -1 || optind != argc - 1) {
		usage(stderr, 0);
		status = EXIT_USAGE;
		goto out;
	}
	service = argv[optind];
	for (p = service; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			break;
	if (*service == '\0' || *p != '\0') {
		fprintf(stderr, "ticketingctl: service names are [a-z0-9_]+: %s\n", service);
		status = EXIT_USAGE;
		goto out;
	}
	if (ticketingctl_migrate(service, 0, &total) != TK_OK)
		goto out;
	printf("%s: %d migration%s applied to %s\n", service, total, total == 1 ? "" : "s",
	       accounts_db_conf(a, service).database);
	status = EXIT_OK;
out:
	arena_free(a);
	return status;
}

/* mkdir -p: parents 0755, dir itself 0700. An existing dir is fine. */
static int
make_dirs(const char *dir)
{
	struct buf p = {0};
	struct stat st;
	size_t i;
	int rc = TK_OK;

	buf_puts(&p, dir);
	for (i = 1; i < p.len; i++) {
		if (p.data[i] != '/')
			continue;
		p.data[i] = '\0';
		if (mkdir(p.data, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "ticketingctl: mkdir %s: %s\n", p.data, strerror(errno));
			rc = TK_EIO;
			goto out;
		}
		p.data[i] = '/';
	}
	if (mkdir(dir, 0700) != 0 &&
	    (errno != EEXIST || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "ticketingctl: mkdir %s: %s\n", dir,
			errno == EEXIST ? "not a directory" : strerror(errno));
		rc = TK_EIO;
	}
out:
	buf_free(&p);
	return rc;
}

int
ticketingctl_write_file(const char *path, const char *data, size_t len, mode_t mode, gid_t gid,
			int replace)
{
	struct buf tmp = {0};
	const char *slash = strrchr(path, '/');
	size_t off = 0;
	ssize_t k;
	int fd = -1, rc = TK_EIO;

	/* A hidden temporary file beside path. */
	if (slash != NULL)
		buf_printf(&tmp, "%.*s/.%s.%ld.tmp", (int)(slash - path), path, slash + 1,
			   (long)getpid());
	else
		buf_printf(&tmp, ".%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 || fchmod(fd, mode) != 0)
		goto fail;
	if (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) != 0)
		goto fail;
	while (off < len) {
		k = write(fd, data + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto fail;
		off += (size_t)k;
	}
	k = fsync(fd);
	if (close(fd) != 0)
		k = -1;
	fd = -1;
	if (k != 0)
		goto fail;
	if (replace ? rename(tmp.data, path) != 0 : link(tmp.data, path) != 0) {
		rc = errno == EEXIST ? TK_EEXIST : TK_EIO;
		goto fail;
	}
	rc = TK_OK;
	goto out;
fail:
	fprintf(stderr, "ticketingctl: %s: %s\n", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp.data); /* gone already after a rename */
	buf_free(&tmp);
	return rc;
}

/* write_key_bytes: hex[0..len), and a newline when newline, to dir/name
 * with mode; with force in place of an existing file, else failing when
 * there is one. */
static int
write_key_bytes(const char *dir, const char *name, const char *hex, size_t len, int newline,
		mode_t mode, int force)
{
	struct buf path = {0}, data = {0};
	int rc;

	buf_printf(&path, "%s/%s", dir, name);
	buf_append(&data, hex, len);
	if (newline)
		buf_puts(&data, "\n");
	rc = ticketingctl_write_file(path.data, data.data, data.len, mode, (gid_t)-1, force);
	sodium_memzero(data.data, data.len);
	buf_free(&path);
	buf_free(&data);
	return rc;
}

static int
write_key(const char *dir, const char *name, const char *hex, mode_t mode, int force)
{
	return write_key_bytes(dir, name, hex, strlen(hex), 1, mode, force);
}

/* The key files keygen makes, in groups made together: a key pair's two
 * files, or a symmetric key. notify.sk/notify.pk, the notifications
 * worker's crypto_box pair (the Mail contract: auth seals mailed tokens
 * to notify.pk), are 32 raw bytes each, not hex. */
static const char *const keygen_groups[][2] = {
    {"session.key", "session.pub"}, {"csrf.key", NULL},        {"eticket.key", "eticket.pub"},
    {"notify.sk", "notify.pk"},     {"sandbox-api.key", NULL}, {"webhook.secret", NULL},
};
#define KEYGEN_NGROUPS (sizeof(keygen_groups) / sizeof(keygen_groups[0]))

/* keygen_present: how many files of group g exist in dir (0, 1 or 2). */
static int keygen_present(const char *dir, size_t g);

size_t
ticketingctl_keys_missing(const char *dir)
{
	size_t g, n = 0;

	for (g = 0; g < KEYGEN_NGROUPS; g++)
		n += keygen_present(dir, g) == 0;
	return n;
}

static int
keygen_present(const char *dir, size_t g)
{
	struct buf path = {0};
	struct stat st;
	int i, n = 0;

	for (i = 0; i < 2 && keygen_groups[g][i] != NULL; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, keygen_groups[g][i]);
		n += lstat(path.data, &st) == 0;
	}
	buf_free(&path);
	return n;
}

/* keygen_write: make the keys of group g and write them into dir. */
static int
keygen_write(const char *dir, size_t g, int force)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *sk = NULL;
	char *hex = NULL;
	const size_t hexlen = 2 * crypto_sign_SECRETKEYBYTES + 1;
	int rc = TK_ECRYPTO;

	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	hex = sodium_malloc(hexlen);
	if (sk == NULL || hex == NULL) {
		fprintf(stderr, "ticketingctl: out of secure memory\n");
		goto out;
	}
	if (strcmp(keygen_groups[g][0], "notify.sk") == 0) {
		/* crypto_box_SECRETKEYBYTES (32) fit in sk and pk. */
		crypto_box_keypair(pk, sk);
		rc = write_key_bytes(dir, keygen_groups[g][0], (const char *)sk,
				     crypto_box_SECRETKEYBYTES, 0, 0600, force);
		if (rc == TK_OK)
			rc = write_key_bytes(dir, keygen_groups[g][1], (const char *)pk,
					     crypto_box_PUBLICKEYBYTES, 0, 0644, force);
		goto out;
	}
	if (keygen_groups[g][1] == NULL) {
		/* A 32-byte symmetric key (CSRF HMAC, the sandbox provider's
		 * API key and webhook secret). */
		randombytes_buf(sk, 32);
		sodium_bin2hex(hex, hexlen, sk, 32);
		rc = write_key(dir, keygen_groups[g][0], hex, 0600, force);
		goto out;
	}
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, hexlen, sk, crypto_sign_SECRETKEYBYTES);
	rc = write_key(dir, keygen_groups[g][0], hex, 0600, force);
	if (rc != TK_OK)
		goto out;
	sodium_bin2hex(hex, hexlen, pk, sizeof(pk));
	rc = write_key(dir, keygen_groups[g][1], hex, 0644, force);
out:
	sodium_free(sk);
	sodium_free(hex);
	return rc;
}

int
ticketingctl_keygen(const char *dir, int force, int *made)
{
	int present, rc = TK_ECRYPTO;
	size_t g;

	*made = 0;
	if (sodium_init() < 0) {
		fprintf(stderr, "ticketingctl: sodium_init failed\n");
		goto out;
	}
	rc = make_dirs(dir);
	if (rc != TK_OK)
		goto out;
	/* A key pair with one of its files missing is not completed: its
	 * other half could not be made to match. */
	for (g = 0; !force && g < KEYGEN_NGROUPS; g++) {
		present = keygen_present(dir, g);
		if (present == 1 && keygen_groups[g][1] != NULL) {
			fprintf(stderr,
				"ticketingctl: %s/%s: half a key pair; --force replaces it\n", dir,
				keygen_groups[g][0]);
			rc = TK_EINVAL;
			goto out;
		}
	}
	for (g = 0; g < KEYGEN_NGROUPS; g++) {
		if (!force && keygen_present(dir, g) > 0)
			continue;
		rc = keygen_write(dir, g, force);
		if (rc != TK_OK)
			goto out;
		(*made)++;
	}
	rc = TK_OK;
out:
	return rc;
}

static int
cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {{"force", no_argument, NULL, 'f'},
						 {NULL, 0, NULL, 0}};
	const char *dir;
	int ch, force = 0, status = EXIT_FAIL, made = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'f') {
			usage(stderr, 0);
			status = EXIT_USAGE;
			goto out;
		}
		force = 1;
	}
	if (optind != argc - 1) {
		usage(stderr, 0);
		status = EXIT_USAGE;
		goto out;
	}
	dir = argv[optind];
	if (ticketingctl_keygen(dir, force, &made) != TK_OK)
		goto out;
	if (made == 0)
		printf("keys in %s exist; kept (--force replaces them)\n", dir);
	else
		printf("keys written to %s\n", dir);
	status = EXIT_OK;
out:
	return status;
}

/* Read the first line of in into pw (size bytes, at least
 * PW_MAX_BYTES + 3) and check it as the sign-up form does (messages in
 * arena a). TK_EINVAL (with the reason on stderr) when there is none or it
 * is not acceptable. */
static int
read_password(FILE *in, struct arena *a, char *pw, size_t size)
{
	const char *msg, *checked;
	size_t n;
	int rc = TK_EINVAL;

	if (fgets(pw, (int)size, in) == NULL) {
		fprintf(stderr, "ticketingctl: no password given\n");
		goto out;
	}
	n = strlen(pw);
	if (n > 0 && pw[n - 1] == '\n')
		pw[--n] = '\0';
	else if (!feof(in))
		n = PW_MAX_BYTES + 1; /* the line goes on */
	if (n > 0 && n <= PW_MAX_BYTES && pw[n - 1] == '\r')
		pw[--n] = '\0';
	if (n <= PW_MAX_BYTES && strlen(pw) != n) {
		fprintf(stderr, "ticketingctl: the password holds a NUL byte\n");
		goto out;
	}
	msg = n > PW_MAX_BYTES ? "A password has at most 128 characters."
			       : input_password(a, pw, &checked);
	if (msg != NULL) {
		fprintf(stderr, "ticketingctl: %s\n", msg);
		goto out;
	}
	rc = TK_OK;
out:
	return rc;
}

int
ticketingctl_add_user(struct store *st, struct user *u, FILE *pw_in)
{
	char pw[PW_MAX_BYTES + 3], hash[PW_HASH_LEN], id[UUID_STR_LEN + 1];
	int rc;

	rc = read_password(pw_in, st->arena, pw, sizeof(pw));
	if (rc != TK_OK)
		goto out;
	if (pw_init(1) != TK_OK || pw_hash(pw, hash) != TK_OK) {
		fprintf(stderr, "ticketingctl: hashing the password failed\n");
		rc = TK_ECRYPTO;
		goto out;
	}
	uuid_v7(id);
	u->id = arena_strdup(st->arena, id);
	u->password_hash = arena_strdup(st->arena, hash);
	rc = store_create_user(st, u);
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/*
 * create-user: the account is made by the auth service's store
 * (store_create_user: the row and its user.created event in one
 * transaction) after the auth service's own checks of the email and name,
 * so it accepts exactly what the sign-up form accepts.
 */
static int
cmd_create_user(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"email", required_argument, NULL, 'e'}, {"name", required_argument, NULL, 'n'},
	    {"role", required_argument, NULL, 'r'},  {"if-missing", no_argument, NULL, 'm'},
	    {"verified", no_argument, NULL, 'v'},    {NULL, 0, NULL, 0},
	};
	const char *email_arg = NULL, *name_arg = NULL, *role_arg = NULL, *msg;
	struct db_conf dc;
	struct store st = {0};
	struct user u = {0}, existing;
	int ch, if_missing = 0, rc, status = EXIT_USAGE;

	st.arena = arena_new();
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			email_arg = optarg;
			break;
		case 'n':
			name_arg = optarg;
			break;
		case 'r':
			role_arg = optarg;
			break;
		case 'm':
			if_missing = 1;
			break;
		case 'v':
			u.email_verified = 1;
			break;
		default:
			usage(stderr, 0);
			goto out;
		}
	}
	if (optind != argc || email_arg == NULL || name_arg == NULL || role_arg == NULL) {
		usage(stderr, 0);
		goto out;
	}
	if (role_parse(role_arg, &u.role) != TK_OK) {
		fprintf(stderr, "ticketingctl: --role is member, organizer or admin\n");
		goto out;
	}
	msg = input_email(st.arena, email_arg, &u.email);
	if (msg != NULL) {
		fprintf(stderr, "ticketingctl: --email: %s\n", msg);
		goto out;
	}
	msg = input_name(st.arena, name_arg, &u.name);
	if (msg != NULL) {
		fprintf(stderr, "ticketingctl: --name: %s\n", msg);
		goto out;
	}
	status = EXIT_FAIL;
	dc = db_conf_configured();
	st.db = db_new(&dc, auth_stmts, auth_nstmts);
	rc = ticketingctl_add_user(&st, &u, stdin);
	if (rc == TK_EINVAL || rc == TK_ECRYPTO)
		goto out; /* reported */
	if (rc == TK_EEXIST && if_missing && u.email_verified) {
		/* The demo accounts of a stack made before verification. */
		rc = store_user_by_email(&st, u.email, &existing);
		if (rc == TK_OK && !existing.email_verified)
			rc = store_verify_email(&st, existing.id);
		if (rc != TK_OK) {
			fprintf(stderr, "ticketingctl: create-user: %s\n", err_str(rc));
			goto out;
		}
		status = EXIT_OK;
		goto out;
	}
	if (rc == TK_EEXIST && if_missing) {
		status = EXIT_OK;
		goto out;
	}
	if (rc == TK_EEXIST) {
		fprintf(stderr, "ticketingctl: %s has an account already\n", u.email);
		goto out;
	}
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: create-user: %s\n", err_str(rc));
		goto out;
	}
	printf("created %s %s (%s)\n", u.id, u.email, role_name(u.role));
	status = EXIT_OK;
out:
	db_free(st.db);
	arena_free(st.arena);
	return status;
}

#define PASSWORD_BYTES 24

const char *
ticketingctl_key_password(void *arg, const char *file)
{
	struct ticketingctl_key_dir *k = arg;
	unsigned char pw[PASSWORD_BYTES];
	char hex[2 * PASSWORD_BYTES + 1];
	const char *path = arena_printf(k->a, "%s/%s", k->dir, file);
	const char *out = NULL;

	if (access(path, F_OK) != 0) {
		randombytes_buf(pw, sizeof(pw));
		sodium_bin2hex(hex, sizeof(hex), pw, sizeof(pw));
		/* Another run that made it first wins (link fails): read. */
		if (write_key(k->dir, file, hex, 0600, 0) != TK_OK && access(path, F_OK) != 0)
			goto out;
	}
	if (config_read_hex_file(path, pw, sizeof(pw)) != TK_OK)
		goto out;
	sodium_bin2hex(hex, sizeof(hex), pw, sizeof(pw));
	out = arena_strdup(k->a, hex);
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(hex, sizeof(hex));
	return out;
}

/* cmd_accounts: `accounts nats|sql KEYDIR` to standard output. */
static int
cmd_accounts(int argc, char **argv)
{
	struct ticketingctl_key_dir k = {NULL, NULL};
	int rc, status = EXIT_USAGE;

	if (argc != 3 || (strcmp(argv[1], "nats") != 0 && strcmp(argv[1], "sql") != 0)) {
		usage(stderr, 0);
		goto out;
	}
	status = EXIT_FAIL;
	if (sodium_init() < 0)
		goto out;
	k.dir = argv[2];
	k.a = arena_new();
	if (strcmp(argv[1], "nats") == 0)
		rc = accounts_render_nats(stdout, ticketingctl_key_password, &k);
	else
		rc = accounts_render_sql(stdout, ticketingctl_key_password, &k);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: accounts %s: %s\n", argv[1], err_str(rc));
		goto out;
	}
	if (fflush(stdout) == 0)
		status = EXIT_OK;
out:
	arena_free(k.a);
	return status;
}

static const struct command {
	const char *name;
	int uses_config;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"migrate", 1, cmd_migrate},
    {"keygen", 0, cmd_keygen},
    {"create-user", 1, cmd_create_user},
    {"check", 0, check_main},
    {"setup-backbone", 1, streams_setup_main},
    {"replay", 1, streams_replay_main},
    {"stream-status", 1, streams_status_main},
    {"prune-stream", 1, streams_prune_main},
    {"delete-stream-message", 1, streams_delete_msg_main},
    {"publish", 1, streams_publish_main},
    {"accounts", 0, cmd_accounts},
    {"setup", 0, setup_main},
    {"backup", 1, backup_main},
    {"restore", 1, backup_restore_main},
    {"republish", 1, streams_republish_main},
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const struct command *cmd = NULL;
	const char *config_path = NULL;
	int ch, status = EXIT_USAGE;
	size_t i;

	/* '+': options up to the subcommand are the tool's own. */
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout, 1);
			status = EXIT_OK;
			goto out;
		}
		if (ch != 'c') {
			usage(stderr, 0);
			goto out;
		}
		config_path = optarg;
	}
	for (i = 0; optind < argc && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		if (optind < argc)
			fprintf(stderr, "ticketingctl: unknown command %s\n", argv[optind]);
		usage(stderr, 0);
		goto out;
	}
	if (cmd->uses_config &&
	    config_load(config_path, streams_keys, streams_nkeys, CONFIG_OTHER_KEYS) != TK_OK) {
		status = EXIT_FAIL;
		goto out;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* glibc: start a fresh scan of the subcommand's arguments */
	status = cmd->run(argc, argv);
out:
	return status;
}
