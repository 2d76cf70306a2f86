/*
 * Tests of lib/mq.c against the stack's live nats-server: idempotent
 * stream and consumer set-up, publish de-duplication by Nats-Msg-Id,
 * fetch, ack, nak (at once and with a delay), term, consumer state, a full
 * discard-new stream and purging, batch publishing, a fetch that returns
 * what is ready without waiting for a full batch, and a connection to a
 * server that is not there. It needs TK_TEST_RUN_DIR (set
 * by scripts/dev test) to read the NATS settings from conf/admin.conf (it
 * creates and deletes streams: the administrator's account); without it the
 * program skips (exit 77). It works on a stream of its own, TKTEST<pid>.
 * Nothing depends on how fast a loaded machine answers: asynchronous acks
 * are waited for (up to WAIT_MS) before the consumer's state is checked, and
 * a delayed redelivery is waited for and then checked not to have come
 * early, the one bound a slow machine cannot break.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "config.h"
#include "err.h"
#include "mq.h"

/* The longest wait for something the server does asynchronously. */
#define WAIT_MS 10000

static struct mq *mq;
static char stream[64], subject[64], filter[64];

/* ms_since: milliseconds from *t0 to now on the monotonic clock. */
static int64_t
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * wait_ack_floor: poll the state of consumer durable on stream name until
 * its ack floor reaches floor, every 10 ms for about WAIT_MS (acks are
 * asynchronous).
 * Returns what mq_consumer_state last answered; the state in *cs.
 */
static int
wait_ack_floor(const char *name, const char *durable, uint64_t floor,
	       struct mq_consumer_state *cs /* OUT */)
{
	int polls = WAIT_MS / 10;
	int rc;

	while ((rc = mq_consumer_state(mq, name, durable, cs)) == TK_OK && cs->ack_floor < floor &&
	       polls-- > 0)
		usleep(10000);
	return rc;
}

static void
test_stream_idempotent(void)
{
	struct mq_stream_conf sc = {stream, filter, 3600, -1, 60, 0, 1};
	struct mq_stream_state st;

	CU_ASSERT_EQUAL(mq_ensure_stream(mq, &sc), TK_OK);
	CU_ASSERT_EQUAL(mq_ensure_stream(mq, &sc), TK_OK);
	sc.duplicates_s = 120; /* changed settings: updated in place */
	CU_ASSERT_EQUAL(mq_ensure_stream(mq, &sc), TK_OK);
	CU_ASSERT_EQUAL(mq_stream_state(mq, stream, &st), TK_OK);
	CU_ASSERT_EQUAL(st.msgs, 0);
	CU_ASSERT_EQUAL(st.max_age_s, 3600);
	CU_ASSERT_EQUAL(st.discard_new, 0);
	CU_ASSERT_EQUAL(mq_stream_state(mq, "TKTEST_NO_SUCH_STREAM", &st), TK_ENOTFOUND);
}

static void
test_publish_dedup(void)
{
	struct mq_stream_state st;
	int dup = -1;

	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-1", "one", 3, 2000, &dup), TK_OK);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-1", "one", 3, 2000, &dup), TK_OK);
	CU_ASSERT_EQUAL(dup, 1);
	CU_ASSERT_EQUAL(mq_stream_state(mq, stream, &st), TK_OK);
	CU_ASSERT_EQUAL(st.msgs, 1);
	CU_ASSERT_EQUAL(st.last_seq, 1);
}

static void
test_consume(void)
{
	struct mq_consumer_conf cc = {stream, "tktest-consumer", filter, 5000, 10, 100};
	struct mq_pull *p = NULL;
	struct mq_batch b;
	struct mq_consumer_state cs;
	const char *data;
	size_t len;
	struct timespec nak_at;

	CU_ASSERT_EQUAL(mq_ensure_consumer(mq, &cc), TK_OK);
	cc.max_deliver = 20;
	CU_ASSERT_EQUAL(mq_ensure_consumer(mq, &cc), TK_OK);
	CU_ASSERT_EQUAL_FATAL(mq_pull_open(mq, stream, cc.durable, filter, &p), TK_OK);

	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
	CU_ASSERT_EQUAL_FATAL(b.count, 1);
	data = mq_msg_data(b.msgs[0], &len);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_NSTRING_EQUAL(data, "one", 3);
	CU_ASSERT_STRING_EQUAL(mq_msg_subject(b.msgs[0]), subject);
	CU_ASSERT_EQUAL(mq_msg_delivered(b.msgs[0]), 1);
	CU_ASSERT_EQUAL(mq_msg_seq(b.msgs[0]), 1);
	CU_ASSERT_EQUAL(mq_nak(b.msgs[0], 0), TK_OK);
	mq_batch_free(&b);

	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
	CU_ASSERT_FATAL(b.count > 0);
	CU_ASSERT_EQUAL(mq_msg_delivered(b.msgs[0]), 2);
	clock_gettime(CLOCK_MONOTONIC, &nak_at);
	CU_ASSERT_EQUAL(mq_nak(b.msgs[0], 400), TK_OK);
	mq_batch_free(&b);
	/* Held back for 400 ms: it comes again, never before the delay. */
	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, WAIT_MS, &b), TK_OK);
	CU_ASSERT_FATAL(b.count > 0);
	CU_ASSERT(ms_since(&nak_at) >= 400);
	CU_ASSERT_EQUAL(mq_msg_delivered(b.msgs[0]), 3);
	CU_ASSERT_EQUAL(mq_term(b.msgs[0]), TK_OK);
	mq_batch_free(&b);
	CU_ASSERT_EQUAL(mq_fetch(p, 10, 300, &b), TK_OK);
	CU_ASSERT_EQUAL(b.count, 0); /* an empty fetch */

	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-2", "two", 3, 2000, NULL), TK_OK);
	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-3", "three", 5, 2000, NULL), TK_OK);
	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
	CU_ASSERT_FATAL(b.count > 0);
	if (b.count == 1) { /* the second may come in a later pull */
		CU_ASSERT_EQUAL(mq_ack(b.msgs[0]), TK_OK);
		mq_batch_free(&b);
		CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
		CU_ASSERT_FATAL(b.count > 0);
		CU_ASSERT_EQUAL(mq_msg_seq(b.msgs[0]), 3);
		CU_ASSERT_EQUAL(mq_ack(b.msgs[0]), TK_OK);
	} else {
		CU_ASSERT_EQUAL(b.count, 2);
		CU_ASSERT_EQUAL(mq_msg_seq(b.msgs[0]), 2);
		CU_ASSERT_EQUAL(mq_msg_seq(b.msgs[1]), 3);
		CU_ASSERT_EQUAL(mq_ack(b.msgs[0]), TK_OK);
		CU_ASSERT_EQUAL(mq_ack(b.msgs[1]), TK_OK);
	}
	mq_batch_free(&b);
	CU_ASSERT_EQUAL(wait_ack_floor(stream, cc.durable, 3, &cs), TK_OK);
	CU_ASSERT_EQUAL(cs.pending, 0);
	CU_ASSERT_EQUAL(cs.ack_pending, 0);
	CU_ASSERT_EQUAL(cs.ack_floor, 3);
	CU_ASSERT_EQUAL(cs.max_deliver, 20);
	mq_pull_close(p);
	mq_pull_close(NULL);

	CU_ASSERT_EQUAL(mq_delete_consumer(mq, stream, cc.durable), TK_OK);
	CU_ASSERT_EQUAL(mq_consumer_state(mq, stream, cc.durable, &cs), TK_ENOTFOUND);
	CU_ASSERT_EQUAL(mq_delete_consumer(mq, stream, cc.durable), TK_ENOTFOUND);
}

/*
 * A stream with discard-new at a tiny byte limit refuses publishes once
 * full (TK_ELIMIT) and keeps every message it has; purging what a consumer
 * acknowledged makes room again.
 */
static void
test_full_stream(void)
{
	char name[64], subj[64], filt[64], id[32], body[200];
	struct mq_stream_conf sc = {name, filt, 0, 4096, 60, 1, 1};
	struct mq_consumer_conf cc = {name, "tktest-full", filt, 5000, -1, 100};
	struct mq_stream_state st;
	struct mq_consumer_state cs;
	struct mq_pull *p = NULL;
	struct mq_batch b;
	int i, n = 0, rc = TK_OK;

	snprintf(name, sizeof(name), "TKFULL%ld", (long)getpid());
	snprintf(subj, sizeof(subj), "tkfull%ld.thing.done", (long)getpid());
	snprintf(filt, sizeof(filt), "tkfull%ld.>", (long)getpid());
	memset(body, 'x', sizeof(body));
	CU_ASSERT_EQUAL_FATAL(mq_ensure_stream(mq, &sc), TK_OK);
	for (i = 0; i < 100 && rc == TK_OK; i++) {
		snprintf(id, sizeof(id), "full-%d", i);
		rc = mq_publish(mq, subj, id, body, sizeof(body), 2000, NULL);
		if (rc == TK_OK)
			n++;
	}
	CU_ASSERT_EQUAL(rc, TK_ELIMIT); /* refused, not dropping the oldest */
	CU_ASSERT(n > 2);
	/* So is each message of a batch. */
	{
		struct mq_out out[2] = {{subj, "full-batch-1", body, sizeof(body), 0, 0},
					{subj, "full-batch-2", body, sizeof(body), 0, 0}};

		CU_ASSERT_EQUAL(mq_publish_batch(mq, out, 2, 2000), TK_EIO);
		CU_ASSERT_EQUAL(out[0].rc, TK_ELIMIT);
		CU_ASSERT_EQUAL(out[1].rc, TK_ELIMIT);
	}
	CU_ASSERT_EQUAL_FATAL(mq_stream_state(mq, name, &st), TK_OK);
	CU_ASSERT_EQUAL(st.msgs, (uint64_t)n);
	CU_ASSERT_EQUAL(st.first_seq, 1);
	CU_ASSERT(st.bytes <= 4096);
	CU_ASSERT_EQUAL(st.discard_new, 1);

	/* A consumer acknowledges the first two; purging below its floor
	 * removes exactly those, and a publish fits again. */
	CU_ASSERT_EQUAL_FATAL(mq_ensure_consumer(mq, &cc), TK_OK);
	CU_ASSERT_EQUAL_FATAL(mq_pull_open(mq, name, cc.durable, filt, &p), TK_OK);
	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 2, 2000, &b), TK_OK);
	CU_ASSERT_EQUAL_FATAL(b.count, 2);
	CU_ASSERT_EQUAL(mq_ack(b.msgs[0]), TK_OK);
	CU_ASSERT_EQUAL(mq_ack(b.msgs[1]), TK_OK);
	mq_batch_free(&b);
	CU_ASSERT_EQUAL(wait_ack_floor(name, cc.durable, 2, &cs), TK_OK);
	CU_ASSERT_EQUAL(cs.ack_floor, 2);
	CU_ASSERT_EQUAL(cs.max_deliver, -1);
	CU_ASSERT_EQUAL(mq_purge_before(mq, name, cs.ack_floor + 1), TK_OK);
	CU_ASSERT_EQUAL(mq_stream_state(mq, name, &st), TK_OK);
	CU_ASSERT_EQUAL(st.msgs, (uint64_t)n - 2);
	CU_ASSERT_EQUAL(st.first_seq, 3);
	CU_ASSERT_EQUAL(mq_publish(mq, subj, "full-again", body, sizeof(body), 2000, NULL), TK_OK);
	mq_pull_close(p);
	CU_ASSERT_EQUAL(mq_delete_consumer(mq, name, cc.durable), TK_OK);
	CU_ASSERT_EQUAL(mq_purge_before(mq, "TKTEST_NO_SUCH_STREAM", 1), TK_ENOTFOUND);
}

/*
 * A batch is stored as its messages one by one would be: a new id stored,
 * an id stored before reported as a duplicate, and a message no stream
 * takes failing alone.
 */
static void
test_publish_batch(void)
{
	char subj[64], other[64];
	struct mq_stream_state before, after;
	struct mq_out out[4];

	snprintf(subj, sizeof(subj), "tktest%ld.batch.done", (long)getpid());
	snprintf(other, sizeof(other), "tknostream%ld.batch.done", (long)getpid());
	out[0] = (struct mq_out){subj, "batch-1", "b1", 2, 0, 0};
	out[1] = (struct mq_out){subj, "id-1", "one", 3, 0, 0}; /* test_publish_dedup's */
	out[2] = (struct mq_out){other, "batch-x", "bx", 2, 0, 0};
	out[3] = (struct mq_out){subj, "batch-2", "b2", 2, 0, 0};
	CU_ASSERT_EQUAL_FATAL(mq_stream_state(mq, stream, &before), TK_OK);
	CU_ASSERT_EQUAL(mq_publish_batch(mq, out, 4, 5000), TK_EIO);
	CU_ASSERT_EQUAL(out[0].rc, TK_OK);
	CU_ASSERT_EQUAL(out[0].duplicate, 0);
	CU_ASSERT_EQUAL(out[1].rc, TK_OK);
	CU_ASSERT_EQUAL(out[1].duplicate, 1);
	CU_ASSERT_EQUAL(out[2].rc, TK_EIO);
	CU_ASSERT_EQUAL(out[3].rc, TK_OK);
	CU_ASSERT_EQUAL(out[3].duplicate, 0);
	CU_ASSERT_EQUAL_FATAL(mq_stream_state(mq, stream, &after), TK_OK);
	CU_ASSERT_EQUAL(after.last_seq, before.last_seq + 2);
	/* All stored: TK_OK. */
	out[2] = (struct mq_out){subj, "batch-3", "b3", 2, 0, 0};
	CU_ASSERT_EQUAL(mq_publish_batch(mq, out, 4, 5000), TK_OK);
	CU_ASSERT_EQUAL(out[0].duplicate, 1);
	CU_ASSERT_EQUAL(out[2].duplicate, 0);
	CU_ASSERT_EQUAL(mq_publish_batch(mq, out, 0, 5000), TK_OK);
}

/* publish_later: publish one message on the subject arg after 300 ms. */
static void *
publish_later(void *arg)
{
	usleep(300 * 1000);
	mq_publish(mq, arg, "later-1", "l1", 2, 5000, NULL);
	return NULL;
}

/*
 * A fetch of up to 64 takes what is ready at once, and when nothing is, it
 * returns with the first message that comes, not after the timeout (a
 * fetch that waited for 64 held it until then).
 */
static void
test_fetch_ready(void)
{
	char subj[64], filt[64];
	struct mq_consumer_conf cc = {stream, "tktest-ready", filt, 5000, -1, 1000};
	struct mq_pull *p = NULL;
	struct mq_batch b;
	struct timespec t0;
	pthread_t later;
	int i;

	snprintf(subj, sizeof(subj), "tktest%ld.ready.done", (long)getpid());
	snprintf(filt, sizeof(filt), "tktest%ld.ready.>", (long)getpid());
	CU_ASSERT_EQUAL_FATAL(mq_ensure_consumer(mq, &cc), TK_OK);
	CU_ASSERT_EQUAL_FATAL(mq_pull_open(mq, stream, cc.durable, filt, &p), TK_OK);
	CU_ASSERT_EQUAL(mq_publish(mq, subj, "ready-1", "r1", 2, 5000, NULL), TK_OK);
	CU_ASSERT_EQUAL(mq_publish(mq, subj, "ready-2", "r2", 2, 5000, NULL), TK_OK);
	CU_ASSERT_EQUAL(mq_publish(mq, subj, "ready-3", "r3", 2, 5000, NULL), TK_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 64, WAIT_MS, &b), TK_OK);
	CU_ASSERT(ms_since(&t0) < WAIT_MS / 2);
	CU_ASSERT_EQUAL(b.count, 3);
	for (i = 0; i < b.count; i++)
		mq_ack(b.msgs[i]);
	mq_batch_free(&b);

	CU_ASSERT_EQUAL_FATAL(pthread_create(&later, NULL, publish_later, subj), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(mq_fetch(p, 64, WAIT_MS, &b), TK_OK);
	CU_ASSERT(ms_since(&t0) < WAIT_MS / 2);
	CU_ASSERT_EQUAL(b.count, 1);
	for (i = 0; i < b.count; i++)
		mq_ack(b.msgs[i]);
	mq_batch_free(&b);
	pthread_join(later, NULL);
	mq_pull_close(p);
	CU_ASSERT_EQUAL(mq_delete_consumer(mq, stream, cc.durable), TK_OK);
}

static void
test_no_server(void)
{
	struct mq *down = NULL;

	/* Port 1 on loopback: nothing listens. The connection keeps trying
	 * in the background; publishing fails with TK_EIO, not a hang. */
	CU_ASSERT_EQUAL_FATAL(mq_connect("nats://127.0.0.1:1", NULL, NULL, "tktest-down", &down),
			      TK_OK);
	CU_ASSERT_EQUAL(mq_connected(down), 0);
	CU_ASSERT_EQUAL(mq_publish(down, subject, "id-x", "x", 1, 300, NULL), TK_EIO);
	mq_close(down);
	mq_close(NULL);
}

int
main(void)
{
	const char *run = getenv("TK_TEST_RUN_DIR");
	char conf[4096];
	CU_pSuite s;
	int failures;

	if (run == NULL || *run == '\0') {
		printf("TK_TEST_RUN_DIR is not set: no NATS to test against (skipped)\n");
		return 77;
	}
	snprintf(conf, sizeof(conf), "%s/conf/admin.conf", run);
	if (config_load(conf, NULL, 0, CONFIG_OTHER_KEYS) != TK_OK ||
	    *config_str("nats_url") == '\0') {
		printf("no nats_url in %s\n", conf);
		return 99;
	}
	snprintf(stream, sizeof(stream), "TKTEST%ld", (long)getpid());
	snprintf(subject, sizeof(subject), "tktest%ld.thing.done", (long)getpid());
	snprintf(filter, sizeof(filter), "tktest%ld.>", (long)getpid());
	if (mq_connect_configured("test_mq", &mq) != TK_OK)
		return 99;
	mq_wait_connected(mq, 5000);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("mq", NULL, NULL);
	CU_add_test(s, "streams are ensured idempotently", test_stream_idempotent);
	CU_add_test(s, "publish de-duplicates by Nats-Msg-Id", test_publish_dedup);
	CU_add_test(s, "fetch, nak, nak with delay, term, ack", test_consume);
	CU_add_test(s, "a full discard-new stream refuses, purge makes room", test_full_stream);
	CU_add_test(s, "a batch is published as its messages would be", test_publish_batch);
	CU_add_test(s, "a fetch takes what is ready, waits only for one", test_fetch_ready);
	CU_add_test(s, "no server: publish fails, no hang", test_no_server);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	mq_close(mq);
	return failures != 0;
}
