/*
 * Fuzz target for the configuration parser (lib/config.c) through its
 * buffer entry point, config_load_buffer: the input is the text of a
 * configuration file, loaded with the common keys and a program table of
 * each kind. An input that starts with the comment line "#!other" loads
 * with CONFIG_OTHER_KEYS, as ticketingctl and the workers do. Beyond not
 * crashing: after TK_OK every integer key is within its range, every URL
 * key is an http(s) URL without a trailing slash, db_host is a list of
 * servers that lib/dbhost.c parses, no value read from the text has a line
 * break or surrounding space, and config_dump writes every key. The parser prints each problem on
 * stderr: run the fuzzer with -close_fd_mask=2 to keep its own lines readable.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dbhost.h"
#include "err.h"
#include "fuzz.h"

#define OTHER "#!other\n"

/* A program's own keys, one of each kind. */
static const struct config_key keys[] = {
    {"limit", CONFIG_INT, "10", -5, 1000, "an integer key"},
    {"home_url", CONFIG_URL, "https://example.com", 0, 0, "a URL key"},
    {"label", CONFIG_STR, "", 0, 0, "a text key"},
    {"token", CONFIG_SECRET, "", 0, 0, "a secret key"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* The common keys by kind, as config.h lists them. */
static const char *const ints[] = {
    "threads", "db_port", "session_ttl", "pwhash_concurrency", "outbox_retention_seconds", "limit"};
static const char *const urls[] = {"base_url", "home_url"};
static const char *const strs[] = {"log_file",
				   "template_dir",
				   "sql_dir",
				   "db_socket",
				   "db_host",
				   "db_user",
				   "db_password",
				   "db_name",
				   "session_key_file",
				   "session_pub_file",
				   "csrf_key_file",
				   "nats_url",
				   "label",
				   "token"};

#define N(a) (sizeof(a) / sizeof(a[0]))

static void
check_loaded(void)
{
	static FILE *devnull;
	struct dbhost hosts[DBHOST_MAX];
	size_t i, n;
	const char *v;

	for (i = 0; i < N(ints); i++)
		(void)config_int(ints[i]);
	if (config_int("limit") < -5 || config_int("limit") > 1000 || config_int("threads") < 1 ||
	    config_int("threads") > 256 || config_int("db_port") < 1 ||
	    config_int("db_port") > 65535)
		abort();
	for (i = 0; i < N(urls); i++) {
		v = config_str(urls[i]);
		n = strlen(v);
		if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
		    v[n - 1] == '/')
			abort();
	}
	for (i = 0; i < N(strs); i++) {
		v = config_str(strs[i]);
		n = strlen(v);
		if (strchr(v, '\n') != NULL ||
		    (n > 0 && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]))))
			abort();
	}
	if (dbhost_parse(config_str("db_host"), 3306, hosts, &n, NULL) != TK_OK)
		abort();
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		abort();
	config_dump(devnull);
}

/* fuzz_accepts (fuzz.h): 1 when config_load_buffer answers TK_OK, 0 when
 * TK_ECONFIG; aborts on another answer or a broken promise. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	unsigned flags = 0;
	int rc;

	if (size >= strlen(OTHER) && memcmp(data, OTHER, strlen(OTHER)) == 0)
		flags = CONFIG_OTHER_KEYS;
	rc = config_load_buffer("fuzz", (const char *)data, size, keys, NKEYS, flags);
	if (rc != TK_OK && rc != TK_ECONFIG)
		abort();
	if (rc == TK_OK)
		check_loaded();
	return rc == TK_OK;
}
