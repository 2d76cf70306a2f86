/*
 * Unit tests for the pure parts of the worker shell (lib/worker.c) and the
 * backbone registry (lib/backbone.c): the backoff policy, the verdict of
 * each error code, and the registry's derived answers.
 */
#include <string.h>

#include "cu.h"

#include "backbone.h"
#include "err.h"
#include "worker.h"

static void
test_backoff_delay(void)
{
	static const struct {
		unsigned attempt;
		long want;
	} cases[] = {
	    {0, 100}, {1, 200}, {2, 400}, {3, 800}, {4, 1600}, {5, 2000}, {6, 2000}, {1000, 2000},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(worker_backoff_delay(100, 2000, cases[i].attempt), cases[i].want);
	/* A cap that is not a power-of-two multiple is still the cap. */
	CU_ASSERT_EQUAL(worker_backoff_delay(250, 5000, 4), 4000);
	CU_ASSERT_EQUAL(worker_backoff_delay(250, 5000, 5), 5000);
}

static void
test_backoff_sequence(void)
{
	struct worker_backoff b = {0};
	long want[] = {WORKER_BACKOFF_MIN_MS, 2 * WORKER_BACKOFF_MIN_MS, 4 * WORKER_BACKOFF_MIN_MS};
	size_t i;

	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(worker_backoff_next(&b), want[i]);
	for (i = 0; i < 100; i++)
		worker_backoff_next(&b);
	CU_ASSERT_EQUAL(worker_backoff_next(&b), WORKER_BACKOFF_MAX_MS);
	CU_ASSERT(b.attempt < 64); /* it stops counting at the cap */
	worker_backoff_reset(&b);
	CU_ASSERT_EQUAL(worker_backoff_next(&b), WORKER_BACKOFF_MIN_MS);
}

static void
test_verdicts(void)
{
	struct worker_verdict v;

	v = worker_verdict_of(TK_OK, 1);
	CU_ASSERT_EQUAL(v.answer, WORKER_ACK);

	/* Transient: retried with a delay growing with the deliveries. */
	v = worker_verdict_of(TK_EDBDOWN, 1);
	CU_ASSERT_EQUAL(v.answer, WORKER_RETRY);
	CU_ASSERT_EQUAL(v.delay_ms, WORKER_RETRY_MIN_MS);
	v = worker_verdict_of(TK_ERETRY, 3);
	CU_ASSERT_EQUAL(v.answer, WORKER_RETRY);
	CU_ASSERT_EQUAL(v.delay_ms, 4 * WORKER_RETRY_MIN_MS);
	v = worker_verdict_of(TK_EDBDOWN, 1000000);
	CU_ASSERT_EQUAL(v.answer, WORKER_RETRY);
	CU_ASSERT_EQUAL(v.delay_ms, WORKER_RETRY_MAX_MS);
	v = worker_verdict_of(TK_EDBDOWN, 0); /* delivery count unknown */
	CU_ASSERT_EQUAL(v.delay_ms, WORKER_RETRY_MIN_MS);

	/* Permanent: a dead letter with its reason. */
	v = worker_verdict_of(TK_EINVAL, 1);
	CU_ASSERT_EQUAL(v.answer, WORKER_DEAD);
	CU_ASSERT_STRING_EQUAL(v.reason, "apply refused the event data");
	v = worker_verdict_of(TK_EDB, 1);
	CU_ASSERT_EQUAL(v.answer, WORKER_DEAD);
	CU_ASSERT_STRING_EQUAL(v.reason, err_str(TK_EDB));
	/* An apply's own unique key is not "processed already". */
	v = worker_verdict_of(TK_EEXIST, 1);
	CU_ASSERT_EQUAL(v.answer, WORKER_DEAD);
	CU_ASSERT_STRING_EQUAL(v.reason, err_str(TK_EEXIST));
}

static void
test_filter_like(void)
{
	char out[64];

	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.user.*", out, sizeof(out)), TK_OK);
	CU_ASSERT_STRING_EQUAL(out, "ticketing.user.%");
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.>", out, sizeof(out)), TK_OK);
	CU_ASSERT_STRING_EQUAL(out, "ticketing.%");
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.session.revoked", out, sizeof(out)), TK_OK);
	CU_ASSERT_STRING_EQUAL(out, "ticketing.session.revoked");
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.*.created", out, sizeof(out)), TK_EINVAL);
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.user*", out, sizeof(out)), TK_EINVAL);
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.account_token.*", out, sizeof(out)), TK_OK);
	CU_ASSERT_STRING_EQUAL(out, "ticketing.account\\_token.%");
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.us%er.*", out, sizeof(out)), TK_EINVAL);
	CU_ASSERT_EQUAL(backbone_filter_like("ticketing.user.*", out, 16), TK_EINVAL);
}

static void
test_registry(void)
{
	const char *names[8];
	size_t i, n;

	/* Every consumer's filter has a LIKE form, and lies inside the stream. */
	for (i = 0; i < backbone_nconsumers; i++) {
		char like[128];

		CU_ASSERT_EQUAL(
		    backbone_filter_like(backbone_consumers[i].filter, like, sizeof(like)), TK_OK);
		CU_ASSERT_EQUAL(strncmp(backbone_consumers[i].filter, "ticketing.", 10), 0);
		CU_ASSERT_PTR_EQUAL(backbone_consumer_find(backbone_consumers[i].durable),
				    &backbone_consumers[i]);
	}
	CU_ASSERT_PTR_NULL(backbone_consumer_find("no-such-consumer"));

	n = backbone_common_tables("auth", names, 8);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_STRING_EQUAL(names[0], "outbox");
	CU_ASSERT_STRING_EQUAL(names[1], "idempotency_keys");
	CU_ASSERT_STRING_EQUAL(names[2], "worker_beats");
	n = backbone_common_tables("events", names, 8);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	CU_ASSERT_STRING_EQUAL(names[0], "outbox");
	CU_ASSERT_STRING_EQUAL(names[1], "idempotency_keys");
	CU_ASSERT_STRING_EQUAL(names[2], "processed_events");
	CU_ASSERT_STRING_EQUAL(names[3], "dead_letters");
	CU_ASSERT_STRING_EQUAL(names[4], "applied_versions");
	CU_ASSERT_STRING_EQUAL(names[5], "consumer_state");
	CU_ASSERT_STRING_EQUAL(names[6], "worker_beats");
	CU_ASSERT_STRING_EQUAL(names[7], "session_revocations");
	CU_ASSERT_EQUAL(backbone_common_tables("nobody", names, 8), 0);
	CU_ASSERT_EQUAL(backbone_common_tables("events", names, 2), 2);
}

static const struct cu_test worker_tests[] = {
    {"backoff delay", test_backoff_delay},
    {"backoff sequence", test_backoff_sequence},
    {"verdicts of error codes", test_verdicts},
    {NULL, NULL},
};

static const struct cu_test registry_tests[] = {
    {"filter to LIKE", test_filter_like},
    {"registry", test_registry},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"worker shell", NULL, NULL, worker_tests},
    {"backbone registry", NULL, NULL, registry_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
