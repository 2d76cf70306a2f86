/*
 * ticketing-replicator: keeps a service's replicas of other services' data
 * (users_replica, session_revocations, ...) by applying their events. It
 * is a consuming worker of the shell (lib/worker.h): each consumer's
 * handler is an apply function that runs inside the shell's transaction
 * with the event's processed_events record (WORKER_TX), so an event is
 * applied exactly once, and guards by version, so a replica row only
 * moves forward and a replay from the first message gives the sources'
 * state.
 *
 * One file per consuming service database holds its statement table, its
 * apply functions and its struct worker_def (events.c). Adding a
 * replicated table: its migration, a line in the backbone registry
 * (lib/backbone.c) and an apply function with its line in that file's
 * consumer table.
 */
#ifndef TK_REPLICATOR_H
#define TK_REPLICATOR_H
#include <stddef.h>
#include <stdint.h>

struct db;
struct envelope;
struct worker_def;

/*
 * The guarded assignments of a replica's upsert (INSERT ... ON DUPLICATE
 * KEY UPDATE): REPL_IF_NEWER(col) takes col from the event only when the
 * event's version is newer than the row's, and REPL_VERSION_LAST ends the
 * list. MariaDB evaluates the assignments left to right, so version goes
 * last and the guards compare with the old version.
 */
#define REPL_IF_NEWER(col) col " = IF(VALUES(version) > version, VALUES(" col "), " col "), "
#define REPL_VERSION_LAST "version = GREATEST(version, VALUES(version))"

/* events.c: replication into the events service's database. */
extern const struct worker_def repl_events;
/* tickets.c: replication into the tickets service's database. */
extern const struct worker_def repl_tickets;
/* orders.c: replication into the orders service's database. */
extern const struct worker_def repl_orders;
/* payments.c: replication into the payments service's database. */
extern const struct worker_def repl_payments;

/* ---- shared by the replication files (repl.c) ---- */

/* repl_str: data member key of ev when it is a non-empty string of at
 * most max bytes, else NULL. repl_text: the same, empty allowed. */
const char *repl_str(const struct envelope *ev, const char *key, size_t max);
const char *repl_text(const struct envelope *ev, const char *key, size_t max);

/* repl_int: 1 and *out when data member key of ev is an integer from min
 * to max, else 0. */
int repl_int(const struct envelope *ev, const char *key, int64_t min, int64_t max,
	     int64_t *out /* OUT */);

/* repl_utc: a UTC time of event data ("YYYY-MM-DDTHH:MM:SSZ", with or
 * without milliseconds) as MariaDB's "YYYY-MM-DD HH:MM:SS" into out: 1,
 * or 0 when s is not such a time. */
#define REPL_UTC_LEN 19
int repl_utc(const char *s, char out[REPL_UTC_LEN + 1]);

/* repl_utc_ms: the same for a time with milliseconds only
 * ("YYYY-MM-DDTHH:MM:SS.mmmZ" -> "YYYY-MM-DD HH:MM:SS.mmm"), for a
 * DATETIME(3) column: 1, or 0 when s is not such a time. */
#define REPL_UTC_MS_LEN 23
int repl_utc_ms(const char *s, char out[REPL_UTC_MS_LEN + 1]);

/* The statement repl_revocation runs, for a service's statement table. */
#define REPL_REVOCATION_UPSERT_SQL                                                                 \
	"INSERT INTO session_revocations "                                                         \
	"(session_id, user_id, revoked_at, version) VALUES (?, ?, ?, ?) "                          \
	"ON DUPLICATE KEY UPDATE version = GREATEST(version, VALUES(version))"

/* The statement repl_venue runs: a service's venues_replica (id, name,
 * city, timezone, version). */
#define REPL_VENUE_UPSERT_SQL                                                                      \
	"INSERT INTO venues_replica (id, name, city, timezone, version)"                           \
	" VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("name")                   \
	    REPL_IF_NEWER("city") REPL_IF_NEWER("timezone") REPL_VERSION_LAST

/* repl_venue: apply venue event ev to venues_replica with statement stmt
 * (REPL_VENUE_UPSERT_SQL). TK_OK, TK_EINVAL for bad data, or a database
 * error. */
int repl_venue(struct db *db, int stmt, const struct envelope *ev);

/* The statement repl_user runs: a service's users_replica (id, name,
 * role, version). */
#define REPL_USER_UPSERT_SQL                                                                       \
	"INSERT INTO users_replica (id, name, role, version) VALUES (?, ?, ?, ?) "                 \
	"ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("name") REPL_IF_NEWER("role") REPL_VERSION_LAST

/* repl_user: apply user event ev to users_replica with statement stmt
 * (REPL_USER_UPSERT_SQL). TK_OK, TK_EINVAL for bad data, or a database
 * error. The address members (email, email_verified) are checked, never
 * kept. */
int repl_user(struct db *db, int stmt, const struct envelope *ev);

/* The statement repl_user_verified runs: users_replica with the
 * email_verified column (the tickets service: listing needs it). */
#define REPL_USER_VERIFIED_UPSERT_SQL                                                              \
	"INSERT INTO users_replica (id, name, role, email_verified, version) "                     \
	"VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("name")                    \
	    REPL_IF_NEWER("role") REPL_IF_NEWER("email_verified") REPL_VERSION_LAST

/* repl_user_verified: repl_user for REPL_USER_VERIFIED_UPSERT_SQL: the
 * same, and email_verified kept (absent: 0). */
int repl_user_verified(struct db *db, int stmt, const struct envelope *ev);

/* repl_versioned: 1 when the data's id is the envelope's aggregate id and
 * its version the envelope's, else 0. */
int repl_versioned(const struct envelope *ev, const char *id);

/* repl_revocation: apply session event ev to session_revocations with
 * statement stmt (REPL_REVOCATION_UPSERT_SQL): session.revoked is kept,
 * other session events are ignored. TK_OK, TK_EINVAL for bad data, or a
 * database error. */
int repl_revocation(struct db *db, int stmt, const struct envelope *ev);

/* The statement repl_event runs: a service's events_replica (id,
 * starts_at, status, name, venue_id, version). */
#define REPL_EVENT_UPSERT_SQL                                                                      \
	"INSERT INTO events_replica (id, starts_at, status, name, venue_id, version)"              \
	" VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("starts_at")           \
	    REPL_IF_NEWER("status") REPL_IF_NEWER("name") REPL_IF_NEWER("venue_id")                \
		REPL_VERSION_LAST

/* repl_event: apply event.* event ev to events_replica with statement
 * stmt (REPL_EVENT_UPSERT_SQL). TK_OK, TK_EINVAL for bad data, or a
 * database error. */
int repl_event(struct db *db, int stmt, const struct envelope *ev);

/* A ticket.* event's data (docs/MARKETPLACE.md), checked: strings point
 * into the event. */
struct repl_listing {
	const char *id, *event_id, *seller_id, *section, *row, *seat, *note, *currency, *state,
	    *hidden_reason;
	int64_t quantity, price;
};

/* repl_listing_read: the data of ticket event ev into *t. TK_OK, or
 * TK_EINVAL when a member is missing, out of bounds or not the
 * envelope's. */
int repl_listing_read(const struct envelope *ev, struct repl_listing *t /* OUT */);

/* The statement repl_listing_place runs: a listings_replica of where a
 * listing's seats are (id, event_id, seller_id, section, row_label, seat,
 * version), for a service that needs no more of it (the mails). */
#define REPL_LISTING_PLACE_UPSERT_SQL                                                              \
	"INSERT INTO listings_replica (id, event_id, seller_id, section, row_label, seat,"         \
	" version) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"                           \
	" " REPL_IF_NEWER("event_id") REPL_IF_NEWER("seller_id") REPL_IF_NEWER("section")          \
	    REPL_IF_NEWER("row_label") REPL_IF_NEWER("seat") REPL_VERSION_LAST

/* repl_listing_place: apply ticket event ev to such a listings_replica
 * with statement stmt (REPL_LISTING_PLACE_UPSERT_SQL). TK_OK, TK_EINVAL
 * for bad data, or a database error. */
int repl_listing_place(struct db *db, int stmt, const struct envelope *ev);

#endif
