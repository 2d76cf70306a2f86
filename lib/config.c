/*
 * Configuration (config.h): the common table of keys with defaults,
 * validators and help, plus the program's own table; a key=value file
 * (or the same text in memory: config_load_buffer, for tests and the
 * fuzzer); TICKETING_* environment overrides. Loaded once at
 * start-up, read-only afterwards, so threads read it without locks.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "dbhost.h"
#include "err.h"
#include "xalloc.h"

/* The keys every program may read: what lib/ itself needs. */
static const struct config_key common[] = {
    {"log_file", CONFIG_STR, "", 0, 0, "append log lines to this file (empty: stderr)"},
    {"threads", CONFIG_INT, "16", 1, 256, "request threads per process"},
    {"base_url", CONFIG_URL, "http://127.0.0.1:8080", 0, 0, "public URL of the site"},
    {"template_dir", CONFIG_STR, TK_PKGDATADIR "/templates", 0, 0, "folder of the .tpl files"},
    {"sql_dir", CONFIG_STR, TK_PKGDATADIR "/sql", 0, 0, "folder of numbered migrations"},
    {"db_socket", CONFIG_STR, "", 0, 0, "MariaDB unix socket (empty: TCP)"},
    {"db_host", CONFIG_HOSTS, "127.0.0.1", 0, 0,
     "MariaDB server when db_socket is empty, or several separated by commas, each host or "
     "host:port, tried in order for the one that accepts writes"},
    {"db_port", CONFIG_INT, "3306", 1, 65535, "MariaDB port when db_socket is empty"},
    {"db_user", CONFIG_STR, "", 0, 0, "the service's database user"},
    {"db_password", CONFIG_SECRET, "", 0, 0, "the service's database password"},
    {"db_name", CONFIG_STR, "", 0, 0, "the service's database"},
    {"session_key_file", CONFIG_STR, "", 0, 0, "Ed25519 secret key file, hex (auth only)"},
    {"session_pub_file", CONFIG_STR, "", 0, 0, "Ed25519 public key file, hex"},
    {"csrf_key_file", CONFIG_STR, "", 0, 0, "CSRF HMAC key file, hex"},
    {"session_ttl", CONFIG_INT, "43200", 300, 31536000,
     "session lifetime in seconds, however active (set by auth; the other services keep "
     "revocations in memory this long, lib/revoke.h)"},
    {"session_renew_seconds", CONFIG_INT, "300", 1, 86400,
     "how long a session token is used before auth renews it (auth only)"},
    {"session_idle_seconds", CONFIG_INT, "1800", 60, 86400,
     "inactivity after which a session ends (auth only)"},
    {"revocation_max_lag", CONFIG_INT, "10", 1, 3600,
     "seconds the revocation replica may go without catching up before privileged stale "
     "sessions are refused"},
    {"pwhash_concurrency", CONFIG_INT, "2", 1, 64, "Argon2id hashes at once per process"},
    {"nats_url", CONFIG_STR, "", 0, 0,
     "NATS server URL, e.g. nats://127.0.0.1:4222, or several separated by commas "
     "(a cluster; empty: none)"},
    {"nats_user", CONFIG_STR, "", 0, 0, "this program's NATS user (empty: anonymous)"},
    {"nats_password", CONFIG_SECRET, "", 0, 0, "the NATS user's password"},
    {"outbox_retention_seconds", CONFIG_INT, "604800", 60, 31536000,
     "how long the relay keeps sent outbox rows"},
    {"idempotency_retention_seconds", CONFIG_INT, "86400", 3600, 31536000,
     "how long the relay keeps used idempotency keys of create forms"},
    {"currency", CONFIG_STR, "EUR", 0, 0, "ISO 4217 code of the deployment's currency"},
};

#define NCOMMON (sizeof(common) / sizeof(common[0]))

/* A loaded key: its declaration and its value (a heap copy). */
struct opt {
	const struct config_key *k;
	char *value;
};

static struct opt *opts;
static size_t nopts;

static struct opt *
find(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		if (strlen(opts[i].k->key) == len && memcmp(opts[i].k->key, key, len) == 0)
			return &opts[i];
	return NULL;
}

static void
set(struct opt *o, const char *v, size_t len)
{
	free(o->value);
	o->value = xstrndup(v, len);
}

static int
parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return TK_EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return TK_EINVAL;
	*out = v;
	return TK_OK;
}

static int
validate(const struct opt *o)
{
	struct dbhost hosts[DBHOST_MAX];
	const char *why = NULL;
	long v;
	size_t n;

	switch (o->k->kind) {
	case CONFIG_INT:
		if (parse_long(o->value, &v) != TK_OK || v < o->k->min || v > o->k->max) {
			fprintf(stderr, "config: %s must be an integer from %ld to %ld\n",
				o->k->key, o->k->min, o->k->max);
			return TK_ECONFIG;
		}
		break;
	case CONFIG_URL:
		n = strlen(o->value);
		if ((strncmp(o->value, "http://", 7) != 0 &&
		     strncmp(o->value, "https://", 8) != 0) ||
		    n < 9 || o->value[n - 1] == '/') {
			fprintf(stderr,
				"config: %s must be an http(s) URL without a trailing slash\n",
				o->k->key);
			return TK_ECONFIG;
		}
		break;
	case CONFIG_HOSTS:
		/* The port only fills the entries; db_port is checked on its own. */
		if (dbhost_parse(o->value, 3306, hosts, &n, &why) != TK_OK) {
			fprintf(stderr, "config: %s = %s: %s\n", o->k->key, o->value, why);
			return TK_ECONFIG;
		}
		break;
	case CONFIG_STR:
	case CONFIG_SECRET:
		break;
	}
	return TK_OK;
}

static const char *
trim(const char *s, const char *end, size_t *len)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*len = (size_t)(end - s);
	return s;
}

/* load_lines: the "key = value" lines of f, named name in messages, into
 * opts. Returns TK_OK or TK_ECONFIG after printing each problem. */
static int
load_lines(FILE *f, const char *name, unsigned flags)
{
	char line[4096];
	int lineno = 0, rc = TK_OK;

	while (fgets(line, sizeof(line), f) != NULL) {
		const char *eq, *k, *v;
		size_t klen, vlen, n = strlen(line);
		struct opt *o;

		lineno++;
		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			fprintf(stderr, "config: %s:%d: line too long\n", name, lineno);
			rc = TK_ECONFIG;
			goto out;
		}
		k = trim(line, line + n, &klen);
		if (klen == 0 || *k == '#')
			continue;
		eq = memchr(k, '=', klen);
		if (eq == NULL) {
			fprintf(stderr, "config: %s:%d: expected key = value\n", name, lineno);
			rc = TK_ECONFIG;
			continue;
		}
		v = trim(eq + 1, k + klen, &vlen);
		k = trim(k, eq, &klen);
		o = find(k, klen);
		if (o == NULL && (flags & CONFIG_OTHER_KEYS))
			continue;
		if (o == NULL) {
			fprintf(stderr, "config: %s:%d: unknown key '%.*s'\n", name, lineno,
				(int)klen, k);
			rc = TK_ECONFIG;
			continue;
		}
		set(o, v, vlen);
	}
out:
	return rc;
}

/* add_keys: append keys[0..n) to opts at their defaults; TK_ECONFIG when
 * a name is there already. */
static int
add_keys(const struct config_key *keys, size_t n)
{
	size_t i;
	int rc = TK_OK;

	for (i = 0; i < n; i++) {
		if (find(keys[i].key, strlen(keys[i].key)) != NULL) {
			fprintf(stderr, "config: key %s is declared twice\n", keys[i].key);
			rc = TK_ECONFIG;
			continue;
		}
		opts[nopts].k = &keys[i];
		opts[nopts].value = NULL;
		set(&opts[nopts++], keys[i].def, strlen(keys[i].def));
	}
	return rc;
}

static void
release(void)
{
	size_t i;

	for (i = 0; i < nopts; i++)
		free(opts[i].value);
	free(opts);
	opts = NULL;
	nopts = 0;
}

/* load: the keys at their defaults, then the lines of f (NULL: none), then
 * the environment, then validation; the body of config_load and
 * config_load_buffer, which closes f. open_rc is TK_ECONFIG when the
 * caller could not open its input (the rest still runs, so every problem
 * is printed at once). */
static int
load(FILE *f, const char *name, int open_rc, const struct config_key *keys, size_t nkeys,
     unsigned flags)
{
	size_t i, j;
	int rc = open_rc;

	release();
	opts = xcalloc(NCOMMON + nkeys, sizeof(*opts));
	if (add_keys(common, NCOMMON) != TK_OK || add_keys(keys, nkeys) != TK_OK)
		rc = TK_ECONFIG;
	if (f != NULL && load_lines(f, name, flags) != TK_OK)
		rc = TK_ECONFIG;
	for (i = 0; i < nopts; i++) {
		char env[64] = "TICKETING_";
		const char *v;

		for (j = 0; opts[i].k->key[j] != '\0' && 10 + j < sizeof(env) - 1; j++)
			env[10 + j] = (char)toupper((unsigned char)opts[i].k->key[j]);
		env[10 + j] = '\0';
		v = getenv(env);
		if (v != NULL)
			set(&opts[i], v, strlen(v));
	}
	for (i = 0; i < nopts; i++)
		if (validate(&opts[i]) != TK_OK)
			rc = TK_ECONFIG;
	if (f != NULL)
		fclose(f);
	return rc;
}

/* opened: f, or after a message on stderr NULL with *rc set to TK_ECONFIG. */
static FILE *
opened(FILE *f, const char *name, int *rc /* OUT */)
{
	if (f == NULL) {
		fprintf(stderr, "config: cannot open %s: %s\n", name, strerror(errno));
		*rc = TK_ECONFIG;
	}
	return f;
}

int
config_load(const char *path, const struct config_key *keys, size_t nkeys, unsigned flags)
{
	FILE *f = NULL;
	int rc = TK_OK;

	if (path != NULL)
		f = opened(fopen(path, "r"), path, &rc);
	return load(f, path, rc, keys, nkeys, flags);
}

int
config_load_buffer(const char *name, const char *text, size_t len, const struct config_key *keys,
		   size_t nkeys, unsigned flags)
{
	FILE *f = NULL;
	char *copy = NULL;
	int rc = TK_OK;

	/* fmemopen takes a non-const buffer, hence the copy; an empty text is
	 * no lines at all, with no stream. */
	if (len > 0) {
		copy = xmalloc(len);
		memcpy(copy, text, len);
		f = opened(fmemopen(copy, len, "r"), name, &rc);
	}
	rc = load(f, name, rc, keys, nkeys, flags);
	free(copy);
	return rc;
}

static const struct opt *
must_find(const char *key)
{
	const struct opt *o = find(key, strlen(key));

	if (o == NULL || o->value == NULL) {
		fprintf(stderr, "fatal: unknown or unloaded configuration key '%s'\n", key);
		abort();
	}
	return o;
}

const char *
config_str(const char *key)
{
	return must_find(key)->value;
}

long
config_int(const char *key)
{
	long v = 0;

	parse_long(must_find(key)->value, &v);
	return v;
}

void
config_dump(FILE *out)
{
	size_t i;

	for (i = 0; i < nopts; i++) {
		const char *v = opts[i].value;

		if (opts[i].k->kind == CONFIG_SECRET && *v != '\0')
			v = "********";
		fprintf(out, "%s = %s\t# %s\n", opts[i].k->key, v, opts[i].k->help);
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
config_read_hex_file(const char *path, unsigned char *out, size_t n)
{
	FILE *f = NULL;
	char text[1024];
	const char *s;
	size_t len, i;
	int rc = TK_OK;

	if (*path == '\0' || 2 * n > sizeof(text) - 2) {
		fprintf(stderr, "config: no key file configured\n");
		return TK_ECONFIG;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "config: cannot open key file %s: %s\n", path, strerror(errno));
		rc = TK_EIO;
		goto out;
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	s = trim(text, text + len, &len);
	if (len != 2 * n) {
		fprintf(stderr, "config: key file %s must hold %lu hex bytes\n", path,
			(unsigned long)n);
		rc = TK_ECONFIG;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			fprintf(stderr, "config: key file %s is not hex\n", path);
			rc = TK_ECONFIG;
			goto out;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
out:
	if (f != NULL)
		fclose(f);
	sodium_memzero(text, sizeof(text));
	return rc;
}
