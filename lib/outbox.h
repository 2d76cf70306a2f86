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
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "uuid.h"

struct db;

/* The statement outbox_append runs (parameters are bound by it). */
#define OUTBOX_INSERT_SQL "INSERT INTO outbox (event_id, subject, payload) VALUES (?, ?, ?)"

/*
 * The relay's claim and marking (workers/relay), here so that a test can
 * run the very statements (tests/integration/test_relay_locks.c).
 *
 * OUTBOX_CLAIM_SQL, in a READ COMMITTED transaction: up to OUTBOX_BATCH
 * unsent rows (id, event_id, subject, payload) in id order, locked, rows
 * another transaction holds skipped. FORCE INDEX keeps every claim on
 * outbox_unsent: left to the optimizer, a small outbox (or one whose rows
 * are mostly unsent) is read through the primary key and a larger one
 * through outbox_unsent, and a claim through outbox_unsent that skips a
 * row whose primary-key record another claim locked keeps the lock it
 * took on the row's outbox_unsent entry; the other claim's marking, which
 * moves that entry (sent_at changes), then waits for it (docs/PITFALLS.md,
 * docs/DECISIONS.md "The relay's claim always through outbox_unsent").
 * Through one index, a claim meets a claimed row at its outbox_unsent
 * entry first and takes no lock on it at all.
 *
 * OUTBOX_MARK_SQL, in the transaction that claimed them: marks sent the
 * rows whose ids fill its OUTBOX_BATCH places (0 for an unused place: no
 * outbox id is 0).
 */
#define OUTBOX_BATCH 100
#define OUTBOX_CLAIM_SQL                                                                           \
	"SELECT id, event_id, subject, payload FROM outbox FORCE INDEX (outbox_unsent) "           \
	"WHERE sent_at IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED"
#define OUTBOX_IDS_10_ "?,?,?,?,?,?,?,?,?,?"
#define OUTBOX_MARK_SQL                                                                            \
	"UPDATE outbox SET sent_at = NOW(6) WHERE id IN (" OUTBOX_IDS_10_ "," OUTBOX_IDS_10_       \
	"," OUTBOX_IDS_10_ "," OUTBOX_IDS_10_ "," OUTBOX_IDS_10_ "," OUTBOX_IDS_10_                \
	"," OUTBOX_IDS_10_ "," OUTBOX_IDS_10_ "," OUTBOX_IDS_10_ "," OUTBOX_IDS_10_ ")"

/* The most events one outbox_rows holds. */
#define OUTBOX_HELD 4

/* Events built and held for one insert (outbox_hold, outbox_write):
 * zero-initialise; outbox_rows_clear releases. */
struct outbox_rows {
	size_t n;
	char id[OUTBOX_HELD][UUID_STR_LEN + 1];
	char subject[OUTBOX_HELD][128];
	char *payload[OUTBOX_HELD];
};

/*
 * outbox_hold: build the event outbox_append would add (the same
 * arguments) and keep it in r for outbox_write. TK_OK; TK_EINVAL for a
 * type that does not fit aggregate_type, or when r holds OUTBOX_HELD.
 */
int outbox_hold(struct outbox_rows *r, const char *type, const char *aggregate_type,
		const char *aggregate_id, int64_t version, json_t *state);

/*
 * outbox_write: inside the caller's open transaction on db, insert the
 * events r holds, in the order they were held, by one execution of stmt
 * (OUTBOX_INSERT_SQL, array-bound: one round trip), and empty r. TK_OK
 * (also for none) or a db_exec error; the caller then rolls back.
 */
int outbox_write(struct db *db, int stmt, struct outbox_rows *r);

/* outbox_rows_clear: release and forget what r holds. */
void outbox_rows_clear(struct outbox_rows *r);

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
