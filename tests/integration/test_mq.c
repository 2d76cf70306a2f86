/*
 * Tests of lib/mq.c against the stack's live nats-server: idempotent
 * stream and consumer set-up, publish de-duplication by Nats-Msg-Id,
 * fetch, ack, nak (at once and with a delay), term, consumer state, and a
 * connection to a server that is not there. It needs TK_TEST_RUN_DIR (set
 * by scripts/dev test) to read nats_url from conf/auth.conf; without it the
 * program skips (exit 77). It works on a stream of its own, TKTEST<pid>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "config.h"
#include "err.h"
#include "mq.h"

static struct mq *mq;
static char stream[64], subject[64], filter[64];

static void
wait_connected(struct mq *m)
{
	struct timespec ts = {0, 50 * 1000000L};
	int i;

	for (i = 0; i < 100 && !mq_connected(m); i++)
		nanosleep(&ts, NULL);
}

static void
test_stream_idempotent(void)
{
	struct mq_stream_conf sc = {stream, filter, 3600, -1, 60};
	uint64_t msgs = 99;

	CU_ASSERT_EQUAL(mq_ensure_stream(mq, &sc), TK_OK);
	CU_ASSERT_EQUAL(mq_ensure_stream(mq, &sc), TK_OK);
	sc.duplicates_s = 120; /* changed settings: updated in place */
	CU_ASSERT_EQUAL(mq_ensure_stream(mq, &sc), TK_OK);
	CU_ASSERT_EQUAL(mq_stream_msgs(mq, stream, &msgs), TK_OK);
	CU_ASSERT_EQUAL(msgs, 0);
	CU_ASSERT_EQUAL(mq_stream_msgs(mq, "TKTEST_NO_SUCH_STREAM", &msgs), TK_ENOTFOUND);
}

static void
test_publish_dedup(void)
{
	uint64_t msgs = 0;
	int dup = -1;

	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-1", "one", 3, 2000, &dup), TK_OK);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-1", "one", 3, 2000, &dup), TK_OK);
	CU_ASSERT_EQUAL(dup, 1);
	CU_ASSERT_EQUAL(mq_stream_msgs(mq, stream, &msgs), TK_OK);
	CU_ASSERT_EQUAL(msgs, 1);
}

static void
test_consume(void)
{
	struct mq_consumer_conf cc = {stream, "tktest-consumer", filter, 5000, 10, 100};
	struct mq_pull *p = NULL;
	struct mq_batch b;
	uint64_t pending = 9, unacked = 9;
	const char *data;
	size_t len;

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
	CU_ASSERT_EQUAL(mq_msg_delivered(b.msgs[0]), 2);
	CU_ASSERT_EQUAL(mq_nak(b.msgs[0], 400), TK_OK);
	mq_batch_free(&b);
	/* Held back for 400 ms. */
	CU_ASSERT_EQUAL(mq_fetch(p, 10, 100, &b), TK_ENOTFOUND);
	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
	CU_ASSERT_EQUAL(mq_msg_delivered(b.msgs[0]), 3);
	CU_ASSERT_EQUAL(mq_term(b.msgs[0]), TK_OK);
	mq_batch_free(&b);
	CU_ASSERT_EQUAL(mq_fetch(p, 10, 300, &b), TK_ENOTFOUND);

	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-2", "two", 3, 2000, NULL), TK_OK);
	CU_ASSERT_EQUAL(mq_publish(mq, subject, "id-3", "three", 5, 2000, NULL), TK_OK);
	CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
	if (b.count == 1) { /* the second may come in a later pull */
		CU_ASSERT_EQUAL(mq_ack(b.msgs[0]), TK_OK);
		mq_batch_free(&b);
		CU_ASSERT_EQUAL_FATAL(mq_fetch(p, 10, 2000, &b), TK_OK);
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
	/* Acks are asynchronous: give the server a moment. */
	usleep(200000);
	CU_ASSERT_EQUAL(mq_consumer_state(mq, stream, cc.durable, &pending, &unacked), TK_OK);
	CU_ASSERT_EQUAL(pending, 0);
	CU_ASSERT_EQUAL(unacked, 0);
	mq_pull_close(p);
	mq_pull_close(NULL);

	CU_ASSERT_EQUAL(mq_delete_consumer(mq, stream, cc.durable), TK_OK);
	CU_ASSERT_EQUAL(mq_consumer_state(mq, stream, cc.durable, &pending, &unacked),
			TK_ENOTFOUND);
	CU_ASSERT_EQUAL(mq_delete_consumer(mq, stream, cc.durable), TK_ENOTFOUND);
}

static void
test_no_server(void)
{
	struct mq *down = NULL;

	/* Port 1 on loopback: nothing listens. The connection keeps trying
	 * in the background; publishing fails with TK_EIO, not a hang. */
	CU_ASSERT_EQUAL_FATAL(mq_connect("nats://127.0.0.1:1", "tktest-down", &down), TK_OK);
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
	snprintf(conf, sizeof(conf), "%s/conf/auth.conf", run);
	if (config_load(conf, NULL, 0, CONFIG_OTHER_KEYS) != TK_OK || *config_str("nats_url") == '\0') {
		printf("no nats_url in %s\n", conf);
		return 99;
	}
	snprintf(stream, sizeof(stream), "TKTEST%ld", (long)getpid());
	snprintf(subject, sizeof(subject), "tktest%ld.thing.done", (long)getpid());
	snprintf(filter, sizeof(filter), "tktest%ld.>", (long)getpid());
	if (mq_connect(config_str("nats_url"), "test_mq", &mq) != TK_OK)
		return 99;
	wait_connected(mq);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("mq", NULL, NULL);
	CU_add_test(s, "streams are ensured idempotently", test_stream_idempotent);
	CU_add_test(s, "publish de-duplicates by Nats-Msg-Id", test_publish_dedup);
	CU_add_test(s, "fetch, nak, nak with delay, term, ack", test_consume);
	CU_add_test(s, "no server: publish fails, no hang", test_no_server);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	mq_close(mq);
	return failures != 0;
}
