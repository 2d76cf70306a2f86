/*
 * Unit tests for the input checks of the events service
 * (fcgi/events/input.c): datetime-local times, search dates, page
 * numbers, capacities, time zone names, form texts and the boolean-mode
 * full-text query built from search words (no operator of the boolean
 * syntax may pass through).
 */
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "events.h"
#include "req.h"

static struct request req;

static void
test_local_time(void)
{
	char out[20];

	CU_ASSERT_EQUAL(input_local_time("2026-12-31T19:30", out), 0);
	CU_ASSERT_STRING_EQUAL(out, "2026-12-31 19:30:00");
	CU_ASSERT_EQUAL(input_local_time("2028-02-29T00:00:59", out), 0);
	CU_ASSERT_STRING_EQUAL(out, "2028-02-29 00:00:59");
	CU_ASSERT_EQUAL(input_local_time("2027-02-29T10:00", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-13-01T10:00", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-04-31T10:00", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-12-31 19:30", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-12-31T24:00", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-12-31T19:60", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-12-31T19:3", out), -1);
	CU_ASSERT_EQUAL(input_local_time("2026-12-31T19:30Z", out), -1);
	CU_ASSERT_EQUAL(input_local_time("1999-12-31T19:30", out), -1);
	CU_ASSERT_EQUAL(input_local_time("", out), -1);
	CU_ASSERT_EQUAL(input_local_time(NULL, out), -1);
	CU_ASSERT_EQUAL(input_local_time("+026-12-31T19:30", out), -1);
}

static void
test_date(void)
{
	CU_ASSERT_EQUAL(input_date("2026-01-31"), 0);
	CU_ASSERT_EQUAL(input_date("2024-02-29"), 0);
	CU_ASSERT_EQUAL(input_date("2100-02-29"), -1);
	CU_ASSERT_EQUAL(input_date("2026-1-31"), -1);
	CU_ASSERT_EQUAL(input_date("2026-01-31x"), -1);
	CU_ASSERT_EQUAL(input_date("31/01/2026"), -1);
	CU_ASSERT_EQUAL(input_date(""), -1);
}

static void
test_page(void)
{
	long p;

	CU_ASSERT_EQUAL(input_page(NULL, &p), 0);
	CU_ASSERT_EQUAL(p, 1);
	CU_ASSERT_EQUAL(input_page("", &p), 0);
	CU_ASSERT_EQUAL(p, 1);
	CU_ASSERT_EQUAL(input_page("7", &p), 0);
	CU_ASSERT_EQUAL(p, 7);
	CU_ASSERT_EQUAL(input_page("100000", &p), 0);
	CU_ASSERT_EQUAL(input_page("100001", &p), -1);
	CU_ASSERT_EQUAL(input_page("0", &p), -1);
	CU_ASSERT_EQUAL(input_page("-1", &p), -1);
	CU_ASSERT_EQUAL(input_page("abc", &p), -1);
	CU_ASSERT_EQUAL(input_page("2x", &p), -1);
	CU_ASSERT_EQUAL(input_page("99999999999999999999", &p), -1);
}

static void
test_capacity(void)
{
	long c;

	CU_ASSERT_EQUAL(input_capacity("1", &c), 0);
	CU_ASSERT_EQUAL(c, 1);
	CU_ASSERT_EQUAL(input_capacity("2500", &c), 0);
	CU_ASSERT_EQUAL(c, 2500);
	CU_ASSERT_EQUAL(input_capacity("0", &c), -1);
	CU_ASSERT_EQUAL(input_capacity("-5", &c), -1);
	CU_ASSERT_EQUAL(input_capacity("12.5", &c), -1);
	CU_ASSERT_EQUAL(input_capacity("", &c), -1);
	CU_ASSERT_EQUAL(input_capacity("100000000", &c), -1);
}

static void
test_timezone_name(void)
{
	CU_ASSERT_EQUAL(input_timezone_name("Europe/Paris"), 0);
	CU_ASSERT_EQUAL(input_timezone_name("America/Argentina/Buenos_Aires"), 0);
	CU_ASSERT_EQUAL(input_timezone_name("Etc/GMT+5"), 0);
	CU_ASSERT_EQUAL(input_timezone_name("UTC"), 0);
	CU_ASSERT_EQUAL(input_timezone_name("+02:00"), -1);
	CU_ASSERT_EQUAL(input_timezone_name("SYSTEM"), -1);
	CU_ASSERT_EQUAL(input_timezone_name("Europe/"), -1);
	CU_ASSERT_EQUAL(input_timezone_name("Europe//Paris"), -1);
	CU_ASSERT_EQUAL(input_timezone_name("Europe/Paris'"), -1);
	CU_ASSERT_EQUAL(input_timezone_name(""), -1);
}

static void
test_text(void)
{
	const char *out, *msg;

	msg = input_text(&req, "  Jazz night  ", 10, 1, 0, &out, "missing", "long");
	CU_ASSERT_PTR_NULL(msg);
	CU_ASSERT_STRING_EQUAL(out, "Jazz night");
	msg = input_text(&req, "   ", 10, 1, 0, &out, "missing", "long");
	CU_ASSERT_STRING_EQUAL(msg, "missing");
	msg = input_text(&req, NULL, 10, 0, 0, &out, "missing", "long");
	CU_ASSERT_PTR_NULL(msg);
	CU_ASSERT_STRING_EQUAL(out, "");
	/* Ten characters of two bytes each are ten, not twenty. */
	msg = input_text(&req, "éééééééééé", 10, 1, 0, &out, "missing", "long");
	CU_ASSERT_PTR_NULL(msg);
	msg = input_text(&req, "ééééééééééé", 10, 1, 0, &out, "missing", "long");
	CU_ASSERT_STRING_EQUAL(msg, "long");
	msg = input_text(&req, "a\r\nb", 10, 1, 1, &out, "missing", "long");
	CU_ASSERT_PTR_NULL(msg);
	CU_ASSERT_STRING_EQUAL(out, "a\nb");
	msg = input_text(&req, "a\nb", 10, 1, 0, &out, "missing", "long");
	CU_ASSERT_PTR_NOT_NULL(msg);
	msg = input_text(&req,
	                 "a\x01"
	                 "b",
	                 10, 1, 1, &out, "missing", "long");
	CU_ASSERT_PTR_NOT_NULL(msg);
}

static void
test_fulltext(void)
{
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "jazz"), "+jazz*");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "Jazz  Night"), "+Jazz* +Night*");
	/* Operators, quotes and short or stop words are dropped. */
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "+\"the\" -(jazz)* ~a @8 <quartet>"),
	                       "+jazz* +quartet*");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "of an"), "");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, ""), "");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, NULL), "");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "Café Zürich"), "+Café* +Zürich*");
	CU_ASSERT_STRING_EQUAL(input_fulltext(&req, "aaa bbb ccc ddd eee fff ggg hhh iii jjj"),
	                       "+aaa* +bbb* +ccc* +ddd* +eee* +fff* +ggg* +hhh*");
}

static const struct cu_test events_input_tests[] = {
	{"datetime-local", test_local_time},
	{"dates", test_date},
	{"page numbers", test_page},
	{"capacity", test_capacity},
	{"time zone names", test_timezone_name},
	{"form texts", test_text},
	{"full-text query", test_fulltext},
	{NULL, NULL},
};

static const struct cu_suite suites[] = {
	{"events input", NULL, NULL, events_input_tests},
	{NULL, NULL, NULL, NULL},
};

int
main(void)
{
	int rc;

	req.arena = arena_new();
	rc = cu_run(suites);

	arena_free(req.arena);
	return rc;
}
