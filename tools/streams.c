/*
 * ticketingctl setup-backbone, replay and republish: the only code that
 * creates, changes or deletes the stream and its durable consumers, driven
 * by the backbone registry (lib/backbone.h). Workers only bind to what this made,
 * so they need no stream-administration rights.
 *
 *   setup-backbone [--max-bytes N] [--ack-wait MS] [--duplicate-window S]
 *       create or update the stream (limits default to mq_stream_default;
 *       no age limit, which would drop unread messages; as many replicas
 *       as the configuration's stream_replicas) and every consumer
 *       of the registry; run after NATS is up, by scripts/dev and at every
 *       deployment. A byte limit below what the stream holds is refused.
 *       --ack-wait sets the consumers' ack wait (default 30 s); a replay
 *       recreates them with the default. --duplicate-window sets how long
 *       the stream remembers a Nats-Msg-Id to drop a second copy (default
 *       2 hours; a test shortens it to store an event twice); running
 *       setup-backbone again without it restores the default.
 *   replay SERVICE
 *       with SERVICE's replicator stopped: delete SERVICE's consumers and
 *       their processed_events and applied_versions records of the
 *       messages the stream still holds (except those an operator wrote with version 0 for dead
 *       letters resolved by hand), then create the consumers again, so the
 *       next replicator start applies the stream from its first message.
 *       Replicas only move forward, so the result equals the sources. What
 *       prune-stream removed cannot be replayed: those records stay, and
 *       the replica rows they made must be kept (never rebuild a replica
 *       from an empty table after pruning).
 *
 *   stream-status
 *       the stream's messages, bytes, limits and sequences, each
 *       consumer's acknowledged floor, backlog and delivery limit, and
 *       how many nodes keep the stream and the consumers (after a change
 *       of stream_replicas: whether the cluster has followed)
 *   publish
 *       one event envelope read from standard input, published as the
 *       relay publishes an outbox row: on its type's subject, with its
 *       event_id as Nats-Msg-Id (a second copy within the duplicate window
 *       is dropped). For repairs, and for tests that play a service whose
 *       events they need (a payment authorised after the deadline, an
 *       event delivered twice or out of order)
 *   prune-stream
 *       remove the messages every durable consumer of the registry has
 *       acknowledged, and nothing else (the stream has no age limit and
 *       refuses publishes when full: this is how space is made; runbook in
 *       docs/BACKBONE.md)
 *   republish [--rebuild] [SERVICE...]
 *       the sent outbox rows of SERVICE (default: every emitting service)
 *       published again as the relay published them, except those whose
 *       event id the stream holds, so no id is ever stored twice; with
 *       --rebuild the stream and its consumers are first deleted and made
 *       again, empty, and every row is published (after a restore: the
 *       old stream holds events the restored outboxes lost; docs/deploy.md
 *       "Backups")
 *
 * All read nats_url (and replay and republish the db_* settings of
 * SERVICE) from the configuration.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "arena.h"
#include "backbone.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "mq.h"
#include "streams.h"

#define CONNECT_WAIT_MS 10000

const struct config_key streams_keys[] = {
    {"stream_replicas", CONFIG_INT, "1", 1, 5,
     "copies of the event stream and its consumers a JetStream cluster keeps (1: a single "
     "server)"},
};
const size_t streams_nkeys = sizeof(streams_keys) / sizeof(streams_keys[0]);

struct mq_stream_conf
streams_conf(void)
{
	struct mq_stream_conf sc = mq_stream_default;

	sc.replicas = (int)config_int("stream_replicas");
	return sc;
}

int
streams_connect(struct mq **mq)
{
	int rc = TK_ECONFIG;

	*mq = NULL;
	if (*config_str("nats_url") == '\0') {
		fprintf(stderr, "ticketingctl: nats_url is not set\n");
		goto out;
	}
	rc = mq_connect_configured("ticketingctl", mq);
	if (rc == TK_OK)
		rc = mq_wait_connected(*mq, CONNECT_WAIT_MS);
	if (rc != TK_OK)
		fprintf(stderr, "ticketingctl: cannot reach NATS at %s\n", config_str("nats_url"));
out:
	return rc;
}

/* number: arg as a positive int64 into *v; TK_EINVAL otherwise. */
static int
number(const char *arg, int64_t *v)
{
	char *end;
	long long n = strtoll(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || n <= 0)
		return TK_EINVAL;
	*v = n;
	return TK_OK;
}

int
streams_setup_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"max-bytes", required_argument, NULL, 'b'},
	    {"ack-wait", required_argument, NULL, 'w'},
	    {"duplicate-window", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	struct mq_stream_conf sc = streams_conf();
	int64_t ack_wait_ms = 0;
	struct mq *mq = NULL;
	int ch, status = 2;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'b' && number(optarg, &sc.max_bytes) == TK_OK)
			continue;
		if (ch == 'w' && number(optarg, &ack_wait_ms) == TK_OK)
			continue;
		if (ch == 'd' && number(optarg, &sc.duplicates_s) == TK_OK)
			continue;
		goto usage;
	}
	if (optind != argc)
		goto usage;
	status = 1;
	if (streams_connect(&mq) != TK_OK)
		goto out;
	if (backbone_setup(mq, &sc, ack_wait_ms) != TK_OK) {
		fprintf(stderr, "ticketingctl: setup-backbone failed (see above)\n");
		goto out;
	}
	printf("stream %s and %zu consumers set up\n", sc.name, backbone_nconsumers);
	status = 0;
	goto out;
usage:
	fprintf(stderr, "usage: ticketingctl --config FILE setup-backbone [--max-bytes N] "
			"[--ack-wait MS] [--duplicate-window S]\n");
out:
	mq_close(mq);
	return status;
}

/* The statement of replay: forget a consumer's records of the events the
 * stream still holds (from sequence ?), but the operator's skips (version
 * 0). Records of pruned events stay: they cannot be applied again. */
static const char *const forget_sql[] = {
    "DELETE FROM processed_events WHERE consumer = ? AND aggregate_version > 0 "
    "AND stream_seq >= ?",
    "DELETE FROM applied_versions WHERE consumer = ? AND stream_seq >= ?",
};
#define NFORGET (sizeof(forget_sql) / sizeof(forget_sql[0]))

/* replay_one: delete c's consumer, forget its records from stream
 * sequence first_seq on, create it again. */
static int
replay_one(struct mq *mq, struct db *db, const struct backbone_consumer *c, uint64_t first_seq)
{
	struct mq_consumer_conf cc = backbone_consumer_conf(c);
	size_t i;
	int rc;

	rc = mq_delete_consumer(mq, MQ_STREAM, c->durable);
	if (rc == TK_ENOTFOUND)
		rc = TK_OK;
	for (i = 0; rc == TK_OK && i < NFORGET; i++)
		rc = db_exec(db, (int)i,
			     (struct db_val[]){DB_S(c->durable), DB_I((int64_t)first_seq)}, 2, NULL,
			     NULL);
	if (rc == TK_OK)
		rc = mq_ensure_consumer(mq, &cc);
	if (rc == TK_OK)
		printf("%s: will replay from stream sequence %llu\n", c->durable,
		       (unsigned long long)first_seq);
	else
		fprintf(stderr, "ticketingctl: replay %s: %s\n", c->durable, err_str(rc));
	return rc;
}

int
streams_replay_main(int argc, char **argv)
{
	struct arena *a = arena_new();
	struct db_conf dc;
	struct db *db = NULL;
	struct mq *mq = NULL;
	struct mq_stream_state st;
	size_t i, n = 0;
	int rc, status = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: ticketingctl --config FILE replay SERVICE\n");
		goto out;
	}
	status = 1;
	if (streams_connect(&mq) != TK_OK)
		goto out;
	rc = mq_stream_state(mq, MQ_STREAM, &st);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: stream %s: %s\n", MQ_STREAM, err_str(rc));
		goto out;
	}
	dc = accounts_db_conf(a, argv[1]);
	db = db_new(&dc, forget_sql, NFORGET);
	for (i = 0; rc == TK_OK && i < backbone_nconsumers; i++)
		if (strcmp(backbone_consumers[i].service, argv[1]) == 0) {
			rc = replay_one(mq, db, &backbone_consumers[i], st.first_seq);
			n++;
		}
	if (n == 0)
		fprintf(stderr, "ticketingctl: the %s service has no consumer\n", argv[1]);
	else if (rc == TK_OK)
		status = 0;
out:
	db_free(db);
	mq_close(mq);
	arena_free(a);
	return status;
}

/* no_args_then_connect: for a command that takes no argument: the exit
 * status so far, 2 (usage) or 1 (no NATS), or 0 with *mq connected. */
static int
no_args_then_connect(int argc, const char *command, struct mq **mq)
{
	int status = 2;

	*mq = NULL;
	if (argc != 1)
		fprintf(stderr, "usage: ticketingctl --config FILE %s\n", command);
	else
		status = streams_connect(mq) == TK_OK ? 0 : 1;
	return status;
}

/*
 * consumer_floor: the stream sequence up to which consumer state cs has
 * acknowledged every message of its filter, given that the stream's last
 * sequence was last_seq before cs was read. A consumer with nothing
 * pending and nothing unacknowledged has all of them (its own ack floor
 * only counts messages of its filter, and stays 0 when none came yet).
 */
static uint64_t
consumer_floor(const struct mq_consumer_state *cs, uint64_t last_seq)
{
	if (cs->pending == 0 && cs->ack_pending == 0 && last_seq > cs->ack_floor)
		return last_seq;
	return cs->ack_floor;
}

int
streams_status_main(int argc, char **argv)
{
	struct mq *mq = NULL;
	struct mq_stream_state st;
	struct mq_consumer_state cs;
	size_t i, full = 0;
	int rc, status;

	(void)argv;
	status = no_args_then_connect(argc, "stream-status", &mq);
	if (status != 0)
		goto out;
	rc = mq_stream_state(mq, MQ_STREAM, &st);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: stream %s: %s\n", MQ_STREAM, err_str(rc));
		goto out;
	}
	printf("stream %s: %llu messages, %llu bytes of %lld, sequences %llu..%llu, "
	       "max age %lld s, discard %s\n",
	       MQ_STREAM, (unsigned long long)st.msgs, (unsigned long long)st.bytes,
	       (long long)st.max_bytes, (unsigned long long)st.first_seq,
	       (unsigned long long)st.last_seq, (long long)st.max_age_s,
	       st.discard_new ? "new" : "old");
	status = 0;
	for (i = 0; i < backbone_nconsumers; i++) {
		rc = mq_consumer_state(mq, MQ_STREAM, backbone_consumers[i].durable, &cs);
		if (rc != TK_OK) {
			printf("consumer %s: %s\n", backbone_consumers[i].durable, err_str(rc));
			status = 1;
			continue;
		}
		printf("consumer %s: acknowledged up to %llu, %llu pending, %llu unacknowledged, "
		       "on %d nodes (%d current), max deliveries %lld\n",
		       backbone_consumers[i].durable,
		       (unsigned long long)consumer_floor(&cs, st.last_seq),
		       (unsigned long long)cs.pending, (unsigned long long)cs.ack_pending, cs.nodes,
		       cs.current, (long long)cs.max_deliver);
		if (cs.nodes == st.replicas && cs.current == cs.nodes)
			full++;
	}
	/* After a change of stream_replicas the nodes follow within seconds:
	 * this line says when they have. */
	printf("replicas: %d configured; the stream on %d nodes, %d current; "
	       "%zu of %zu consumers on %d nodes, all current\n",
	       st.replicas, st.nodes, st.current, full, backbone_nconsumers, st.replicas);
out:
	mq_close(mq);
	return status;
}

/* acked_floor: the stream sequence up to which every consumer of the
 * registry acknowledged everything, given the stream's last sequence
 * last_seq read before. TK_ENOTFOUND when a consumer is missing. */
static int
acked_floor(struct mq *mq, uint64_t last_seq, uint64_t *floor)
{
	struct mq_consumer_state cs;
	size_t i;
	int rc = TK_OK;

	*floor = backbone_nconsumers > 0 ? UINT64_MAX : 0;
	for (i = 0; rc == TK_OK && i < backbone_nconsumers; i++) {
		rc = mq_consumer_state(mq, MQ_STREAM, backbone_consumers[i].durable, &cs);
		if (rc != TK_OK)
			fprintf(stderr, "ticketingctl: consumer %s: %s\n",
				backbone_consumers[i].durable, err_str(rc));
		else if (consumer_floor(&cs, last_seq) < *floor)
			*floor = consumer_floor(&cs, last_seq);
	}
	return rc;
}

int
streams_prune_main(int argc, char **argv)
{
	struct mq *mq = NULL;
	struct mq_stream_state before, after;
	uint64_t floor;
	int rc, status;

	(void)argv;
	status = no_args_then_connect(argc, "prune-stream", &mq);
	if (status != 0)
		goto out;
	status = 1;
	rc = mq_stream_state(mq, MQ_STREAM, &before);
	if (rc == TK_OK)
		rc = acked_floor(mq, before.last_seq, &floor);
	if (rc == TK_OK && floor >= before.first_seq)
		rc = mq_purge_before(mq, MQ_STREAM, floor + 1);
	if (rc == TK_OK)
		rc = mq_stream_state(mq, MQ_STREAM, &after);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: prune-stream: %s; nothing removed after the error\n",
			err_str(rc));
		goto out;
	}
	printf("removed %llu messages acknowledged by every consumer; %llu remain (%llu bytes)\n",
	       (unsigned long long)(before.msgs > after.msgs ? before.msgs - after.msgs : 0),
	       (unsigned long long)after.msgs, (unsigned long long)after.bytes);
	status = 0;
out:
	mq_close(mq);
	return status;
}

int
streams_delete_msg_main(int argc, char **argv)
{
	struct mq *mq = NULL;
	char *end = NULL;
	unsigned long long seq = 0;
	int rc, status = 2;

	if (argc == 2)
		seq = strtoull(argv[1], &end, 10);
	if (argc != 2 || end == argv[1] || *end != '\0' || seq == 0) {
		fprintf(stderr, "usage: ticketingctl --config FILE delete-stream-message SEQ\n");
		goto out;
	}
	status = 1;
	if (streams_connect(&mq) != TK_OK)
		goto out;
	rc = mq_delete_msg(mq, MQ_STREAM, seq);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: delete-stream-message %llu: %s\n", seq, err_str(rc));
		goto out;
	}
	printf("deleted message %llu of stream %s\n", seq, MQ_STREAM);
	status = 0;
out:
	mq_close(mq);
	return status;
}

/* read_all: standard input, at most max bytes, into buf (NUL-terminated);
 * its length, or -1 when it is longer or unreadable. */
static long
read_all(FILE *f, char *buf, size_t max)
{
	size_t len = fread(buf, 1, max + 1, f);

	if (ferror(f) || len > max)
		return -1;
	buf[len] = '\0';
	return (long)len;
}

int
streams_publish_main(int argc, char **argv)
{
	struct mq *mq = NULL;
	struct envelope ev = {0};
	char subject[sizeof(EVENT_SUBJECT_PREFIX) + EVENT_TYPE_MAX];
	const char *why = NULL;
	char *body = NULL;
	long len;
	int rc, dup = 0, status = 2;

	if (argc != 1) {
		fprintf(stderr, "usage: ticketingctl --config FILE %s < ENVELOPE\n", argv[0]);
		goto out;
	}
	status = 1;
	body = malloc(EVENT_MAX_BYTES + 1);
	if (body == NULL || (len = read_all(stdin, body, EVENT_MAX_BYTES)) < 0) {
		fprintf(stderr,
			"ticketingctl: publish: the envelope is unreadable or over %d bytes\n",
			EVENT_MAX_BYTES);
		goto out;
	}
	if (event_decode(body, (size_t)len, &ev, &why) != TK_OK) {
		fprintf(stderr, "ticketingctl: publish: not an event envelope: %s\n", why);
		goto out;
	}
	if (event_subject(ev.type, subject, sizeof(subject)) != TK_OK ||
	    streams_connect(&mq) != TK_OK)
		goto out;
	rc = mq_publish(mq, subject, ev.event_id, body, (size_t)len, CONNECT_WAIT_MS, &dup);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: publish %s: %s\n", ev.event_id, err_str(rc));
		goto out;
	}
	printf("%s %s %s\n", dup ? "duplicate" : "published", subject, ev.event_id);
	status = 0;
out:
	event_free(&ev);
	free(body);
	mq_close(mq);
	return status;
}

/* The batch of outbox rows republish reads and publishes at a time. */
#define REPUBLISH_BATCH 500

/* Parameters: the last outbox id done, the batch size. Only sent rows:
 * the relay publishes the others itself. */
static const char *const republish_sql[] = {
    "SELECT id, event_id, subject, payload FROM outbox WHERE sent_at IS NOT NULL AND id > ? "
    "ORDER BY id LIMIT ?",
};

/* The event ids a stream holds, sorted (republish's "already there"). */
struct held_ids {
	struct arena *a;
	const char **v;
	size_t n, cap;
};

static int
by_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* hold_id: the Nats-Msg-Id of m into arg (a held_ids). */
static int
hold_id(void *arg, uint64_t seq, const struct mq_stored *m)
{
	struct held_ids *h = arg;
	const char **w;

	(void)seq;
	if (h->n == h->cap) {
		h->cap = h->cap > 0 ? h->cap * 2 : 1024;
		w = arena_alloc(h->a, h->cap * sizeof(*w));
		if (h->n > 0)
			memcpy(w, h->v, h->n * sizeof(*w));
		h->v = w;
	}
	h->v[h->n++] = arena_strdup(h->a, m->msg_id);
	return TK_OK;
}

/* What republish did with one service's outbox. */
struct republished {
	uint64_t published, held, dropped;
};

/*
 * republish_service: every sent outbox row of service, in outbox order,
 * published as the relay published it (subject, payload, event id as
 * Nats-Msg-Id), except those whose id the stream holds (held, sorted).
 * Counts into *r. TK_OK or the first error.
 */
static int
republish_service(struct mq *mq, struct arena *a, const char *service, const struct held_ids *held,
		  struct republished *r)
{
	struct mq_out out[REPUBLISH_BATCH];
	struct db_conf dc = accounts_db_conf(a, service);
	struct db *db = db_new(&dc, republish_sql, 1);
	struct arena *rows_arena = arena_new();
	struct db_rows rows;
	const char *id;
	int64_t last = 0;
	size_t i, n;
	int rc;

	memset(r, 0, sizeof(*r));
	do {
		arena_reset(rows_arena);
		rc = db_exec(db, 0, (struct db_val[]){DB_I(last), DB_I(REPUBLISH_BATCH)}, 2,
			     rows_arena, &rows);
		if (rc != TK_OK)
			break;
		for (i = n = 0; i < rows.nrows; i++) {
			last = db_int(&rows, i, 0);
			id = db_str(&rows, i, 1);
			if (held->n > 0 &&
			    bsearch(&id, held->v, held->n, sizeof(*held->v), by_str) != NULL) {
				r->held++;
				continue;
			}
			out[n].subject = db_str(&rows, i, 2);
			out[n].msg_id = id;
			out[n].data = db_str(&rows, i, 3);
			out[n].len = strlen(out[n].data);
			n++;
		}
		if (n > 0)
			rc = mq_publish_batch(mq, out, n, CONNECT_WAIT_MS);
		for (i = 0; i < n; i++) {
			if (out[i].rc == TK_OK && out[i].duplicate)
				r->dropped++;
			else if (out[i].rc == TK_OK)
				r->published++;
		}
	} while (rc == TK_OK && rows.nrows == REPUBLISH_BATCH);
	if (rc != TK_OK)
		fprintf(stderr, "ticketingctl: republish %s: %s\n", service, err_str(rc));
	arena_free(rows_arena);
	db_free(db);
	return rc;
}

/* rebuild: the stream deleted with its consumers and made again, empty,
 * with the byte limit it had (st) and the registry's consumers. */
static int
rebuild(struct mq *mq, const struct mq_stream_state *st)
{
	struct mq_stream_conf sc = streams_conf();
	int rc;

	if (st->max_bytes > 0)
		sc.max_bytes = st->max_bytes;
	rc = mq_delete_stream(mq, MQ_STREAM);
	if (rc == TK_ENOTFOUND)
		rc = TK_OK;
	if (rc == TK_OK)
		rc = backbone_setup(mq, &sc, 0);
	if (rc != TK_OK)
		fprintf(stderr, "ticketingctl: rebuilding stream %s: %s\n", MQ_STREAM, err_str(rc));
	else
		printf("stream %s and its consumers made again, empty\n", MQ_STREAM);
	return rc;
}

int
streams_republish_main(int argc, char **argv)
{
	static const struct option longopts[] = {{"rebuild", no_argument, NULL, 'r'},
						 {NULL, 0, NULL, 0}};
	const char *svcs[32], *all[32];
	struct held_ids held = {NULL, NULL, 0, 0};
	struct republished r;
	struct mq_stream_state st;
	struct mq *mq = NULL;
	size_t n = 0, nall, i;
	uint64_t dropped = 0;
	int ch, rc, do_rebuild = 0, status = 2;

	held.a = arena_new();
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'r')
			goto usage;
		do_rebuild = 1;
	}
	for (; optind < argc && n < sizeof(svcs) / sizeof(svcs[0]); optind++) {
		if (!backbone_emits(argv[optind])) {
			fprintf(stderr, "ticketingctl: the %s service emits no events\n",
				argv[optind]);
			goto out;
		}
		svcs[n++] = argv[optind];
	}
	if (n == 0) {
		nall = backbone_services(all, sizeof(all) / sizeof(all[0]));
		for (i = 0; i < nall; i++)
			if (backbone_emits(all[i]))
				svcs[n++] = all[i];
	}
	status = 1;
	if (streams_connect(&mq) != TK_OK)
		goto out;
	rc = mq_stream_state(mq, MQ_STREAM, &st);
	if (rc == TK_OK && do_rebuild)
		rc = rebuild(mq, &st);
	else if (rc == TK_OK)
		rc = mq_stream_each(mq, MQ_STREAM, st.first_seq, st.last_seq, hold_id, &held);
	if (rc != TK_OK) {
		fprintf(stderr, "ticketingctl: stream %s: %s\n", MQ_STREAM, err_str(rc));
		goto out;
	}
	if (held.n > 0)
		qsort(held.v, held.n, sizeof(*held.v), by_str);
	for (i = 0; i < n; i++) {
		rc = republish_service(mq, held.a, svcs[i], &held, &r);
		printf("%s: %llu published, %llu in the stream already, %llu dropped as "
		       "duplicates\n",
		       svcs[i], (unsigned long long)r.published, (unsigned long long)r.held,
		       (unsigned long long)r.dropped);
		if (rc != TK_OK)
			goto out;
		dropped += r.dropped;
	}
	if (dropped > 0)
		printf("the stream dropped %llu events it no longer holds as duplicates (its "
		       "duplicate window): --rebuild publishes them\n",
		       (unsigned long long)dropped);
	status = 0;
	goto out;
usage:
	fprintf(stderr, "usage: ticketingctl --config FILE republish [--rebuild] [SERVICE...]\n");
out:
	mq_close(mq);
	arena_free(held.a);
	return status;
}
