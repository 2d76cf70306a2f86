/*
 * Transactional outbox. A service that changes data writes the event that
 * describes the change into its own outbox table in the same transaction;
 * the relay (workers/relay) publishes outbox rows to JetStream later, in
 * order, and marks them sent after the PubAck. So an event exists exactly
 * when its change committed, whatever process dies when.
 *
 * Each emitting service puts OUTBOX_INSERT_SQL in its statement table and
 * passes that statement's index to outbox_append. The outbox table itself
 * is the shared sql/common/outbox, which `ticketingctl migrate` applies to
 * every service the backbone registry lists as an emitter (lib/backbone.h).
 */
#ifndef TK_OUTBOX_H
#define TK_OUTBOX_H
#include <stdint.h>

#include <jansson.h>

struct db;

/* The statement outbox_append runs (parameters are bound by it). */
#define OUTBOX_INSERT_SQL "INSERT INTO outbox (event_id, subject, payload) VALUES (?, ?, ?)"

/*
 * outbox_append: inside the caller's open transaction on db, add the event
 * of type (e.g. "user.created", published on subject "ticketing.user.created")
 * about aggregate (aggregate_type, aggregate_id) at aggregate version
 * version, whose full new state is the JSON object state (borrowed, not
 * modified). The envelope gets a fresh event id and the current time.
 * Returns TK_OK or a db_exec error; the caller then rolls back.
 */
int outbox_append(struct db *db, int stmt, const char *type, const char *aggregate_type,
		  const char *aggregate_id, int64_t version, json_t *state);

#endif
