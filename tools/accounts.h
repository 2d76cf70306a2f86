/*
 * The accounts of an installation, written down once: every NATS user
 * with the subjects it may publish and subscribe to, and every MariaDB
 * account with its grants. Both follow from the backbone registry
 * (lib/backbone.c: who emits which subjects, which durable consumer
 * belongs to which service) and the small tables in accounts.c, so a new
 * service or worker gets its accounts by being a registry entry.
 * `ticketingctl accounts nats|sql KEYDIR` renders them (the
 * `authorization` block of nats-server.conf; the SQL that creates the
 * databases, the accounts and their grants), and the local stack
 * (scripts/dev) and a server's set-up both use that output.
 *
 * Accounts, for each service S of the registry:
 *   NATS  S              the FastCGI service: only its outbox nudge
 *         relay-S        (S emits) publishes S's subjects into the stream
 *         W-S            pulls and acks the durable consumers of S that
 *                        the registry gives worker W (replicator-S,
 *                        expiry-orders); nudges relay-S when S emits
 *         admin          everything: stream set-up, replay, pruning, check
 *   SQL   ticketing_S    SELECT, INSERT, UPDATE, DELETE on database ticketing_S
 *         ticketing_migrate  every privilege on every service's database
 *                        (migrations), none elsewhere
 *   and SQL ticketing_S for each service outside the registry (the sandbox
 *   payment provider: `standalone` in accounts.c), which has no NATS user.
 * Passwords are KEYDIR/nats-NAME.password and KEYDIR/db-NAME.password (NAME
 * the user, or the service for its database account, or "migrate"):
 * random hex, made when missing, never in the repository.
 */
#ifndef TK_ACCOUNTS_H
#define TK_ACCOUNTS_H
#include <stddef.h>
#include <stdio.h>

#include "db.h"

struct arena;

/* The configuration file, beside the services' own, that holds the
 * administrator's accounts (NATS admin, the migration account): the
 * checker takes its NATS settings from it when it is there. */
#define ACCOUNTS_ADMIN_CONF "admin.conf"
/* The NATS administrator and the database migration account. */
#define ACCOUNTS_NATS_ADMIN "admin"
#define ACCOUNTS_DB_MIGRATE "ticketing_migrate"

/*
 * accounts_password: the password of file (a name in the key folder, e.g.
 * "nats-admin.password") for the renderers, or NULL (reported by the
 * callee) when it cannot be had. The string must live until the render
 * returns.
 */
typedef const char *(*accounts_password_fn)(void *arg, const char *file);

/* accounts_services: the services that get a database of their own (the
 * registry's, in registry order, then the standalone ones) into
 * svcs[0..max); returns how many. */
size_t accounts_services(const char **svcs /* OUT */, size_t max);

/* accounts_db_name: the database of service ("ticketing_" service), in a. */
const char *accounts_db_name(struct arena *a, const char *service);

/* accounts_db_conf: the configured db_* settings for work on service's
 * database: db_name when it is set, else accounts_db_name (so the
 * administrator's configuration, which names no database, serves every
 * service). Strings live in the configuration and in a. */
struct db_conf accounts_db_conf(struct arena *a, const char *service);

/*
 * accounts_render_nats: the authorization block of nats-server.conf to
 * out: every NATS user with a bcrypt hash of its password (from pw) and
 * its permissions. TK_OK, TK_EIO (a password missing) or TK_ECRYPTO
 * (hashing failed).
 */
int accounts_render_nats(FILE *out, accounts_password_fn pw, void *arg);

/*
 * accounts_render_sql: SQL for the database administrator to out: each
 * service's database (created if missing), each account (created, or its
 * password reset) with its old privileges revoked and its grants given
 * again. Accounts are 'NAME'@'localhost' (the unix socket). TK_OK or
 * TK_EIO (a password missing).
 */
int accounts_render_sql(FILE *out, accounts_password_fn pw, void *arg);

#endif
