/*
 * Configuration: one key=value file, then environment overrides, then
 * validation, once at start-up. The keys a program knows are the common
 * table in config.c (what lib/ itself needs) plus the program's own table,
 * passed to config_load: each key with its kind, default, range and help.
 * An environment variable TICKETING_<KEY in upper case> overrides the
 * file, e.g. TICKETING_DB_SOCKET. Lines are "key = value"; '#' starts a
 * comment line; values are taken verbatim (no quotes) after trimming
 * spaces. A key the program does not know is an error, unless it loads
 * with CONFIG_OTHER_KEYS (a generic program reading a file written for
 * another program: ticketingctl, the workers).
 *
 * Common keys (defaults in brackets):
 *   log_file          file the log lines go to; empty means stderr [""]
 *   threads           request threads per process, 1..256 [16]
 *   base_url          public URL of the site; https:// makes cookies Secure
 *                     [http://127.0.0.1:8080]
 *   template_dir      folder of the .tpl files [PKGDATADIR/templates]
 *   db_socket         MariaDB unix socket; empty means TCP [""]
 *   db_host, db_port  MariaDB over TCP: a server, or several separated by
 *                     commas, each "host" or "host:port" (lib/dbhost.h), the
 *                     first that accepts writes used [127.0.0.1, 3306]
 *   db_user, db_password, db_name   the service's own database account [""]
 *   session_key_file  Ed25519 secret key, hex (auth only) [""]
 *   session_pub_file  Ed25519 public key, hex [""]
 *   csrf_key_file     32-byte HMAC key, hex, shared by all services [""]
 *   session_ttl       session lifetime in seconds, however active (auth) [43200]
 *   session_renew_seconds  how long a token serves before auth renews it [300]
 *   session_idle_seconds   inactivity that ends a session (auth) [1800]
 *   revocation_max_lag     seconds the revocation replica may lag before
 *                     stale sessions are refused privileged POSTs [10]
 *   pwhash_concurrency  Argon2id hashes at once per process, 1..64 [2]
 *   sql_dir           folder of numbered migrations (ticketingctl) [PKGDATADIR/sql]
 *   nats_url          NATS server, e.g. nats://127.0.0.1:4222; empty: services
 *                     send no outbox nudges [""]
 *   nats_user, nats_password  this program's NATS account (`ticketingctl
 *                     accounts nats` gives each service and worker its own,
 *                     allowed only its subjects); empty: anonymous [""]
 *   outbox_retention_seconds  how long the relay keeps sent outbox rows [604800]
 *   idempotency_retention_seconds  how long the relay keeps used idempotency
 *                     keys of create forms (lib/prune.h) [86400]
 *   currency          ISO 4217 code of every price (lib/money.h) [EUR]
 * The application shell adds listen (app.c); a service adds its own keys
 * (auth: signin_free_failures, signin_max_delay).
 */
#ifndef TK_CONFIG_H
#define TK_CONFIG_H
#include <stddef.h>
#include <stdio.h>

enum config_kind {
	CONFIG_STR,    /* any text */
	CONFIG_INT,    /* decimal integer within [min, max] */
	CONFIG_URL,    /* http:// or https:// URL without a trailing slash */
	CONFIG_SECRET, /* text, masked by config_dump */
	CONFIG_HOSTS,  /* MariaDB servers, "host[:port]" separated by commas (dbhost.h) */
};

/* One key a program reads. */
struct config_key {
	const char *key; /* lower_snake_case */
	enum config_kind kind;
	const char *def; /* the default, as text */
	long min, max;   /* the range of a CONFIG_INT */
	const char *help;
};

/* config_load flag: skip keys neither table knows instead of refusing them. */
#define CONFIG_OTHER_KEYS 1u

/*
 * config_load: the common keys and the program's keys[0..nkeys) (NULL, 0:
 * none; a name may not repeat a common key) at their defaults, then the
 * file at path (NULL: no file), then the environment; then every value is
 * validated. flags: 0 or CONFIG_OTHER_KEYS. keys must outlive the
 * configuration. Returns TK_OK, or TK_ECONFIG after printing each problem
 * (file, line, key, why) on stderr. Not thread-safe: call once before
 * threads start (a second call replaces the first's values).
 */
int config_load(const char *path, const struct config_key *keys, size_t nkeys, unsigned flags);

/*
 * config_load_buffer: config_load with the file's text given as text[0..len)
 * instead of a path (bytes after a NUL in a line are ignored, as in a
 * file); name stands for the file in messages. text is not kept.
 */
int config_load_buffer(const char *name, const char *text, size_t len,
		       const struct config_key *keys, size_t nkeys, unsigned flags);

/* config_str: the value of key (never NULL; "" when empty). Aborts on an
 * unknown key: that is a programming error. */
const char *config_str(const char *key);
/* config_int: the value of an integer key. */
long config_int(const char *key);

/* config_dump: every key and value, secrets masked, for --check-config. */
void config_dump(FILE *out);

/* config_read_hex_file: read a file holding n bytes as hex (whitespace
 * allowed around) into out. Returns TK_OK, TK_EIO or TK_ECONFIG (with a
 * message on stderr). */
int config_read_hex_file(const char *path, unsigned char *out, size_t n);

#endif
