/*
 * Unit tests for workers/replicator/payment.c: the reader of payment.*
 * accepts the payload docs/PAYMENTS.md defines for each type and refuses
 * each broken rule of payment.h with its own reason.
 */
#include <stdlib.h>
#include <string.h>

#include "cu.h"

#include "err.h"
#include "event.h"
#include "payment.h"

#define ID "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define ORDER "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50"
#define BUYER "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a51"
#define EVENT_ID "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a99"
#define WHEN "2026-11-30T01:00:00.000Z"

/* good: the data of a payment at version 2 of payment ID in state. */
static json_t *
good(const char *state)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", ID,
			      "order_id", ORDER, "buyer_id", BUYER, "amount", (json_int_t)5000,
			      "currency", "EUR", "provider", "sandbox", "provider_session_id",
			      "cs_0123456789abcdef", "charge_id", "ch_0123456789abcdef", "state",
			      state, "failure_code", "", "version", (json_int_t)2);

	if (d == NULL)
		abort();
	return d;
}

/* decode: data (taken) as the data of an envelope of type at version 2 of
 * ID, through event_decode and payment_decode. */
static int
decode(const char *type, json_t *data, struct envelope *ev, struct payment_event *pe,
       const char **why)
{
	char *text = event_encode(EVENT_ID, type, ID, 2, WHEN, data);
	const char *ewhy;
	int rc;

	json_decref(data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	rc = event_decode(text, strlen(text), ev, &ewhy);
	free(text);
	CU_ASSERT_EQUAL_FATAL(rc, TK_OK);
	return payment_decode(ev, pe, why);
}

/* Each type with a state its data may carry. */
static const struct {
	const char *type, *state;
	enum payment_type t;
} types[] = {
    {"payment.authorized", "authorized", PAYMENT_AUTHORIZED},
    {"payment.settled", "captured", PAYMENT_SETTLED},
    {"payment.voided", "voided", PAYMENT_VOIDED},
    {"payment.failed", "failed", PAYMENT_FAILED},
    {"payment.failed", "voided", PAYMENT_FAILED},
    {"payment.refunded", "refunded", PAYMENT_REFUNDED},
};

static void
test_good(void)
{
	struct envelope ev;
	struct payment_event pe;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		why = "x";
		CU_ASSERT_EQUAL_FATAL(decode(types[i].type, good(types[i].state), &ev, &pe, &why),
				      TK_OK);
		CU_ASSERT_PTR_NULL(why);
		CU_ASSERT_EQUAL(pe.type, types[i].t);
		CU_ASSERT_STRING_EQUAL(pe.id, ID);
		CU_ASSERT_STRING_EQUAL(pe.order_id, ORDER);
		CU_ASSERT_STRING_EQUAL(pe.buyer_id, BUYER);
		CU_ASSERT_EQUAL(pe.amount, 5000);
		CU_ASSERT_STRING_EQUAL(pe.currency, "EUR");
		CU_ASSERT_STRING_EQUAL(pe.provider, "sandbox");
		CU_ASSERT_STRING_EQUAL(pe.provider_session_id, "cs_0123456789abcdef");
		CU_ASSERT_STRING_EQUAL(pe.charge_id, "ch_0123456789abcdef");
		CU_ASSERT_STRING_EQUAL(pe.state, types[i].state);
		CU_ASSERT_STRING_EQUAL(pe.failure_code, "");
		CU_ASSERT_EQUAL(pe.version, 2);
		event_free(&ev);
	}
}

/* One change of the good data of a payment.authorized: member key set to
 * the JSON text value (NULL: removed), and the reason payment_decode must
 * give (NULL: none, the change is accepted). */
static const struct {
	const char *key, *value, *why;
} cases[] = {
    {"extra", "1", NULL}, /* a later writer's member: ignored */
    {"charge_id", NULL, "payment data lacks a member"},
    {"id", "\"pay-1\"", "id is not a UUID"},
    {"id", "\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c\"", "id is not the envelope's aggregate_id"},
    {"order_id", "\"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A50\"", "order_id is not a UUID"},
    {"buyer_id", "7", "buyer_id is not a UUID"},
    {"amount", "0", "amount is not a whole number from 1 to 1000000000"},
    {"amount", "1000000001", "amount is not a whole number from 1 to 1000000000"},
    {"amount", "\"50.00\"", "amount is not a whole number from 1 to 1000000000"},
    {"amount", "1000000000", NULL},
    {"currency", "\"EURO\"", "currency is not a currency code"},
    {"currency", "\"eur\"", "currency is not a currency code"},
    {"currency", "\"\"", "currency is not a currency code"},
    {"currency", "\"USD\"", NULL},
    {"provider", "\"\"", "provider is not text of 1 to 64 characters"},
    {"provider_session_id", "\"cs\\u0001\"",
     "provider_session_id is not text of 1 to 64 characters"},
    {"charge_id", "\"\"", "charge_id is not text of 1 to 64 characters"},
    {"charge_id", "\"ch_01234567890123456789012345678901234567890123456789012345678901\"",
     "charge_id is not text of 1 to 64 characters"},
    {"failure_code", "null", "failure_code is not text of at most 64 characters"},
    {"failure_code", "\"card_declined\"", NULL},
    {"state", "\"captured\"", "state is not the one of the event's type"},
    {"state", "\"\"", "state is not a payment state"},
    {"version", "3", "version is not the envelope's aggregate_version"},
    {"version", "0", "version is not a whole number from 1"},
};

static void
test_each_rule(void)
{
	struct envelope ev;
	struct payment_event pe;
	const char *why;
	json_t *d, *v;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = good("authorized");
		if (cases[i].value == NULL) {
			json_object_del(d, cases[i].key);
		} else {
			v = json_loads(cases[i].value, JSON_DECODE_ANY, NULL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(v);
			json_object_set_new(d, cases[i].key, v);
		}
		why = "x";
		rc = decode("payment.authorized", d, &ev, &pe, &why);
		if (cases[i].why == NULL) {
			CU_ASSERT_EQUAL(rc, TK_OK);
			CU_ASSERT_PTR_NULL(why);
		} else {
			CU_ASSERT_EQUAL(rc, TK_EINVAL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(why);
			CU_ASSERT_STRING_EQUAL(why, cases[i].why);
			CU_ASSERT_PTR_NULL(pe.id);
		}
		event_free(&ev);
	}
}

/* A type outside the five, and a state of another type. */
static void
test_other_type(void)
{
	struct envelope ev;
	struct payment_event pe;
	const char *why = NULL;

	CU_ASSERT_EQUAL(decode("payment.created", good("authorized"), &ev, &pe, &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "not a known payment event");
	event_free(&ev);
	CU_ASSERT_EQUAL(decode("payment.settled", good("authorized"), &ev, &pe, &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "state is not the one of the event's type");
	event_free(&ev);
	CU_ASSERT_EQUAL(decode("payment.refunded", good("voided"), &ev, &pe, &why), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "state is not the one of the event's type");
	event_free(&ev);
}

static const struct cu_test payment_tests[] = {
    {"accept every type", test_good},
    {"refuse each broken rule", test_each_rule},
    {"refuse another type or state", test_other_type},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"payment", NULL, NULL, payment_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
