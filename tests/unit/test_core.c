/*
 * Unit tests for lib/ core: arena, buf, err and config.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu.h"

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "text.h"

static void
test_arena(void)
{
	struct arena *a = arena_new();
	char *s, *big;
	int i;

	s = arena_strdup(a, "hello");
	CU_ASSERT_STRING_EQUAL(s, "hello");
	CU_ASSERT_STRING_EQUAL(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	CU_ASSERT_EQUAL((uintptr_t)arena_alloc(a, 3) % 16, 0);
	big = arena_alloc(a, 100000);
	memset(big, 'x', 100000);
	for (i = 0; i < 1000; i++)
		CU_ASSERT_PTR_NOT_NULL(arena_alloc(a, 200));
	CU_ASSERT_STRING_EQUAL(s, "hello");
	arena_reset(a);
	s = arena_alloc(a, 64);
	CU_ASSERT_EQUAL(s[0], 0);
	CU_ASSERT_EQUAL(s[63], 0);
	arena_free(a);
	arena_free(NULL);
}

static void
test_buf(void)
{
	struct buf b = {0};
	int i;

	buf_puts(&b, "a");
	buf_printf(&b, "%s%d", "b", 1);
	CU_ASSERT_STRING_EQUAL(b.data, "ab1");
	CU_ASSERT_EQUAL(b.len, 3);
	for (i = 0; i < 1000; i++)
		buf_append(&b, "0123456789", 10);
	CU_ASSERT_EQUAL(b.len, 10003);
	CU_ASSERT_EQUAL(b.data[b.len], '\0');
	buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(b.data, "");
	buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
}

static void
test_err(void)
{
	CU_ASSERT_EQUAL(err_http_status(TK_ENOTFOUND), 404);
	CU_ASSERT_EQUAL(err_http_status(TK_EDBDOWN), 503);
	CU_ASSERT_EQUAL(err_http_status(TK_ETOOBIG), 413);
	CU_ASSERT_EQUAL(err_http_status(12345), 500);
	CU_ASSERT_EQUAL(err_http_status(-999), 500);
	CU_ASSERT_STRING_EQUAL(err_str(TK_OK), "success");
	CU_ASSERT_STRING_EQUAL(err_str(-999), "unknown error");
}

static void
test_text(void)
{
	struct arena *a = arena_new();

	CU_ASSERT_EQUAL(text_chars(""), 0);
	CU_ASSERT_EQUAL(text_chars("abc"), 3);
	CU_ASSERT_EQUAL(text_chars("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x8e\x9f"), 9);
	CU_ASSERT_FALSE(text_has_controls("plain text \xc3\xa9", 0));
	CU_ASSERT_TRUE(text_has_controls("a\tb", 0));
	CU_ASSERT_FALSE(text_has_controls("a\tb", 1));
	CU_ASSERT_TRUE(text_has_controls("a\nb", TEXT_ALLOW_TAB));
	CU_ASSERT_FALSE(text_has_controls("a\nb\tc", TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE));
	CU_ASSERT_TRUE(text_has_controls("a\r\nb", TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE));
	CU_ASSERT_TRUE(text_has_controls("a\x7f", 1));
	CU_ASSERT_TRUE(text_has_controls("a\xc2\x85"
					 "b",
					 1));              /* U+0085, a C1 control */
	CU_ASSERT_FALSE(text_has_controls("\xc2\xa0", 1)); /* U+00A0 is not */
	CU_ASSERT_STRING_EQUAL(text_trim(a, "  \t x y \r\n"), "x y");
	CU_ASSERT_STRING_EQUAL(text_trim(a, "   "), "");
	CU_ASSERT_STRING_EQUAL(text_trim(a, ""), "");
	CU_ASSERT_STRING_EQUAL(text_url_encode(a, "a-b_c.d~e"), "a-b_c.d~e");
	CU_ASSERT_STRING_EQUAL(text_url_encode(a, "/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
	CU_ASSERT_STRING_EQUAL(text_url_encode(a, "\xc3\xa9"), "%C3%A9");
	/* Waits in words, rounded up, never shorter than the wait. */
	CU_ASSERT_STRING_EQUAL(text_duration(a, 0), "1 second");
	CU_ASSERT_STRING_EQUAL(text_duration(a, -5), "1 second");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 1), "1 second");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 8), "8 seconds");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 119), "119 seconds");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 120), "2 minutes");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 121), "3 minutes");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 900), "15 minutes");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 2 * 3600 - 1), "120 minutes");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 2 * 3600), "2 hours");
	CU_ASSERT_STRING_EQUAL(text_duration(a, 2 * 3600 + 1), "3 hours");
	CU_ASSERT_STRING_EQUAL(text_duration(a, LONG_MAX), "2562047788015216 hours");
	arena_free(a);
}

static char *
write_tmp(const char *text)
{
	char *path = strdup("/tmp/tk-config-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_config_defaults_and_file(void)
{
	char *path = write_tmp("# comment\n\n  threads = 4  \nbase_url=https://tickets.example\n"
			       "db_name = ticketing_auth\n");

	unsetenv("TICKETING_THREADS");
	CU_ASSERT_EQUAL(config_load(path, NULL, 0, 0), TK_OK);
	CU_ASSERT_EQUAL(config_int("threads"), 4);
	CU_ASSERT_STRING_EQUAL(config_str("base_url"), "https://tickets.example");
	CU_ASSERT_STRING_EQUAL(config_str("db_name"), "ticketing_auth");
	CU_ASSERT_EQUAL(config_int("session_ttl"), 43200);
	CU_ASSERT_STRING_EQUAL(config_str("db_socket"), "");

	setenv("TICKETING_THREADS", "7", 1);
	CU_ASSERT_EQUAL(config_load(path, NULL, 0, 0), TK_OK);
	CU_ASSERT_EQUAL(config_int("threads"), 7);
	unsetenv("TICKETING_THREADS");
	unlink(path);
	free(path);
}

static void
test_config_errors(void)
{
	const char *bad[] = {
	    "nosuchkey = 1\n",    "threads = 0\n",        "threads = 12abc\n",
	    "threads = 100000\n", "base_url = ftp://x\n", "base_url = http://x/\n",
	    "just some words\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = write_tmp(bad[i]);

		CU_ASSERT_EQUAL(config_load(path, NULL, 0, 0), TK_ECONFIG);
		unlink(path);
		free(path);
	}
	CU_ASSERT_EQUAL(config_load("/nonexistent/ticketing.conf", NULL, 0, 0), TK_ECONFIG);
	setenv("TICKETING_PWHASH_CONCURRENCY", "-1", 1);
	CU_ASSERT_EQUAL(config_load(NULL, NULL, 0, 0), TK_ECONFIG);
	unsetenv("TICKETING_PWHASH_CONCURRENCY");
	CU_ASSERT_EQUAL(config_load(NULL, NULL, 0, 0), TK_OK);
}

/* A program's own keys load with the common ones; a strict load refuses a
 * key it does not know, CONFIG_OTHER_KEYS skips it; a program's key may not
 * repeat a common one. */
static void
test_config_program_keys(void)
{
	static const struct config_key mine[] = {
	    {"tries", CONFIG_INT, "3", 1, 10, "attempts"},
	    {"greeting", CONFIG_STR, "hello", 0, 0, "what to say"},
	};
	static const struct config_key twice[] = {{"threads", CONFIG_INT, "1", 1, 2, "again"}};
	char *path = write_tmp("tries = 5\nthreads = 3\n");
	char *other = write_tmp("threads = 3\nsomeone_elses_key = x\n");

	CU_ASSERT_EQUAL(config_load(path, mine, 2, 0), TK_OK);
	CU_ASSERT_EQUAL(config_int("tries"), 5);
	CU_ASSERT_STRING_EQUAL(config_str("greeting"), "hello");
	CU_ASSERT_EQUAL(config_int("threads"), 3);
	/* Without the program's table, its key is unknown. */
	CU_ASSERT_EQUAL(config_load(path, NULL, 0, 0), TK_ECONFIG);
	CU_ASSERT_EQUAL(config_load(other, mine, 2, 0), TK_ECONFIG);
	CU_ASSERT_EQUAL(config_load(other, NULL, 0, CONFIG_OTHER_KEYS), TK_OK);
	CU_ASSERT_EQUAL(config_int("threads"), 3);
	/* Values are still validated. */
	setenv("TICKETING_TRIES", "11", 1);
	CU_ASSERT_EQUAL(config_load(path, mine, 2, 0), TK_ECONFIG);
	unsetenv("TICKETING_TRIES");
	CU_ASSERT_EQUAL(config_load(NULL, twice, 1, 0), TK_ECONFIG);
	CU_ASSERT_EQUAL(config_load(NULL, NULL, 0, 0), TK_OK);
	unlink(path);
	unlink(other);
	free(path);
	free(other);
}

static void
test_config_hex_file(void)
{
	unsigned char key[4];
	char *good = write_tmp("  0a1B2c3D\n");
	char *shortk = write_tmp("0a1b\n");
	char *nothex = write_tmp("0a1b2c3g\n");

	CU_ASSERT_EQUAL(config_read_hex_file(good, key, sizeof(key)), TK_OK);
	CU_ASSERT_EQUAL(key[0], 0x0a);
	CU_ASSERT_EQUAL(key[3], 0x3d);
	CU_ASSERT_EQUAL(config_read_hex_file(shortk, key, sizeof(key)), TK_ECONFIG);
	CU_ASSERT_EQUAL(config_read_hex_file(nothex, key, sizeof(key)), TK_ECONFIG);
	CU_ASSERT_EQUAL(config_read_hex_file("/nonexistent/ticketing.key", key, sizeof(key)),
			TK_EIO);
	CU_ASSERT_EQUAL(config_read_hex_file("", key, sizeof(key)), TK_ECONFIG);
	unlink(good);
	unlink(shortk);
	unlink(nothex);
	free(good);
	free(shortk);
	free(nothex);
}

static const struct cu_test core_tests[] = {
    {"arena", test_arena},
    {"buf", test_buf},
    {"err", test_err},
    {"text", test_text},
    {"config defaults, file, env", test_config_defaults_and_file},
    {"config errors", test_config_errors},
    {"config program keys", test_config_program_keys},
    {"config hex key files", test_config_hex_file},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"core", NULL, NULL, core_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
