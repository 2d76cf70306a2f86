/*
 * Unit tests for lib/event.c: the envelope decoder (every rule of event.h,
 * each with its reason; members it does not know ignored; the schema
 * version) and the canonical encoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"

#include "err.h"
#include "event.h"
#include "uuid.h"

#define ID "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define WHEN "2026-11-26T02:00:00.123Z"

/* An envelope with the members given as JSON text fragments. */
static char *
env(const char *event_id, const char *type, const char *agg, const char *agg_id,
    const char *version, const char *when, const char *data)
{
	char *s = NULL;

	if (asprintf(&s,
		     "{\"event_id\":%s,\"type\":%s,\"aggregate_type\":%s,\"aggregate_id\":%s,"
		     "\"aggregate_version\":%s,\"occurred_at\":%s,\"data\":%s}",
		     event_id, type, agg, agg_id, version, when, data) < 0)
		abort();
	return s;
}

/* decode text; returns the code and leaves the reason in *why. */
static int
decode(const char *text, const char **why)
{
	struct envelope ev;
	int rc;

	rc = event_decode(text, strlen(text), &ev, why);
	event_free(&ev);
	return rc;
}

static void
test_decode_good(void)
{
	char *t = env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u-1\"", "7", "\"" WHEN "\"",
		      "{\"name\":\"Alice\",\"version\":7}");
	struct envelope ev;
	const char *why = "x";

	CU_ASSERT_EQUAL_FATAL(event_decode(t, strlen(t), &ev, &why), TK_OK);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_STRING_EQUAL(ev.event_id, ID);
	CU_ASSERT_STRING_EQUAL(ev.type, "user.created");
	CU_ASSERT_STRING_EQUAL(ev.aggregate_type, "user");
	CU_ASSERT_STRING_EQUAL(ev.aggregate_id, "u-1");
	CU_ASSERT_EQUAL(ev.version, 7);
	CU_ASSERT_STRING_EQUAL(ev.occurred_at, WHEN);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev.data, "name")), "Alice");
	event_free(&ev);
	CU_ASSERT_PTR_NULL(ev.root);
	event_free(&ev);
	event_free(NULL);
	free(t);
}

static void
expect_reject(char *t, const char *reason)
{
	const char *why = NULL;

	CU_ASSERT_EQUAL(decode(t, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	if (strcmp(why, reason) != 0)
		fprintf(stderr, "\n  %s: got \"%s\"\n", t, why);
	CU_ASSERT_STRING_EQUAL(why, reason);
	free(t);
}

static void
test_decode_bad(void)
{
	const char *why;
	static const char missing[] = "{\"event_id\":\"" ID "\",\"type\":\"user.created\","
				      "\"aggregate_type\":\"user\",\"aggregate_id\":\"u\","
				      "\"aggregate_version\":1,\"occurred_at\":\"" WHEN "\"}";
	static const char dup[] = "{\"event_id\":\"" ID "\",\"event_id\":\"" ID "\"}";

	CU_ASSERT_EQUAL(decode("", &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "envelope is not valid JSON");
	CU_ASSERT_EQUAL(decode("{\"a\":1} x", &why), TK_EINVAL);
	CU_ASSERT_EQUAL(decode("[]", &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "envelope is not a JSON object");
	CU_ASSERT_EQUAL(decode(missing, &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "envelope lacks a member");
	CU_ASSERT_EQUAL(decode(dup, &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "envelope is not valid JSON");

	expect_reject(env("\"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B\"", "\"user.created\"",
			  "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
		      "event_id is not a UUID");
	expect_reject(env("1", "\"user.created\"", "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
		      "event_id is not a UUID");
	expect_reject(env("\"" ID "\"", "\"user\"", "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
		      "type is not <aggregate>.<verb>");
	expect_reject(
	    env("\"" ID "\"", "\"user.created.x\"", "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
	    "type is not <aggregate>.<verb>");
	expect_reject(
	    env("\"" ID "\"", "\"User.created\"", "\"User\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
	    "type is not <aggregate>.<verb>");
	expect_reject(env("\"" ID "\"", "\".created\"", "\"\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
		      "type is not <aggregate>.<verb>");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"order\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
	    "aggregate_type does not match type");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"use\"", "\"u\"", "1", "\"" WHEN "\"", "{}"),
	    "aggregate_type does not match type");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"\"", "1", "\"" WHEN "\"", "{}"),
	    "aggregate_id is not 1 to 64 printable characters");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"a b\"", "1", "\"" WHEN "\"", "{}"),
	    "aggregate_id is not 1 to 64 printable characters");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "0", "\"" WHEN "\"", "{}"),
	    "aggregate_version is not an integer >= 1");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1.5", "\"" WHEN "\"", "{}"),
	    "aggregate_version is not an integer >= 1");
	expect_reject(env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "\"1\"",
			  "\"" WHEN "\"", "{}"),
		      "aggregate_version is not an integer >= 1");
	expect_reject(env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1",
			  "\"2026-11-26T02:00:00Z\"", "{}"),
		      "occurred_at is not YYYY-MM-DDTHH:MM:SS.mmmZ");
	expect_reject(env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1",
			  "\"2026-13-26T02:00:00.000Z\"", "{}"),
		      "occurred_at is not YYYY-MM-DDTHH:MM:SS.mmmZ");
	expect_reject(env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1",
			  "\"2026-11-26T24:00:00.000Z\"", "{}"),
		      "occurred_at is not YYYY-MM-DDTHH:MM:SS.mmmZ");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "null"),
	    "data is not an object");
	expect_reject(
	    env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "[1]"),
	    "data is not an object");
}

/* with_schema: the good envelope with schema_version (JSON text) and one
 * member a later version might add. */
static char *
with_schema(const char *schema)
{
	char *s = NULL;

	if (asprintf(&s,
		     "{\"event_id\":\"" ID "\",\"type\":\"user.created\","
		     "\"aggregate_type\":\"user\",\"aggregate_id\":\"u\",\"aggregate_version\":1,"
		     "\"occurred_at\":\"" WHEN "\",\"data\":{\"later\":[1]},\"trace\":\"x\","
		     "\"schema_version\":%s}",
		     schema) < 0)
		abort();
	return s;
}

static void
test_decode_versions(void)
{
	struct envelope ev;
	const char *why;
	char *t;

	/* Members a later version adds are ignored; the version is read. */
	t = with_schema("7");
	CU_ASSERT_EQUAL_FATAL(event_decode(t, strlen(t), &ev, &why), TK_OK);
	CU_ASSERT_EQUAL(ev.schema_version, 7);
	CU_ASSERT_STRING_EQUAL(ev.aggregate_id, "u");
	event_free(&ev);
	free(t);
	/* Without it: written before it existed, version 1. */
	t = env("\"" ID "\"", "\"user.created\"", "\"user\"", "\"u\"", "1", "\"" WHEN "\"", "{}");
	CU_ASSERT_EQUAL_FATAL(event_decode(t, strlen(t), &ev, &why), TK_OK);
	CU_ASSERT_EQUAL(ev.schema_version, 1);
	event_free(&ev);
	free(t);
	expect_reject(with_schema("0"), "schema_version is not an integer >= 1");
	expect_reject(with_schema("\"1\""), "schema_version is not an integer >= 1");
	expect_reject(with_schema("1.5"), "schema_version is not an integer >= 1");
	expect_reject(with_schema("null"), "schema_version is not an integer >= 1");
}

static void
test_encode_roundtrip(void)
{
	json_t *data = json_pack("{s:s, s:I}", "name", "Zoë", "version", (json_int_t)3);
	char id[UUID_STR_LEN + 1], when[EVENT_TIME_LEN + 1], subject[64];
	struct envelope ev;
	const char *why;
	char *t, *t2;

	uuid_v7(id);
	event_now(when);
	CU_ASSERT_EQUAL(strlen(when), EVENT_TIME_LEN);
	t = event_encode(id, "user.updated", "u-9", 3, when, data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(event_decode(t, strlen(t), &ev, &why), TK_OK);
	CU_ASSERT_STRING_EQUAL(ev.event_id, id);
	CU_ASSERT_STRING_EQUAL(ev.aggregate_type, "user");
	CU_ASSERT_EQUAL(ev.version, 3);
	CU_ASSERT_EQUAL(ev.schema_version, EVENT_SCHEMA_VERSION);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, ",\"schema_version\":1,"));
	CU_ASSERT_STRING_EQUAL(ev.occurred_at, when);
	CU_ASSERT_TRUE(json_equal(ev.data, data));
	t2 = event_encode(ev.event_id, ev.type, ev.aggregate_id, ev.version, ev.occurred_at,
			  ev.data);
	CU_ASSERT_STRING_EQUAL(t, t2);
	event_free(&ev);
	free(t);
	free(t2);

	CU_ASSERT_PTR_NULL(event_encode("x", "user.updated", "u", 1, when, data));
	CU_ASSERT_PTR_NULL(event_encode(id, "user", "u", 1, when, data));
	CU_ASSERT_PTR_NULL(event_encode(id, "user.updated", "", 1, when, data));
	CU_ASSERT_PTR_NULL(event_encode(id, "user.updated", "u", 0, when, data));
	CU_ASSERT_PTR_NULL(event_encode(id, "user.updated", "u", 1, "yesterday", data));
	CU_ASSERT_PTR_NULL(event_encode(id, "user.updated", "u", 1, when, json_null()));

	CU_ASSERT_EQUAL(event_subject("session.revoked", subject, sizeof(subject)), TK_OK);
	CU_ASSERT_STRING_EQUAL(subject, "ticketing.session.revoked");
	CU_ASSERT_EQUAL(event_subject("session.revoked", subject, 10), TK_EINVAL);
	CU_ASSERT_EQUAL(event_subject("session", subject, sizeof(subject)), TK_EINVAL);
	CU_ASSERT_TRUE(event_type_valid("order_line.price_changed"));
	CU_ASSERT_FALSE(event_type_valid("order-line.created"));
	CU_ASSERT_FALSE(event_type_valid("a.b."));
	json_decref(data);
}

static void
test_too_big(void)
{
	size_t n = EVENT_MAX_BYTES + 1;
	char *big = malloc(n);
	struct envelope ev;
	const char *why;

	memset(big, ' ', n);
	CU_ASSERT_EQUAL(event_decode(big, n, &ev, &why), TK_ETOOBIG);
	CU_ASSERT_PTR_NOT_NULL(why);
	free(big);
}

static void
test_time_ms(void)
{
	int64_t ms = -1;

	CU_ASSERT_EQUAL(event_time_ms("1970-01-01T00:00:00.000Z", &ms), TK_OK);
	CU_ASSERT_EQUAL(ms, 0);
	/* date -u -d 2026-11-29T22:38:32Z +%s */
	CU_ASSERT_EQUAL(event_time_ms("2026-11-29T22:38:32.123Z", &ms), TK_OK);
	CU_ASSERT_EQUAL(ms, INT64_C(1795991912123));
	CU_ASSERT_EQUAL(event_time_ms("2028-02-29T23:59:59.999Z", &ms), TK_OK);
	CU_ASSERT_EQUAL(ms, INT64_C(1835481599999));
	ms = 7;
	CU_ASSERT_EQUAL(event_time_ms("2026-02-29T00:00:00.000Z", &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(event_time_ms("2026-04-31T00:00:00.000Z", &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(event_time_ms("2026-01-01T00:00:60.000Z", &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(event_time_ms("2026-01-01T00:00:00.000", &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(event_time_ms("2026-01-01 00:00:00.000Z", &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(event_time_ms("2026-01-01T00:00:00Z", &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(event_time_ms(NULL, &ms), TK_EINVAL);
	CU_ASSERT_EQUAL(ms, 7);
}

static const struct cu_test event_tests[] = {
    {"decode a good envelope", test_decode_good},
    {"reject each bad field", test_decode_bad},
    {"schema versions, members of later versions", test_decode_versions},
    {"encode and round trip", test_encode_roundtrip},
    {"reject oversized input", test_too_big},
    /* the envelope's time format, also used in data (expires_at) */
    {"times as milliseconds", test_time_ms},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"event", NULL, NULL, event_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
