/*
 * ticketingctl check: the consistency checker of the event backbone. It
 * reads every service database named by a configuration file in the
 * configuration folder, and the JetStream state, and checks the
 * invariants that hold once the system is quiet (SPEC section 5):
 *
 *   stores      every service of the backbone registry has a configuration
 *               file, and its database every table the registry gives it
 *               (a missing one is a violation, never a skipped check)
 *   outbox      every outbox row of every service is sent
 *   replicas    every replica row equals its source row by version (and
 *               content at that version), none is missing or extra
 *   applied     every event a consumer subscribes to was applied exactly
 *               once (processed_events), none was applied twice (two
 *               records of one aggregate version, or a count above 1 in
 *               applied_versions, which the worker shell keeps apart from
 *               the records), no dead letters wait
 *   stock       SPEC invariant 1, in the orders database: each stock row's
 *               reserved is the sum of the units of its awaiting_payment
 *               and paying orders, its sold the sum of its complete and
 *               refunded ones (a refund does not offer the units again),
 *               and reserved + sold <= quantity
 *   deadlines   SPEC invariant 4: no order awaits payment more than
 *               EXPIRY_GRACE_S past its deadline, and none is paying for
 *               longer than the orders service's capture_timeout_seconds
 *   payments    SPEC invariant 2, across the orders and payments
 *               databases: every complete order has exactly one captured
 *               payment of its amount; every captured payment's order is
 *               complete or refunded
 *   jetstream   compared per event id (Nats-Msg-Id): the stream holds no
 *               id twice, every sent outbox row is in the stream, every
 *               message is in an outbox, except what pruning explains
 *               (docs/DECISIONS.md, "What the checker compares after
 *               pruning"); the stream is less than 80 % full; every
 *               durable consumer has nothing pending and nothing
 *               unacknowledged
 *
 * Each violation is printed on its own line; the exit status is 1 when
 * there is any. The services, tables, consumers and replicas expected come
 * from the backbone registry (lib/backbone.h). Each check is one function
 * in the table checks[] of check_main.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
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

/* How late past its deadline an order may still await payment on a quiet
 * system: the expiry worker's lateness (its goal: p99 under 1 s), the
 * relay's publication of expiration.complete and the orders-expirations
 * consumer's next fetch (up to half a second when idle) together, several
 * times over, so a violation means an expiry was lost, not slow. */
#define EXPIRY_GRACE_S 5

/* SPEC invariant 1: the stock rows whose counts do not match their
 * orders, or exceed their quantity. */
#define STOCK_SQL                                                                                  \
	"SELECT s.listing_id, s.quantity, s.reserved, s.sold, COALESCE(h.held, 0),"                \
	" COALESCE(h.done, 0) FROM stock s LEFT JOIN (SELECT listing_id,"                          \
	" SUM(IF(state IN ('awaiting_payment', 'paying'), quantity, 0)) AS held,"                  \
	" SUM(IF(state IN ('complete', 'refunded'), quantity, 0)) AS done FROM orders"             \
	" GROUP BY listing_id) h"                                                                  \
	" ON h.listing_id = s.listing_id"                                                          \
	" WHERE s.reserved <> COALESCE(h.held, 0) OR s.sold <> COALESCE(h.done, 0)"                \
	" OR s.reserved + s.sold > s.quantity ORDER BY s.listing_id"

/* SPEC invariant 4: orders awaiting payment past their deadline and the
 * grace. Parameter: the grace in seconds. */
#define DEADLINES_SQL                                                                              \
	"SELECT id, TIMESTAMPDIFF(SECOND, expires_at, UTC_TIMESTAMP(3)) FROM orders"               \
	" WHERE state = 'awaiting_payment' AND expires_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND"  \
	" ORDER BY expires_at"

/* SPEC invariant 4's second half: orders paying for longer than the
 * capture timeout. Parameter: the timeout in seconds. */
#define PAYING_SQL                                                                                 \
	"SELECT id, TIMESTAMPDIFF(SECOND, paying_at, UTC_TIMESTAMP(3)) FROM orders"                \
	" WHERE state = 'paying' AND paying_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND"             \
	" ORDER BY paying_at"

/* The setting of the orders configuration the checker reads (the orders
 * service declares it too, fcgi/orders/main.c). */
static const struct config_key check_keys[] = {
    {"capture_timeout_seconds", CONFIG_INT, "120", 1, 86400,
     "longest an order may stay paying (SPEC invariant 4)"},
};

/* SPEC invariant 2, from each side: the paid orders (orders), and the
 * captured payments per order (payments), both by order id. */
#define PAID_ORDERS_SQL                                                                            \
	"SELECT id, state, amount FROM orders WHERE state IN ('complete', 'refunded') ORDER BY id"
#define CAPTURED_SQL                                                                               \
	"SELECT order_id, COUNT(*), MIN(amount), MAX(amount) FROM payments"                        \
	" WHERE state = 'captured' GROUP BY order_id ORDER BY order_id"

struct service {
	char *name;
	char *socket, *host, *user, *password, *database; /* owned */
	struct db_conf dc;                                /* points to them */
	int64_t oldest_sent_us; /* the earliest sent_at of its outbox (INT64_MAX: none) */
	int64_t unsent_upto;    /* the highest outbox id unsent at the first read (0: none) */
	size_t outbox_rows;     /* the rows of its outbox then */
	long capture_timeout_s; /* its capture_timeout_seconds */
};

/* An event: a sent outbox row or a stream message. */
struct event {
	const char *id, *subject, *service; /* service: its emitter */
	int64_t time_us; /* outbox: created_at; stream: stored, µs since the epoch */
	int64_t sent_us; /* outbox: sent_at */
	uint64_t seq;    /* stream sequence (0 for an outbox row) */
};

struct checker {
	struct service svcs[MAX_SERVICES];
	size_t nsvcs;
	const char *dir;
	char *nats_url, *nats_user, *nats_password;
	int nats_admin; /* the settings are ACCOUNTS_ADMIN_CONF's */
	struct arena *a;
	long violations;
	int broken;             /* a store could not be read */
	uint64_t outbox_rows;   /* rows of every outbox */
	struct event *sent;     /* the sent outbox rows, sorted by id */
	size_t nsent, sent_cap; /* the arena holds them */
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

static struct service *
find_service(struct checker *c, const char *name)
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

/* has_table: 1 when the database of s has table, else 0. A table the
 * registry expects and that is missing is reported by check_stores; the
 * other checks pass over it. */
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

/* need_table: a violation when the database of s lacks table. */
static void
need_table(struct checker *c, const struct service *s, const char *table)
{
	if (!has_table(c, s, table))
		violation(c, "%s: table %s missing in database %s", s->name, table, s->database);
}

/* need_service: the configuration of the registry's service name; a
 * violation and NULL when the folder has none. */
static const struct service *
need_service(struct checker *c, const char *name)
{
	const struct service *s = find_service(c, name);

	if (s == NULL)
		violation(c, "service %s: no configuration %s/%s.conf with db_name", name, c->dir,
			  name);
	return s;
}

/* check_stores: every service the registry names is configured and has
 * the tables the registry gives it (the shared ones and each replica). */
static void
check_stores(struct checker *c)
{
	const char *names[MAX_SERVICES], *tables[16];
	const struct backbone_consumer *k;
	const struct service *s;
	size_t i, j, n, nt;

	n = backbone_services(names, NELEM(names));
	for (i = 0; i < n; i++) {
		if ((s = need_service(c, names[i])) == NULL)
			continue;
		nt = backbone_common_tables(names[i], tables, NELEM(tables));
		for (j = 0; j < nt; j++)
			need_table(c, s, tables[j]);
	}
	for (i = 0; i < backbone_nconsumers; i++) {
		k = &backbone_consumers[i];
		if (k->replica_table != NULL &&
		    (k->keeps == NULL || strcmp(k->keeps, k->replica_table) != 0) &&
		    (s = find_service(c, k->service)) != NULL)
			need_table(c, s, k->replica_table);
	}
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

/* keep_nats: the loaded configuration's NATS settings, for the JetStream
 * checks. */
static void
keep_nats(struct checker *c)
{
	free(c->nats_url);
	free(c->nats_user);
	free(c->nats_password);
	c->nats_url = xstrdup(config_str("nats_url"));
	c->nats_user = xstrdup(config_str("nats_user"));
	c->nats_password = xstrdup(config_str("nats_password"));
}

/* load_services: every DIR/NAME.conf that sets db_name is a service. The
 * NATS settings are those of DIR/admin.conf (ACCOUNTS_ADMIN_CONF: reading
 * every consumer and message of the stream takes the administrator's
 * user), else of the first service that has any. */
static int
load_services(struct checker *c, const char *dir)
{
	char *names[64];
	size_t n = 0, i, len;
	struct buf path = {0};
	struct dirent *e;
	struct service *s;
	DIR *d = opendir(dir);
	int rc = TK_OK, is_admin;

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
		is_admin = strcmp(names[i], ACCOUNTS_ADMIN_CONF) == 0;
		if (c->nsvcs == MAX_SERVICES || (!is_admin && !has_line(path.data, "db_name")))
			continue;
		if (config_load(path.data, check_keys, NELEM(check_keys), CONFIG_OTHER_KEYS) !=
		    TK_OK) {
			rc = TK_ECONFIG;
			continue;
		}
		if (is_admin) {
			if (*config_str("nats_url") != '\0') {
				keep_nats(c);
				c->nats_admin = 1;
			}
			continue;
		}
		s = &c->svcs[c->nsvcs++];
		s->oldest_sent_us = INT64_MAX;
		s->capture_timeout_s = config_int("capture_timeout_seconds");
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
		if (!c->nats_admin && c->nats_url == NULL && *config_str("nats_url") != '\0')
			keep_nats(c);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	buf_free(&path);
	return rc;
}

static int
by_id(const void *x, const void *y)
{
	return strcmp(((const struct event *)x)->id, ((const struct event *)y)->id);
}

/* add_event: a copy of e at the end of *v (capacity *cap), in the arena. */
static void
add_event(struct checker *c, struct event **v, size_t *n, size_t *cap, const struct event *e)
{
	struct event *w;

	if (*n == *cap) {
		*cap = *cap > 0 ? *cap * 2 : 256;
		w = arena_alloc(c->a, *cap * sizeof(*w));
		if (*n > 0)
			memcpy(w, *v, *n * sizeof(*w));
		*v = w;
	}
	(*v)[(*n)++] = *e;
}

/* check_outboxes: the number of rows into c->outbox_rows, the sent ones
 * into c->sent (sorted by event id) for check_jetstream, and the highest
 * id of the unsent ones per service for check_unsent. */
static void
check_outboxes(struct checker *c)
{
	struct db_rows rows;
	struct event e;
	size_t i, r;

	for (i = 0; i < c->nsvcs; i++) {
		if (!has_table(c, &c->svcs[i], "outbox"))
			continue;
		if (query(c, &c->svcs[i],
			  "SELECT event_id, subject, sent_at IS NULL, "
			  "CAST(UNIX_TIMESTAMP(created_at) * 1000000 AS SIGNED), "
			  "CAST(UNIX_TIMESTAMP(sent_at) * 1000000 AS SIGNED), id FROM outbox",
			  NULL, 0, &rows) != TK_OK)
			continue;
		c->outbox_rows += rows.nrows;
		for (r = 0; r < rows.nrows; r++) {
			if (db_int(&rows, r, 2) != 0) {
				if (db_int(&rows, r, 5) > c->svcs[i].unsent_upto)
					c->svcs[i].unsent_upto = db_int(&rows, r, 5);
				continue;
			}
			e.id = db_str(&rows, r, 0);
			e.subject = db_str(&rows, r, 1);
			e.service = c->svcs[i].name;
			e.time_us = db_int(&rows, r, 3);
			e.sent_us = db_int(&rows, r, 4);
			e.seq = 0;
			if (e.sent_us < c->svcs[i].oldest_sent_us)
				c->svcs[i].oldest_sent_us = e.sent_us;
			add_event(c, &c->sent, &c->nsent, &c->sent_cap, &e);
		}
		c->svcs[i].outbox_rows = rows.nrows;
	}
	if (c->nsent > 0)
		qsort(c->sent, c->nsent, sizeof(*c->sent), by_id);
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
			violation(c, "%s: %s at version %lld, source at %lld, in %s",
				  r->replica_table, dk[j].key, (long long)dk[j].version,
				  (long long)sk[i].version, dst->name);
		else
			violation(c, "%s: %s differs from its source at version %lld, in %s",
				  r->replica_table, dk[j].key, (long long)dk[j].version, dst->name);
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

/* emitter_of: the registry's service that emits subject, or NULL. */
static const char *
emitter_of(const char *subject)
{
	const char *f;
	size_t i, len;

	for (i = 0; i < backbone_nemitters; i++) {
		f = backbone_emitters[i].subjects;
		len = strlen(f);
		if (len > 0 && (f[len - 1] == '*' || f[len - 1] == '>'))
			len--;
		if (strncmp(f, subject, len) == 0)
			return backbone_emitters[i].service;
	}
	return NULL;
}

/* The vector read_stream fills. */
struct stream_read {
	struct checker *c;
	struct event *v;
	size_t n, cap;
};

/* keep_msg: message m at seq into the vector of arg (a stream_read). */
static int
keep_msg(void *arg, uint64_t seq, const struct mq_stored *m)
{
	struct stream_read *r = arg;
	struct event e;

	e.id = arena_strdup(r->c->a, m->msg_id);
	e.subject = arena_strdup(r->c->a, m->subject);
	e.service = NULL;
	e.time_us = m->time_ns / 1000;
	e.sent_us = 0;
	e.seq = seq;
	add_event(r->c, &r->v, &r->n, &r->cap, &e);
	return TK_OK;
}

/* read_stream: every message of the stream from st into *out (sorted by
 * id), *n of them. TK_OK or the error of a read. */
static int
read_stream(struct checker *c, struct mq *mq, const struct mq_stream_state *st, struct event **out,
	    size_t *n)
{
	struct stream_read r = {c, NULL, 0, 0};
	int rc = mq_stream_each(mq, MQ_STREAM, st->first_seq, st->last_seq, keep_msg, &r);

	if (r.n > 0)
		qsort(r.v, r.n, sizeof(*r.v), by_id);
	*out = r.v;
	*n = r.n;
	return rc;
}

/*
 * written_since: 1 when the outbox of s (or, with s NULL, of any service)
 * holds event id now. check_outboxes read the outboxes before the stream
 * was read: an event committed and published in between (an expiry that
 * fell due, a late nudge) is in the stream and in no row read then, and
 * this second look, after the stream's, finds its row.
 */
static int
written_since(struct checker *c, const struct service *s, const char *id)
{
	struct db_rows rows;
	size_t i;

	for (i = 0; i < c->nsvcs; i++) {
		if ((s != NULL && &c->svcs[i] != s) || !has_table(c, &c->svcs[i], "outbox"))
			continue;
		if (query(c, &c->svcs[i], "SELECT COUNT(*) FROM outbox WHERE event_id = ?",
			  (struct db_val[]){DB_S(id)}, 1, &rows) == TK_OK &&
		    db_int(&rows, 0, 0) > 0)
			return 1;
	}
	return 0;
}

/* compare_stream: the stream's messages msgs[0..n) (sorted by id) against
 * the sent outbox rows, per event id. An outbox row created before the
 * oldest message the stream still holds may have been pruned from the
 * stream; a message stored before the oldest sent_at of its emitter's
 * outbox may have had its row pruned by the relay: those are not compared
 * (docs/DECISIONS.md). */
static void
compare_stream(struct checker *c, const struct event *msgs, size_t n)
{
	const struct event *found;
	const char *name;
	struct service *s;
	int64_t oldest = INT64_MAX;
	size_t i;
	long shown = 0;

	for (i = 0; i < n; i++)
		if (msgs[i].time_us < oldest)
			oldest = msgs[i].time_us;
	for (i = 0; i < n; i++) {
		if (msgs[i].id[0] == '\0') {
			if (++shown <= MAX_SHOWN)
				violation(c, "stream %s: message %llu (%s) has no Nats-Msg-Id",
					  MQ_STREAM, (unsigned long long)msgs[i].seq,
					  msgs[i].subject);
			else
				c->violations++;
		} else if (i + 1 < n && strcmp(msgs[i].id, msgs[i + 1].id) == 0) {
			if (++shown <= MAX_SHOWN)
				violation(
				    c, "stream %s: event %s stored twice (messages %llu and %llu)",
				    MQ_STREAM, msgs[i].id, (unsigned long long)msgs[i].seq,
				    (unsigned long long)msgs[i + 1].seq);
			else
				c->violations++;
		}
		if (c->nsent > 0 &&
		    bsearch(&msgs[i], c->sent, c->nsent, sizeof(*c->sent), by_id) != NULL)
			continue;
		name = emitter_of(msgs[i].subject);
		s = name != NULL ? find_service(c, name) : NULL;
		if (name != NULL && s == NULL)
			continue; /* its service is not configured: check_stores says so */
		if (s != NULL && msgs[i].time_us < s->oldest_sent_us)
			continue; /* its row may have been pruned */
		if (written_since(c, s, msgs[i].id))
			continue;
		if (++shown <= MAX_SHOWN)
			violation(c, "stream %s: message %llu (event %s, %s) is in no outbox",
				  MQ_STREAM, (unsigned long long)msgs[i].seq, msgs[i].id,
				  msgs[i].subject);
		else
			c->violations++;
	}
	for (i = 0; i < c->nsent; i++) {
		found = n > 0 ? bsearch(&c->sent[i], msgs, n, sizeof(*msgs), by_id) : NULL;
		if (found != NULL || c->sent[i].time_us < oldest)
			continue;
		if (++shown <= MAX_SHOWN)
			violation(c,
				  "outbox of %s: event %s (%s) is marked sent but not in stream %s",
				  c->sent[i].service, c->sent[i].id, c->sent[i].subject, MQ_STREAM);
		else
			c->violations++;
	}
}

/*
 * check_unsent: every outbox row is sent. A row unsent at the first read
 * (check_outboxes) is a violation when it is still unsent now, after the
 * stream was read: an event written as the checker began (an expiry that
 * fell due) is sent by then, a relay that is stuck has not sent it.
 */
static void
check_unsent(struct checker *c)
{
	struct db_rows rows;
	size_t i;

	for (i = 0; i < c->nsvcs; i++) {
		if (c->svcs[i].unsent_upto == 0)
			continue;
		if (query(c, &c->svcs[i],
			  "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND id <= ?",
			  (struct db_val[]){DB_I(c->svcs[i].unsent_upto)}, 1, &rows) == TK_OK &&
		    db_int(&rows, 0, 0) > 0)
			violation(c, "outbox of %s: %lld of %zu rows not sent", c->svcs[i].name,
				  (long long)db_int(&rows, 0, 0), c->svcs[i].outbox_rows);
	}
}

static void
check_jetstream(struct checker *c)
{
	struct mq *mq = NULL;
	struct mq_stream_state st;
	struct mq_consumer_state cs;
	struct event *msgs = NULL;
	size_t i, n = 0;
	int rc;

	if (c->nats_url == NULL) {
		violation(c, "no nats_url in any configuration of %s: JetStream cannot be checked",
			  c->dir);
		return;
	}
	if (mq_connect(c->nats_url, c->nats_user, c->nats_password, "ticketingctl-check", &mq) !=
	    TK_OK) {
		c->broken = 1;
		return;
	}
	mq_wait_connected(mq, 5000);
	rc = mq_stream_state(mq, MQ_STREAM, &st);
	if (rc == TK_ENOTFOUND)
		violation(c, "stream %s does not exist", MQ_STREAM);
	else if (rc == TK_OK)
		rc = read_stream(c, mq, &st, &msgs, &n);
	if (rc == TK_OK)
		compare_stream(c, msgs, n);
	else if (rc != TK_ENOTFOUND) {
		fprintf(stderr, "check: JetStream: %s\n", err_str(rc));
		c->broken = 1;
	}
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

/* check_replicas / check_consumers: check_replica and check_consumer for
 * every consumer of the registry. */
static void
check_replicas(struct checker *c)
{
	size_t i;

	for (i = 0; i < backbone_nconsumers; i++)
		if (backbone_consumers[i].replica_table != NULL)
			check_replica(c, &backbone_consumers[i]);
}

static void
check_consumers(struct checker *c)
{
	size_t i;

	for (i = 0; i < backbone_nconsumers; i++) {
		check_consumer(c, &backbone_consumers[i]);
		check_applies(c, &backbone_consumers[i]);
	}
}

/* orders_store: the orders service's configuration when its database has
 * the stock and orders tables, else NULL (check_stores reports a missing
 * configuration). */
static const struct service *
orders_store(struct checker *c)
{
	const struct service *s = find_service(c, "orders");

	return s != NULL && has_table(c, s, "stock") && has_table(c, s, "orders") ? s : NULL;
}

/* check_stock: SPEC invariant 1 for every stock row. */
static void
check_stock(struct checker *c)
{
	const struct service *s = orders_store(c);
	struct db_rows rows;
	size_t i;

	if (s == NULL || query(c, s, STOCK_SQL, NULL, 0, &rows) != TK_OK)
		return;
	for (i = 0; i < rows.nrows; i++) {
		if (i >= MAX_SHOWN) {
			c->violations++;
			continue;
		}
		violation(
		    c,
		    "stock of listing %s: quantity %lld, reserved %lld, sold %lld; its orders "
		    "hold %lld and sold %lld",
		    db_str(&rows, i, 0), (long long)db_int(&rows, i, 1),
		    (long long)db_int(&rows, i, 2), (long long)db_int(&rows, i, 3),
		    (long long)db_int(&rows, i, 4), (long long)db_int(&rows, i, 5));
	}
}

/* check_deadlines: SPEC invariant 4. */
static void
check_deadlines(struct checker *c)
{
	const struct service *s = orders_store(c);
	struct db_rows rows;
	size_t i;

	if (s == NULL ||
	    query(c, s, DEADLINES_SQL, (struct db_val[]){DB_I(EXPIRY_GRACE_S)}, 1, &rows) != TK_OK)
		return;
	for (i = 0; i < rows.nrows; i++) {
		if (i >= MAX_SHOWN) {
			c->violations++;
			continue;
		}
		violation(c, "order %s awaits payment %lld s past its deadline",
			  db_str(&rows, i, 0), (long long)db_int(&rows, i, 1));
	}
	if (query(c, s, PAYING_SQL, (struct db_val[]){DB_I(s->capture_timeout_s)}, 1, &rows) !=
	    TK_OK)
		return;
	for (i = 0; i < rows.nrows; i++) {
		if (i >= MAX_SHOWN) {
			c->violations++;
			continue;
		}
		violation(
		    c, "order %s is paying for %lld s, longer than the capture timeout (%ld s)",
		    db_str(&rows, i, 0), (long long)db_int(&rows, i, 1), s->capture_timeout_s);
	}
}

/* check_payments: SPEC invariant 2. Every complete order has exactly one
 * captured payment, of the order's amount; every captured payment belongs
 * to a complete or refunded order. The two lists are merged by order id
 * (ascii_bin: byte order, as strcmp). */
static void
check_payments(struct checker *c)
{
	const struct service *o = orders_store(c), *p = find_service(c, "payments");
	struct db_rows orders, paid;
	size_t i = 0, j = 0;
	int cmp;

	if (o == NULL || p == NULL || !has_table(c, p, "payments") ||
	    query(c, o, PAID_ORDERS_SQL, NULL, 0, &orders) != TK_OK ||
	    query(c, p, CAPTURED_SQL, NULL, 0, &paid) != TK_OK)
		return;
	while (i < orders.nrows || j < paid.nrows) {
		cmp = i >= orders.nrows ? 1
		      : j >= paid.nrows ? -1
					: strcmp(db_str(&orders, i, 0), db_str(&paid, j, 0));
		if (cmp < 0 && strcmp(db_str(&orders, i, 1), "complete") == 0)
			violation(c, "order %s is complete without a captured payment",
				  db_str(&orders, i, 0));
		else if (cmp > 0)
			violation(c,
				  "payment of order %s is captured but the order is neither "
				  "complete nor refunded",
				  db_str(&paid, j, 0));
		else if (cmp == 0 && strcmp(db_str(&orders, i, 1), "complete") == 0 &&
			 (db_int(&paid, j, 1) != 1 ||
			  db_int(&paid, j, 2) != db_int(&orders, i, 2) ||
			  db_int(&paid, j, 3) != db_int(&orders, i, 2)))
			violation(c, "order %s of %lld has %lld captured payments of %lld..%lld",
				  db_str(&orders, i, 0), (long long)db_int(&orders, i, 2),
				  (long long)db_int(&paid, j, 1), (long long)db_int(&paid, j, 2),
				  (long long)db_int(&paid, j, 3));
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
}

/* Every check, in the order they run and print; check_outboxes comes
 * before check_jetstream, which compares the stream with its rows, and
 * check_unsent looks at the rows unsent at the first read after both. */
static void (*const checks[])(struct checker *c) = {
    check_stores, check_outboxes,  check_replicas, check_consumers, check_dead_letters,
    check_stock,  check_deadlines, check_payments, check_jetstream, check_unsent,
};

int
check_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config-dir", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct checker c;
	const char *dir = NULL;
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
	c.dir = dir;
	if (load_services(&c, dir) != TK_OK || c.nsvcs == 0) {
		fprintf(stderr, "check: no usable service configuration in %s\n", dir);
		goto out;
	}
	for (i = 0; i < NELEM(checks); i++)
		checks[i](&c);
	if (c.broken)
		printf("check: a store could not be read (see above)\n");
	printf("check: %zu services, %llu events, %ld violation%s\n", c.nsvcs,
	       (unsigned long long)c.outbox_rows, c.violations, c.violations == 1 ? "" : "s");
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
	free(c.nats_user);
	free(c.nats_password);
	arena_free(c.a);
	return status;
}
