/*
 * ticketingctl setup-backbone and replay: the only code that creates,
 * changes or deletes the stream and its durable consumers, driven by the
 * backbone registry (lib/backbone.h). Workers only bind to what this made,
 * so they need no stream-administration rights.
 *
 *   setup-backbone [--max-bytes N] [--max-age SECONDS]
 *       create or update the stream (limits default to mq_stream_default)
 *       and every consumer of the registry; run after NATS is up, by
 *       scripts/dev and at every deployment
 *   replay SERVICE
 *       with SERVICE's replicator stopped: delete SERVICE's consumers and
 *       their processed_events records (except those an operator wrote
 *       with version 0 for dead letters resolved by hand), then create the
 *       consumers again, so the next replicator start applies the whole
 *       stream from its first message. Replicas only move forward, so the
 *       result equals the sources.
 *
 * Both read nats_url (and replay the db_* settings of SERVICE) from the
 * configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backbone.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "mq.h"
#include "streams.h"

#define CONNECT_WAIT_MS 10000

/* connect_nats: a connection to the configured NATS, up within CONNECT_WAIT_MS. */
static int
connect_nats(struct mq **mq)
{
	int rc = TK_ECONFIG;

	*mq = NULL;
	if (*config_str("nats_url") == '\0') {
		fprintf(stderr, "ticketingctl: nats_url is not set\n");
		goto out;
	}
	rc = mq_connect(config_str("nats_url"), "ticketingctl", mq);
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
	    {"max-age", required_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	struct mq_stream_conf sc = mq_stream_default;
	struct mq *mq = NULL;
	int ch, status = 2;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((ch == 'b' && number(optarg, &sc.max_bytes) == TK_OK) ||
		    (ch == 'a' && number(optarg, &sc.max_age_s) == TK_OK))
			continue;
		goto usage;
	}
	if (optind != argc)
		goto usage;
	status = 1;
	if (connect_nats(&mq) != TK_OK)
		goto out;
	if (backbone_setup(mq, &sc) != TK_OK) {
		fprintf(stderr, "ticketingctl: setup-backbone failed (see above)\n");
		goto out;
	}
	printf("stream %s and %zu consumers set up\n", sc.name, backbone_nconsumers);
	status = 0;
	goto out;
usage:
	fprintf(stderr, "usage: ticketingctl --config FILE setup-backbone [--max-bytes N] "
	                "[--max-age SECONDS]\n");
out:
	mq_close(mq);
	return status;
}

/* The statement of replay: forget a consumer's records (but the
 * operator's skips, version 0). */
static const char *const forget_sql[] = {
    "DELETE FROM processed_events WHERE consumer = ? AND aggregate_version > 0",
};

/* replay_one: delete c's consumer, forget its records, create it again. */
static int
replay_one(struct mq *mq, struct db *db, const struct backbone_consumer *c)
{
	struct mq_consumer_conf cc = backbone_consumer_conf(c);
	int rc;

	rc = mq_delete_consumer(mq, MQ_STREAM, c->durable);
	if (rc == TK_ENOTFOUND)
		rc = TK_OK;
	if (rc == TK_OK)
		rc = db_exec(db, 0, (struct db_val[]){DB_S(c->durable)}, 1, NULL, NULL);
	if (rc == TK_OK)
		rc = mq_ensure_consumer(mq, &cc);
	if (rc == TK_OK)
		printf("%s: will replay from the first message\n", c->durable);
	else
		fprintf(stderr, "ticketingctl: replay %s: %s\n", c->durable, err_str(rc));
	return rc;
}

int
streams_replay_main(int argc, char **argv)
{
	struct db_conf dc = db_conf_configured();
	struct db *db = NULL;
	struct mq *mq = NULL;
	size_t i, n = 0;
	int rc = TK_OK, status = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: ticketingctl --config FILE replay SERVICE\n");
		goto out;
	}
	status = 1;
	if (connect_nats(&mq) != TK_OK)
		goto out;
	db = db_new(&dc, forget_sql, 1);
	for (i = 0; rc == TK_OK && i < backbone_nconsumers; i++)
		if (strcmp(backbone_consumers[i].service, argv[1]) == 0) {
			rc = replay_one(mq, db, &backbone_consumers[i]);
			n++;
		}
	if (n == 0)
		fprintf(stderr, "ticketingctl: the %s service has no consumer\n", argv[1]);
	else if (rc == TK_OK)
		status = 0;
out:
	db_free(db);
	mq_close(mq);
	return status;
}
