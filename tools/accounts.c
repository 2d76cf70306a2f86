/*
 * The accounts of an installation (accounts.h): NATS users and MariaDB
 * accounts derived from the backbone registry, rendered as nats-server
 * configuration and as SQL.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "arena.h"
#include "backbone.h"
#include "db.h"
#include "err.h"
#include "mq.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SERVICES 32
#define MAX_SUBJECTS 32

/* bcrypt's cost. The passwords are 192 random bits, which no number of
 * rounds protects better; nats-server checks the hash at every connect,
 * and the tools connect often (docs/DECISIONS.md). */
#define BCRYPT_COST 6

/* What a service's own account may do on its database; the migration
 * account may do everything there (and nothing elsewhere). */
#define SERVICE_PRIVILEGES "SELECT, INSERT, UPDATE, DELETE"
#define MIGRATE_PRIVILEGES "ALL PRIVILEGES"

/* The JetStream API subjects a program needs (nats-server 2.9). */
#define JS_STREAM_INFO "$JS.API.STREAM.INFO." MQ_STREAM
#define JS_CONSUMER_INFO "$JS.API.CONSUMER.INFO." MQ_STREAM "."
#define JS_CONSUMER_NEXT "$JS.API.CONSUMER.MSG.NEXT." MQ_STREAM "."
#define JS_ACK "$JS.ACK." MQ_STREAM "."

/* One NATS user: all (the administrator, no limits) or the subjects it may
 * publish and subscribe to (none: it may subscribe to nothing). */
struct nats_user {
	const char *name;
	int all;
	const char *pub[MAX_SUBJECTS], *sub[MAX_SUBJECTS];
	size_t npub, nsub;
};

static void
add(const char **v, size_t *n, const char *s)
{
	if (*n == MAX_SUBJECTS) {
		fprintf(stderr, "accounts: more than %d subjects for one user\n", MAX_SUBJECTS);
		abort(); /* the registry outgrew the table: a programming error */
	}
	v[(*n)++] = s;
}

const char *
accounts_db_name(struct arena *a, const char *service)
{
	return arena_printf(a, "ticketing_%s", service);
}

struct db_conf
accounts_db_conf(struct arena *a, const char *service)
{
	struct db_conf dc = db_conf_configured();

	if (*dc.database == '\0')
		dc.database = accounts_db_name(a, service);
	return dc;
}

/* nudge_subject: the core-NATS subject that wakes the relay of service. */
static const char *
nudge_subject(struct arena *a, const char *service)
{
	return arena_printf(a, MQ_NUDGE_PREFIX "%s", accounts_db_name(a, service));
}

/* inboxes: the replies to user's requests (PubAcks, API answers, fetched
 * messages): its own inboxes only (mq.h, MQ_INBOX_PREFIX). */
static const char *
inboxes(struct arena *a, const char *user)
{
	return arena_printf(a, MQ_INBOX_PREFIX "%s.>", user);
}

/* service_user: the FastCGI service: it nudges its relay, nothing else. */
static void
service_user(struct arena *a, const char *service, struct nats_user *u)
{
	memset(u, 0, sizeof(*u));
	u->name = service;
	add(u->pub, &u->npub, nudge_subject(a, service));
}

/* relay_user: publishes what the registry says service emits, waits for
 * the stream at start, is woken by its nudge. */
static void
relay_user(struct arena *a, const char *service, struct nats_user *u)
{
	size_t i;

	memset(u, 0, sizeof(*u));
	u->name = arena_printf(a, "relay-%s", service);
	for (i = 0; i < backbone_nemitters; i++)
		if (strcmp(backbone_emitters[i].service, service) == 0)
			add(u->pub, &u->npub, backbone_emitters[i].subjects);
	add(u->pub, &u->npub, JS_STREAM_INFO);
	add(u->sub, &u->nsub, inboxes(a, u->name));
	add(u->sub, &u->nsub, nudge_subject(a, service));
}

/* consumer_user: the worker program that consumes for service (the
 * replicator, the expiry worker): binds to, fetches from and acks each
 * durable consumer of service the registry gives that worker, nothing
 * else; nudges the service's relay when the service emits (its handlers
 * may write outbox rows). */
static void
consumer_user(struct arena *a, const char *worker, const char *service, struct nats_user *u)
{
	const struct backbone_consumer *k;
	size_t i;

	memset(u, 0, sizeof(*u));
	u->name = arena_printf(a, "%s-%s", worker, service);
	add(u->pub, &u->npub, JS_STREAM_INFO);
	for (i = 0; i < backbone_nconsumers; i++) {
		k = &backbone_consumers[i];
		if (strcmp(k->service, service) != 0 || strcmp(backbone_worker(k), worker) != 0)
			continue;
		add(u->pub, &u->npub, arena_printf(a, JS_CONSUMER_INFO "%s", k->durable));
		add(u->pub, &u->npub, arena_printf(a, JS_CONSUMER_NEXT "%s", k->durable));
		add(u->pub, &u->npub, arena_printf(a, JS_ACK "%s.>", k->durable));
	}
	if (backbone_emits(service))
		add(u->pub, &u->npub, nudge_subject(a, service));
	add(u->sub, &u->nsub, inboxes(a, u->name));
}

/* first_of_worker: 1 when consumer i is the registry's first of its
 * worker and service, so each consuming program gets one user. */
static int
first_of_worker(size_t i)
{
	const struct backbone_consumer *k = &backbone_consumers[i], *o;
	size_t j;

	for (j = 0; j < i; j++) {
		o = &backbone_consumers[j];
		if (strcmp(o->service, k->service) == 0 &&
		    strcmp(backbone_worker(o), backbone_worker(k)) == 0)
			return 0;
	}
	return 1;
}

/* nats_users: every NATS user, the administrator first, into u[0..max);
 * returns how many. */
static size_t
nats_users(struct arena *a, struct nats_user *u, size_t max)
{
	const char *svcs[MAX_SERVICES];
	size_t nsvcs = backbone_services(svcs, NELEM(svcs)), i, j, n = 0;

	if (n < max) {
		memset(&u[n], 0, sizeof(u[n]));
		u[n].name = ACCOUNTS_NATS_ADMIN;
		u[n++].all = 1;
	}
	for (i = 0; i < nsvcs; i++) {
		if (n < max)
			service_user(a, svcs[i], &u[n++]);
		if (backbone_emits(svcs[i]) && n < max)
			relay_user(a, svcs[i], &u[n++]);
		for (j = 0; j < backbone_nconsumers; j++)
			if (strcmp(backbone_consumers[j].service, svcs[i]) == 0 &&
			    first_of_worker(j) && n < max)
				consumer_user(a, backbone_worker(&backbone_consumers[j]), svcs[i],
					      &u[n++]);
	}
	return n;
}

/* print_list: a quoted list of subjects. */
static void
print_list(FILE *out, const char *const *v, size_t n)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s\"%s\"", i > 0 ? ", " : "", v[i]);
	fputc(']', out);
}

/* bcrypt: a bcrypt hash of password into out (CRYPT_OUTPUT_SIZE bytes). */
static int
bcrypt(const char *password, char *out)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	int rc = TK_ECRYPTO;

	if (cd == NULL ||
	    crypt_gensalt_rn("$2b$", BCRYPT_COST, NULL, 0, salt, sizeof(salt)) == NULL)
		goto out;
	if (crypt_r(password, salt, cd) == NULL || cd->output[0] != '$')
		goto out;
	snprintf(out, CRYPT_OUTPUT_SIZE, "%s", cd->output);
	rc = TK_OK;
out:
	if (cd != NULL)
		explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

int
accounts_render_nats(FILE *out, accounts_password_fn pw, void *arg)
{
	struct nats_user users[4 * MAX_SERVICES + 1];
	struct arena *a = arena_new();
	char hash[CRYPT_OUTPUT_SIZE];
	const char *p;
	size_t n = nats_users(a, users, NELEM(users)), i;
	int rc = TK_OK;

	fputs("# NATS users of ticketing (generated by `ticketingctl accounts nats`):\n"
	      "# one per service and worker, each allowed only its own subjects.\n"
	      "authorization {\n"
	      "  users = [\n",
	      out);
	for (i = 0; rc == TK_OK && i < n; i++) {
		p = pw(arg, arena_printf(a, "nats-%s.password", users[i].name));
		if (p == NULL) {
			rc = TK_EIO;
			break;
		}
		rc = bcrypt(p, hash);
		if (rc != TK_OK)
			break;
		fprintf(out, "    {user: \"%s\", password: \"%s\"", users[i].name, hash);
		if (!users[i].all) {
			fputs(", permissions: {\n      publish: {allow: ", out);
			print_list(out, users[i].pub, users[i].npub);
			if (users[i].nsub > 0) {
				fputs("}\n      subscribe: {allow: ", out);
				print_list(out, users[i].sub, users[i].nsub);
			} else {
				fputs("}\n      subscribe: {deny: [\">\"]", out);
			}
			fputs("}\n    }", out);
		}
		fputs("}\n", out);
	}
	fputs("  ]\n}\n", out);
	explicit_bzero(hash, sizeof(hash));
	arena_free(a);
	return rc;
}

/* account_sql: create or reset account user with password, and take back
 * whatever it was granted before. */
static void
account_sql(FILE *out, const char *user, const char *password)
{
	fprintf(out,
		"CREATE USER IF NOT EXISTS '%s'@'localhost' IDENTIFIED BY '%s';\n"
		"ALTER USER '%s'@'localhost' IDENTIFIED BY '%s';\n"
		"REVOKE ALL PRIVILEGES, GRANT OPTION FROM '%s'@'localhost';\n",
		user, password, user, password, user);
}

/* Services with a database of their own and no part in the event
 * stream: no NATS user, no outbox. The sandbox payment provider stands
 * for a processor outside the platform (docs/PAYMENTS.md). */
static const char *const standalone[] = {"sandbox"};

size_t
accounts_services(const char **svcs, size_t max)
{
	size_t n = backbone_services(svcs, max), i;

	for (i = 0; i < NELEM(standalone) && n < max; i++)
		svcs[n++] = standalone[i];
	return n;
}

int
accounts_render_sql(FILE *out, accounts_password_fn pw, void *arg)
{
	const char *svcs[MAX_SERVICES], *p, *db;
	struct arena *a = arena_new();
	size_t nsvcs = accounts_services(svcs, NELEM(svcs)), i;
	int rc = TK_EIO;

	fputs("-- MariaDB accounts of ticketing (generated by `ticketingctl accounts sql`):\n"
	      "-- each service's account may read and write the rows of its own\n"
	      "-- database only; the migration account may change their tables.\n",
	      out);
	for (i = 0; i < nsvcs; i++)
		fprintf(out, "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4;\n",
			accounts_db_name(a, svcs[i]));
	p = pw(arg, "db-migrate.password");
	if (p == NULL)
		goto out;
	account_sql(out, ACCOUNTS_DB_MIGRATE, p);
	for (i = 0; i < nsvcs; i++)
		fprintf(out, "GRANT " MIGRATE_PRIVILEGES " ON `%s`.* TO '%s'@'localhost';\n",
			accounts_db_name(a, svcs[i]), ACCOUNTS_DB_MIGRATE);
	for (i = 0; i < nsvcs; i++) {
		p = pw(arg, arena_printf(a, "db-%s.password", svcs[i]));
		if (p == NULL)
			goto out;
		db = accounts_db_name(a, svcs[i]);
		account_sql(out, db, p);
		fprintf(out, "GRANT " SERVICE_PRIVILEGES " ON `%s`.* TO '%s'@'localhost';\n", db,
			db);
	}
	rc = TK_OK;
out:
	arena_free(a);
	return rc;
}
