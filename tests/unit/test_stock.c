/*
 * Unit tests for workers/replicator/stock.c: the reader of stock.changed
 * accepts the payload the orders service writes (fcgi/orders/ledger.c) and
 * refuses each broken rule of stock.h with its own reason.
 */
#include <stdlib.h>
#include <string.h>

#include "cu.h"

#include "err.h"
#include "event.h"
#include "stock.h"

#define ID "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define EVENT "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50"
#define SELLER "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a51"
#define EVENT_ID "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a99"
#define WHEN "2026-11-30T01:00:00.000Z"

/* good: the data of a stock.changed at version 3 of listing ID: 5 units,
 * 2 reserved, 1 sold, 2 available. */
static json_t *
good(void)
{
	json_t *d = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I,"
	    " s:I, s:I, s:I}",
	    "id", ID, "event_id", EVENT, "seller_id", SELLER, "section", "Stalls", "row", "A",
	    "seat", "", "price", (json_int_t)2550, "currency", "EUR", "state", "active",
	    "ticket_version", (json_int_t)2, "offered", (json_int_t)5, "quantity", (json_int_t)5,
	    "reserved", (json_int_t)2, "sold", (json_int_t)1, "available", (json_int_t)2,
	    "sold_amount", (json_int_t)2550, "version", (json_int_t)3);

	if (d == NULL)
		abort();
	return d;
}

/* decode: data (taken) as the data of an envelope of type at version 3 of
 * ID, through event_decode and stock_decode; the code, the reason in
 * *why, the change in *sc and the envelope in *ev (event_free it). */
static int
decode(const char *type, json_t *data, struct envelope *ev, struct stock_change *sc,
       const char **why)
{
	char *text = event_encode(EVENT_ID, type, ID, 3, WHEN, data);
	const char *ewhy;
	int rc;

	json_decref(data);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	rc = event_decode(text, strlen(text), ev, &ewhy);
	free(text);
	CU_ASSERT_EQUAL_FATAL(rc, TK_OK);
	return stock_decode(ev, sc, why);
}

static void
test_good(void)
{
	struct envelope ev;
	struct stock_change sc;
	const char *why = "x";

	CU_ASSERT_EQUAL_FATAL(decode(STOCK_CHANGED, good(), &ev, &sc, &why), TK_OK);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_STRING_EQUAL(sc.id, ID);
	CU_ASSERT_STRING_EQUAL(sc.event_id, EVENT);
	CU_ASSERT_STRING_EQUAL(sc.seller_id, SELLER);
	CU_ASSERT_STRING_EQUAL(sc.section, "Stalls");
	CU_ASSERT_STRING_EQUAL(sc.row, "A");
	CU_ASSERT_STRING_EQUAL(sc.seat, "");
	CU_ASSERT_STRING_EQUAL(sc.currency, "EUR");
	CU_ASSERT_STRING_EQUAL(sc.state, "active");
	CU_ASSERT_EQUAL(sc.price, 2550);
	CU_ASSERT_EQUAL(sc.ticket_version, 2);
	CU_ASSERT_EQUAL(sc.offered, 5);
	CU_ASSERT_EQUAL(sc.quantity, 5);
	CU_ASSERT_EQUAL(sc.reserved, 2);
	CU_ASSERT_EQUAL(sc.sold, 1);
	CU_ASSERT_EQUAL(sc.available, 2);
	CU_ASSERT_EQUAL(sc.sold_amount, 2550);
	CU_ASSERT_EQUAL(sc.version, 3);
	event_free(&ev);
}

/* One change of the good data: member key set to the JSON text value
 * (NULL: removed), and the reason stock_decode must give (NULL: none,
 * the change is accepted). */
static const struct {
	const char *key, *value, *why;
} cases[] = {
    {"extra", "1", NULL}, /* a later writer's member: ignored */
    {"sold", NULL, "stock.changed data lacks a member"},
    {"id", "\"listing-1\"", "id is not a UUID"},
    {"id", "\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c\"", "id is not the envelope's aggregate_id"},
    {"event_id", "\"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A50\"", "event_id is not a UUID"},
    {"seller_id", "7", "seller_id is not a UUID"},
    {"section", "\"A\\u0007\"", "section is not text of at most 100 characters"},
    {"row", "null", "row is not text of at most 100 characters"},
    {"seat", "[]", "seat is not text of at most 100 characters"},
    {"currency", "\"USD\"", "currency is not the deployment's"},
    {"currency", "\"EURO\"", "currency is not a currency code"},
    {"state", "\"sold\"", "state is not a listing state"},
    {"state", "\"withdrawn\"", "available is not quantity - reserved - sold (0 unless active)"},
    {"price", "0", "price is not a whole number above 0"},
    {"price", "\"25.50\"", "price is not a whole number above 0"},
    {"price", "25.5", "price is not a whole number above 0"},
    {"ticket_version", "0", "ticket_version is not a whole number from 1"},
    {"offered", "65536", "offered is not a whole number from 0 to 65535"},
    {"offered", "65535", NULL},
    {"quantity", "-1", "quantity is not a count of units"},
    {"reserved", "4294967296", "reserved is not a count of units"},
    {"sold", "true", "sold is not a count of units"},
    {"available", "1", "available is not quantity - reserved - sold (0 unless active)"},
    {"sold_amount", "-1", "sold_amount is not a whole number from 0"},
    {"version", "4", "version is not the envelope's aggregate_version"},
    {"version", "0", "version is not a whole number from 1"},
    {"reserved", "5", "reserved and sold exceed quantity"},
};

static void
test_each_rule(void)
{
	struct envelope ev;
	struct stock_change sc;
	const char *why;
	json_t *d, *v;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = good();
		if (cases[i].value == NULL) {
			json_object_del(d, cases[i].key);
		} else {
			v = json_loads(cases[i].value, JSON_DECODE_ANY, NULL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(v);
			json_object_set_new(d, cases[i].key, v);
		}
		why = "x";
		rc = decode(STOCK_CHANGED, d, &ev, &sc, &why);
		if (cases[i].why == NULL) {
			CU_ASSERT_EQUAL(rc, TK_OK);
			CU_ASSERT_PTR_NULL(why);
		} else {
			CU_ASSERT_EQUAL(rc, TK_EINVAL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(why);
			CU_ASSERT_STRING_EQUAL(why, cases[i].why);
			CU_ASSERT_PTR_NULL(sc.id);
		}
		event_free(&ev);
	}
}

/* Section, row and seat are counted in characters, not bytes: 100 of
 * "é" (200 bytes) fit, 101 do not. */
static void
test_characters(void)
{
	char text[2 * (STOCK_TEXT_MAX + 1) + 1];
	struct envelope ev;
	struct stock_change sc;
	const char *why;
	json_t *d;
	size_t i;

	for (i = 0; i < STOCK_TEXT_MAX; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[2 * STOCK_TEXT_MAX] = '\0';
	d = good();
	json_object_set_new(d, "section", json_string(text));
	CU_ASSERT_EQUAL(decode(STOCK_CHANGED, d, &ev, &sc, &why), TK_OK);
	event_free(&ev);
	memcpy(text + 2 * STOCK_TEXT_MAX, "\xc3\xa9", 3);
	d = good();
	json_object_set_new(d, "section", json_string(text));
	CU_ASSERT_EQUAL(decode(STOCK_CHANGED, d, &ev, &sc, &why), TK_EINVAL);
	event_free(&ev);
}

static void
test_other_type(void)
{
	struct envelope ev;
	struct stock_change sc;
	const char *why = NULL;

	CU_ASSERT_EQUAL(decode("stock.reserved", good(), &ev, &sc, &why), TK_EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_STRING_EQUAL(why, "not a stock.changed event");
	event_free(&ev);
}

static const struct cu_test stock_tests[] = {
    {"accept the orders service's payload", test_good},
    {"refuse each broken rule with its reason", test_each_rule},
    {"count text in characters", test_characters},
    {"refuse another type", test_other_type},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"stock", NULL, NULL, stock_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
