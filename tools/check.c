/*
 * ticketingctl check: the consistency checker of the event backbone. It
 * reads every service database named by a configuration file in the
 * configuration folder, and the JetStream state, and checks the
 * invariants that hold once the system is quiet (SPEC section 5):
 *
 *   outbox      every outbox row of every service is sent
 *   replicas    every replica row equals its source row by version (and
 *               content at that version), none is missing or extra
 *   applied     every event a consumer subscribes to was applied exactly
 *               once (processed_events), none was applied twice (two
 *               records of one aggregate version, or a count above 1 in
 *               applied_versions, which the worker shell keeps apart from
 *               the records), no dead letters wait
 *   jetstream   the stream stored exactly one message per outbox row (no
 *               duplicate publication; assumes no sent row was pruned yet,
 *               see outbox_retention_seconds), it is less than 80 % full,
 *               every durable consumer has nothing pending and nothing
 *               unacknowledged
 *
 * Each violation is printed on its own line; the exit status is 1 when
 * there is any. The consumers and replicas come from the backbone
 * registry (lib/backbone.h).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "backbone.h"
#include "buf.h"
#include "check.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "mq.h"
#include "xalloc.h"

#define MAX_SERVICES 16
#define MAX_SHOWN 20    /* violations printed per check; the rest counted */
#define FULL_PERCENT 80 /* the stream's alarm: this full of its byte limit */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct service {
	char *name;
	char *socket, *host, *user, *password, *database; /* owned */
	struct db_conf dc;                                /* points to them */
};

struct checker {
	struct service svcs[MAX_SERVICES];
	size_t nsvcs;
	char *nats_url;
	struct arena *a;
	long violations;
	int broken; /* a store could not be read */
};

/* violation: print one. */
static void __attribute__((format(printf, 2, 3))) violation(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	c->violations++;
	fputs("violation: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static const struct service *
find_service(const struct checker *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsvcs; i++)
		if (strcmp(c->svcs[i].name, name) == 0)
			return &c->svcs[i];
	return NULL;
}

/* query: run sql with params on the database of s, rows into the arena.
 * A connection per query: the checker is not on any hot path. */
static int
query(struct checker *c, const struct service *s, const char *sql, const struct db_val *params,
      size_t nparams, struct db_rows *rows)
{
	const char *const stmts[1] = {sql};
	struct db *db = db_new(&s->dc, stmts, 1);
	int rc;

	rc = db_exec(db, 0, params, nparams, c->a, rows);
	db_free(db);
	if (rc != TK_OK) {
		fprintf(stderr, "check: %s: %s\n", s->name, err_str(rc));
		c->broken = 1;
	}
	return rc;
}

static int
has_table(struct checker *c, const struct service *s, const char *table)
{
	struct db_rows rows;

	return query(c, s,
		     "SELECT COUNT(*) FROM information_schema.tables "
		     "WHERE table_schema = DATABASE() AND table_name = ?",
		     (struct db_val[]){DB_S(table)}, 1, &rows) == TK_OK &&
	       db_int(&rows, 0, 0) > 0;
}

/* has_line: the file at path has a line starting with key. */
static int
has_line(const char *path, const char *key)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, key, strlen(key)) == 0;
	fclose(f);
	return found;
}

static char *
dup_or_null(const char *s)
{
	return *s != '\0' ? xstrdup(s) : NULL;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* load_services: every DIR/NAME.conf that sets db_name is a service. */
static int
load_services(struct checker *c, const char *dir)
{
	char *names[64];
	size_t n = 0, i, len;
	struct buf path = {0};
	struct dirent *e;
	struct service *s;
	DIR *d = opendir(dir);
	int rc = TK_OK;

	if (d == NULL) {
		fprintf(stderr, "check: cannot read %s\n", dir);
		return TK_EIO;
	}
	while ((e = readdir(d)) != NULL && n < NELEM(names)) {
		len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".conf") == 0)
			names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]);
		if (c->nsvcs == MAX_SERVICES || !has_line(path.data, "db_name"))
			continue;
		if (config_load(path.data, NULL, 0, CONFIG_OTHER_KEYS) != TK_OK) {
			rc = TK_ECONFIG;
			continue;
		}
		s = &c->svcs[c->nsvcs++];
		s->name = xstrndup(names[i], strlen(names[i]) - 5);
		s->socket = dup_or_null(config_str("db_socket"));
		s->host = xstrdup(config_str("db_host"));
		s->user = xstrdup(config_str("db_user"));
		s->password = xstrdup(config_str("db_password"));
		s->database = xstrdup(config_str("db_name"));
		s->dc.socket = s->socket;
		s->dc.host = s->host;
		s->dc.port = (unsigned)config_int("db_port");
		s->dc.user = s->user;
		s->dc.password = s->password;
		s->dc.database = s->database;
		if (c->nats_url == NULL && *config_str("nats_url") != '\0')
			c->nats_url = xstrdup(config_str("nats_url"));
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	buf_free(&path);
	return rc;
}

/* check_outboxes: all sent; the total number of rows into *total. */
static void
check_outboxes(struct checker *c, uint64_t *total)
{
	struct db_rows rows;
	size_t i;

	*total = 0;
	for (i = 0; i < c->nsvcs; i++) {
		if (!has_table(c, &c->svcs[i], "outbox"))
			continue;
		if (query(c, &c->svcs[i],
			  "SELECT COUNT(*), COALESCE(SUM(sent_at IS NULL), 0) FROM outbox", NULL, 0,
			  &rows) != TK_OK)
			continue;
		*total += (uint64_t)db_int(&rows, 0, 0);
		if (db_int(&rows, 0, 1) > 0)
			violation(c, "outbox of %s: %lld of %lld rows not sent", c->svcs[i].name,
				  (long long)db_int(&rows, 0, 1), (long long)db_int(&rows, 0, 0));
	}
}

/* A row of (key, version, content), sorted by key. */
struct krow {
	const char *key, *content;
	int64_t version;
};

static int
by_key(const void *x, const void *y)
{
	return strcmp(((const struct krow *)x)->key, ((const struct krow *)y)->key);
}

static struct krow *
krows(struct checker *c, const struct db_rows *rows)
{
	struct krow *k = arena_alloc(c->a, (rows->nrows + 1) * sizeof(*k));
	size_t i;

	for (i = 0; i < rows->nrows; i++) {
		k[i].key = db_str(rows, i, 0);
		k[i].version = db_int(rows, i, 1);
		k[i].content = db_str(rows, i, 2);
	}
	qsort(k, rows->nrows, sizeof(*k), by_key);
	return k;
}

static void
check_replica(struct checker *c, const struct backbone_consumer *r)
{
	const struct service *src = find_service(c, r->src_service),
			     *dst = find_service(c, r->service);
	struct db_rows srows, drows;
	struct krow *sk, *dk;
	size_t i = 0, j = 0;
	long bad = 0;
	int cmp;

	if (src == NULL || dst == NULL || !has_table(c, dst, r->replica_table))
		return;
	if (query(c, src, r->src_sql, NULL, 0, &srows) != TK_OK ||
	    query(c, dst, r->replica_sql, NULL, 0, &drows) != TK_OK)
		return;
	sk = krows(c, &srows);
	dk = krows(c, &drows);
	while (i < srows.nrows || j < drows.nrows) {
		cmp = i == srows.nrows ? 1 : j == drows.nrows ? -1 : strcmp(sk[i].key, dk[j].key);
		if (cmp == 0 && sk[i].version == dk[j].version &&
		    strcmp(sk[i].content, dk[j].content) == 0) {
			i++;
			j++;
			continue;
		}
		if (++bad > MAX_SHOWN)
			c->violations++;
		else if (cmp < 0)
			violation(c, "%s: %s (version %lld) missing in %s", r->replica_table,
				  sk[i].key, (long long)sk[i].version, dst->name);
		else if (cmp > 0)
			violation(c, "%s: %s is in %s but not in %s", r->replica_table, dk[j].key,
				  dst->name, src->name);
		else if (sk[i].version != dk[j].version)
			violation(c, "%s: %s at version %lld, source at %lld", r->replica_table,
				  dk[j].key, (long long)dk[j].version, (long long)sk[i].version);
		else
			violation(c, "%s: %s differs from its source at version %lld",
				  r->replica_table, dk[j].key, (long long)dk[j].version);
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
}

/* check_consumer: every event on its subjects applied once; none twice. */
static void
check_consumer(struct checker *c, const struct backbone_consumer *k)
{
	const struct service *dst = find_service(c, k->service);
	struct db_rows rows, prows;
	struct krow *pk;
	struct krow key;
	char like[256];
	long missing = 0;
	size_t i, r;

	if (dst == NULL || !has_table(c, dst, "processed_events"))
		return;
	if (backbone_filter_like(k->filter, like, sizeof(like)) != TK_OK) {
		fprintf(stderr, "check: %s: filter %s has no LIKE form\n", k->durable, k->filter);
		c->broken = 1;
		return;
	}
	if (query(c, dst,
		  "SELECT aggregate_id, aggregate_version, COUNT(*) FROM processed_events "
		  "WHERE consumer = ? GROUP BY aggregate_id, aggregate_version HAVING COUNT(*) > 1",
		  (struct db_val[]){DB_S(k->durable)}, 1, &rows) == TK_OK)
		for (r = 0; r < rows.nrows; r++)
			violation(c, "%s: %s version %s applied %s times", k->durable,
				  db_str(&rows, r, 0), db_str(&rows, r, 1), db_str(&rows, r, 2));
	if (query(c, dst, "SELECT event_id, 0, '' FROM processed_events WHERE consumer = ?",
		  (struct db_val[]){DB_S(k->durable)}, 1, &prows) != TK_OK)
		return;
	pk = krows(c, &prows);
	for (i = 0; i < c->nsvcs; i++) {
		if (!has_table(c, &c->svcs[i], "outbox") ||
		    query(c, &c->svcs[i],
			  "SELECT event_id, subject FROM outbox WHERE subject LIKE ?",
			  (struct db_val[]){DB_S(like)}, 1, &rows) != TK_OK)
			continue;
		for (r = 0; r < rows.nrows; r++) {
			key.key = db_str(&rows, r, 0);
			if (bsearch(&key, pk, prows.nrows, sizeof(*pk), by_key) != NULL)
				continue;
			if (++missing <= MAX_SHOWN)
				violation(c, "%s: event %s (%s from %s) not applied", k->durable,
					  key.key, db_str(&rows, r, 1), c->svcs[i].name);
			else
				c->violations++;
		}
	}
}

/*
 * check_applies: no aggregate version applied more than once by consumer
 * k, by the counts the worker shell keeps in applied_versions; they see
 * a second application even where the processed_events key hid it.
 */
static void
check_applies(struct checker *c, const struct backbone_consumer *k)
{
	const struct service *dst = find_service(c, k->service);
	struct db_rows rows;
	size_t r;

	if (dst == NULL || !has_table(c, dst, "applied_versions") ||
	    query(c, dst,
		  "SELECT aggregate_id, aggregate_version, applies FROM applied_versions "
		  "WHERE consumer = ? AND applies > 1 ORDER BY aggregate_id, aggregate_version",
		  (struct db_val[]){DB_S(k->durable)}, 1, &rows) != TK_OK)
		return;
	for (r = 0; r < rows.nrows; r++)
		if (r < MAX_SHOWN)
			violation(c, "%s: %s version %s applied %s times (applied_versions)",
				  k->durable, db_str(&rows, r, 0), db_str(&rows, r, 1),
				  db_str(&rows, r, 2));
		else
			c->violations++;
}

static void
check_dead_letters(struct checker *c)
{
	struct db_rows rows;
	size_t i;

	for (i = 0; i < c->nsvcs; i++)
		if (has_table(c, &c->svcs[i], "dead_letters") &&
		    query(c, &c->svcs[i], "SELECT COUNT(*) FROM dead_letters", NULL, 0, &rows) ==
			TK_OK &&
		    db_int(&rows, 0, 0) > 0)
			violation(c, "%s: %lld dead letters wait in dead_letters", c->svcs[i].name,
				  (long long)db_int(&rows, 0, 0));
}

static void
check_jetstream(struct checker *c, uint64_t outbox_rows)
{
	struct mq *mq = NULL;
	struct mq_stream_state st;
	struct mq_consumer_state cs;
	size_t i;
	int rc;

	if (c->nats_url == NULL) {
		fprintf(stderr, "check: no nats_url configured: JetStream not checked\n");
		c->broken = 1;
		return;
	}
	if (mq_connect(c->nats_url, "ticketingctl-check", &mq) != TK_OK) {
		c->broken = 1;
		return;
	}
	mq_wait_connected(mq, 5000);
	/* last_seq, not msgs: prune-stream removes messages every consumer
	 * acknowledged, and the sequence still counts them. */
	rc = mq_stream_state(mq, MQ_STREAM, &st);
	if (rc == TK_ENOTFOUND && outbox_rows > 0)
		violation(c, "stream %s does not exist", MQ_STREAM);
	else if (rc != TK_OK && rc != TK_ENOTFOUND) {
		fprintf(stderr, "check: JetStream: %s\n", err_str(rc));
		c->broken = 1;
	} else if (rc == TK_OK && st.last_seq != outbox_rows)
		violation(c, "stream %s stored %llu messages, the outboxes hold %llu rows",
			  MQ_STREAM, (unsigned long long)st.last_seq,
			  (unsigned long long)outbox_rows);
	if (rc == TK_OK && st.max_bytes > 0 &&
	    st.bytes * 100 >= (uint64_t)st.max_bytes * FULL_PERCENT)
		violation(c,
			  "stream %s holds %llu of its %lld bytes: run ticketingctl prune-stream "
			  "(docs/BACKBONE.md)",
			  MQ_STREAM, (unsigned long long)st.bytes, (long long)st.max_bytes);
	for (i = 0; rc == TK_OK && i < backbone_nconsumers; i++) {
		const struct backbone_consumer *k = &backbone_consumers[i];

		if (find_service(c, k->service) == NULL)
			continue;
		rc = mq_consumer_state(mq, MQ_STREAM, k->durable, &cs);
		if (rc == TK_ENOTFOUND) {
			violation(c, "consumer %s does not exist", k->durable);
			rc = TK_OK;
		} else if (rc != TK_OK) {
			fprintf(stderr, "check: JetStream: %s\n", err_str(rc));
			c->broken = 1;
		} else if (cs.pending > 0 || cs.ack_pending > 0) {
			violation(c, "consumer %s: %llu pending, %llu unacknowledged", k->durable,
				  (unsigned long long)cs.pending,
				  (unsigned long long)cs.ack_pending);
		}
	}
	mq_close(mq);
}

int
check_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config-dir", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct checker c;
	const char *dir = NULL;
	uint64_t outbox_rows = 0;
	size_t i;
	int ch, status = 2;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'd')
			goto out;
		dir = optarg;
	}
	if (dir == NULL || optind != argc) {
		fprintf(stderr, "usage: ticketingctl check --config-dir DIR\n");
		goto out;
	}
	c.a = arena_new();
	status = 1;
	if (load_services(&c, dir) != TK_OK || c.nsvcs == 0) {
		fprintf(stderr, "check: no usable service configuration in %s\n", dir);
		goto out;
	}
	check_outboxes(&c, &outbox_rows);
	for (i = 0; i < backbone_nconsumers; i++) {
		if (backbone_consumers[i].replica_table != NULL)
			check_replica(&c, &backbone_consumers[i]);
		check_consumer(&c, &backbone_consumers[i]);
		check_applies(&c, &backbone_consumers[i]);
	}
	check_dead_letters(&c);
	check_jetstream(&c, outbox_rows);
	if (c.broken)
		printf("check: a store could not be read (see above)\n");
	printf("check: %zu services, %llu events, %ld violation%s\n", c.nsvcs,
	       (unsigned long long)outbox_rows, c.violations, c.violations == 1 ? "" : "s");
	status = c.violations > 0 || c.broken ? 1 : 0;
out:
	for (i = 0; i < c.nsvcs; i++) {
		free(c.svcs[i].name);
		free(c.svcs[i].socket);
		free(c.svcs[i].host);
		free(c.svcs[i].user);
		free(c.svcs[i].password);
		free(c.svcs[i].database);
	}
	free(c.nats_url);
	arena_free(c.a);
	return status;
}
