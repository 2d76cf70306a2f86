/*
 * Configuration: one key=value file, then environment overrides, then
 * validation, once at start-up. Every key, its default and its help text
 * stand in one table in config.c; unknown keys are an error. An environment
 * variable TICKETING_<KEY in upper case> overrides the file, e.g.
 * TICKETING_DB_SOCKET. Lines are "key = value"; '#' starts a comment line;
 * values are taken verbatim (no quotes) after trimming spaces.
 *
 * Keys (defaults in brackets):
 *   listen            FastCGI unix socket path the service binds [run/auth.sock]
 *   log_file          file the log lines go to; empty means stderr [""]
 *   threads           request threads per process, 1..256 [16]
 *   base_url          public URL of the site; https:// makes cookies Secure
 *                     [http://127.0.0.1:8080]
 *   template_dir      folder of the .tpl files [PKGDATADIR/templates]
 *   db_socket         MariaDB unix socket; empty means TCP [""]
 *   db_host, db_port  MariaDB over TCP [127.0.0.1, 3306]
 *   db_user, db_password, db_name   the service's own database account [""]
 *   session_key_file  Ed25519 secret key, hex (auth only) [""]
 *   session_pub_file  Ed25519 public key, hex [""]
 *   csrf_key_file     32-byte HMAC key, hex, shared by all services [""]
 *   session_ttl       session lifetime in seconds [604800]
 *   pwhash_concurrency  Argon2id hashes at once per process, 1..64 [2]
 *   signin_max_failures failed sign-ins before an account is locked [10]
 *   signin_lock_seconds how long a locked account stays locked [900]
 *   sql_dir           folder of numbered migrations (ticketingctl) [PKGDATADIR/sql]
 *   nats_url          NATS server, e.g. nats://127.0.0.1:4222; empty: services
 *                     send no outbox nudges [""]
 *   outbox_retention_seconds  how long the relay keeps sent outbox rows [604800]
 */
#ifndef TK_CONFIG_H
#define TK_CONFIG_H
#include <stdio.h>

/*
 * config_load: defaults, then the file at path (NULL: no file), then the
 * environment; then every value is validated. Returns TK_OK, or TK_ECONFIG
 * after printing each problem (file, line, key, why) on stderr.
 * Not thread-safe: call once before threads start.
 */
int config_load(const char *path);

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
