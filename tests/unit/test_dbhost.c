/*
 * Unit tests for lib/dbhost.c, the db_host list of MariaDB servers, and
 * its check at configuration load (lib/config.c): tables of lists with the
 * servers they give, and of lists refused with the sentence that says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"

#include "config.h"
#include "dbhost.h"
#include "err.h"

#define PORT 3306 /* db_port of the tests */

/* A list that parses, and what it gives ("name:port" joined by " "). */
static const struct {
	const char *list, *servers;
} good[] = {
    {"127.0.0.1", "127.0.0.1:3306"},
    {"db1.example.org", "db1.example.org:3306"},
    {"127.0.0.1:30102", "127.0.0.1:30102"},
    {"127.0.0.1:30102,127.0.0.1:30103", "127.0.0.1:30102 127.0.0.1:30103"},
    {" db1 , db2:3307 ", "db1:3306 db2:3307"},
    {"[::1]", "::1:3306"},
    {"[::1]:3307,10.0.0.31", "::1:3307 10.0.0.31:3306"},
    {"my_host-2:65535", "my_host-2:65535"},
    {"a,b,c,d,e,f,g,h", "a:3306 b:3306 c:3306 d:3306 e:3306 f:3306 g:3306 h:3306"},
    {"", ""},
    {"   ", ""},
};

/* A list refused, and a word its sentence must hold. */
static const struct {
	const char *list, *why;
} bad[] = {
    {"a,", "empty"},
    {",a", "empty"},
    {"a,,b", "empty"},
    {"a, ,b", "empty"},
    {"a:", "port"},
    {"a:0", "port"},
    {"a:65536", "port"},
    {"a:99999999999", "port"},
    {"a:+1", "port"},
    {"a:-1", "port"},
    {"a:33o6", "port"},
    {"a: 3306", "port"},
    {":3306", "no host"},
    {"::1", "brackets"},
    {"fe80::1:3306", "brackets"},
    {"[::1", "closing bracket"},
    {"[]:3306", "no host"},
    {"[::1]3306", "followed"},
    {"[::g]", "hex"},
    {"[fe80::1%eth0]:1", "hex"}, /* no zone index */
    {"127.0.0.1;3307", "letters"},
    {"127.0.0.1:30102;127.0.0.1:30103", "port"},
    {"db one", "letters"},
    {"db\x01", "letters"},
    {"a,b,c,d,e,f,g,h,i", "more than 8"},
};

/* joined: the servers as the tables write them. */
static void
joined(const struct dbhost *h, size_t n, char *out, size_t cap)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s:%u", i ? " " : "", h[i].name,
					h[i].port);
}

static void
test_parse_good(void)
{
	struct dbhost h[DBHOST_MAX];
	char got[1024];
	size_t i, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = NULL;
		int rc = dbhost_parse(good[i].list, PORT, h, &n, &why);

		CU_ASSERT_EQUAL(rc, TK_OK);
		if (rc != TK_OK) {
			fprintf(stderr, "refused '%s': %s\n", good[i].list, why);
			continue;
		}
		joined(h, n, got, sizeof(got));
		CU_ASSERT_STRING_EQUAL(got, good[i].servers);
	}
}

static void
test_parse_bad(void)
{
	struct dbhost h[DBHOST_MAX];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		CU_ASSERT_EQUAL(dbhost_parse(bad[i].list, PORT, h, &n, &why), TK_EINVAL);
		CU_ASSERT_PTR_NOT_NULL(why);
		if (why == NULL || strstr(why, bad[i].why) == NULL) {
			fprintf(stderr, "'%s': expected '%s' in '%s'\n", bad[i].list, bad[i].why,
				why != NULL ? why : "(none)");
			CU_FAIL("the sentence names the fault");
		}
	}
	/* why may be NULL. */
	CU_ASSERT_EQUAL(dbhost_parse("a,", PORT, h, &n, NULL), TK_EINVAL);
}

/* A name of 255 bytes is the longest. */
static void
test_parse_long_name(void)
{
	struct dbhost h[DBHOST_MAX];
	char list[300];
	size_t n;

	memset(list, 'a', 255);
	strcpy(list + 255, ":1");
	CU_ASSERT_EQUAL(dbhost_parse(list, PORT, h, &n, NULL), TK_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(strlen(h[0].name), 255);
	CU_ASSERT_EQUAL(h[0].port, 1);
	memset(list, 'a', 256);
	strcpy(list + 256, ":1");
	CU_ASSERT_EQUAL(dbhost_parse(list, PORT, h, &n, NULL), TK_EINVAL);
}

/* The configuration refuses a malformed db_host at load and keeps a good
 * list as written. */
static void
test_config_db_host(void)
{
	static const char ok[] = "db_host = 127.0.0.1:30102, 127.0.0.1:30103\n";
	static const char typo[] = "db_host = 127.0.0.1:30102;127.0.0.1:30103\n";

	CU_ASSERT_EQUAL(config_load_buffer("t", ok, strlen(ok), NULL, 0, 0), TK_OK);
	CU_ASSERT_STRING_EQUAL(config_str("db_host"), "127.0.0.1:30102, 127.0.0.1:30103");
	CU_ASSERT_EQUAL(config_load_buffer("t", typo, strlen(typo), NULL, 0, 0), TK_ECONFIG);
	setenv("TICKETING_DB_HOST", "a,,b", 1);
	CU_ASSERT_EQUAL(config_load_buffer("t", ok, strlen(ok), NULL, 0, 0), TK_ECONFIG);
	unsetenv("TICKETING_DB_HOST");
	CU_ASSERT_EQUAL(config_load(NULL, NULL, 0, 0), TK_OK);
	CU_ASSERT_STRING_EQUAL(config_str("db_host"), "127.0.0.1");
}

static const struct cu_test dbhost_tests[] = {
    {"lists that parse", test_parse_good},
    {"lists refused, with the reason", test_parse_bad},
    {"the longest host name", test_parse_long_name},
    {"db_host checked at configuration load", test_config_db_host},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"dbhost", NULL, NULL, dbhost_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
