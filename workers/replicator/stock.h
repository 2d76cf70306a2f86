/*
 * The one reader of stock.changed (docs/MARKETPLACE.md), the orders
 * service's event of a listing's units, for the two services that keep a
 * copy of it: the tickets service (the seller's counts) and the events
 * service (what the catalogue shows). Events come from the stream, so the
 * reader is strict, like the envelope's (lib/event.h): the data has
 * exactly the documented members, each of its type and within the bounds
 * the replicas can store, the counts add up, and every refusal has a
 * reason, which the dead letter keeps.
 */
#ifndef TK_STOCK_H
#define TK_STOCK_H
#include <stdint.h>

#include "worker.h"

struct envelope;

/* The event type read here; other ticketing.stock.* types are not known. */
#define STOCK_CHANGED "stock.changed"

/* The most characters of section, row and seat (the replicas' columns). */
#define STOCK_TEXT_MAX 100
/* The most units a seller offers that a replica stores (the tickets
 * service's stock_replica.offered is a SMALLINT UNSIGNED). */
#define STOCK_OFFERED_MAX 65535

/* The data of one stock.changed. The strings point into the envelope. */
struct stock_change {
	const char *id, *event_id, *seller_id; /* UUIDs; id = the aggregate's */
	const char *section, *row, *seat;      /* possibly empty */
	const char *currency;                  /* the deployment's (lib/money.h) */
	const char *state;                     /* active, withdrawn, hidden or cancelled */
	int64_t price;                         /* per unit, minor units, above 0 */
	int64_t ticket_version, offered, quantity, reserved, sold, available, sold_amount;
	int64_t version; /* = the envelope's */
};

/*
 * stock_decode: the data of envelope ev, a stock.changed, into *sc. TK_OK,
 * or TK_EINVAL with *why set to a short static reason (and *sc zeroed).
 * Refused: another type; a member missing or unknown; an id, event_id or
 * seller_id that is not a UUID, or an id other than the aggregate's;
 * section, row or seat not text of at most STOCK_TEXT_MAX characters
 * without control characters; a currency other than the deployment's; an
 * unknown state; a count that is not a whole number within its bounds
 * (price above 0, ticket_version and version from 1, offered at most
 * STOCK_OFFERED_MAX, the units at most UINT32_MAX); a version other than
 * the envelope's; reserved + sold above quantity; available other than
 * quantity - reserved - sold when active, 0 otherwise.
 */
int stock_decode(const struct envelope *ev, struct stock_change *sc /* OUT */,
		 const char **why /* OUT */);

/* A consumer's parameters of its replica's upsert for a decoded
 * stock.changed, into p (at most STOCK_PARAMS_MAX). */
#define STOCK_PARAMS_MAX 32
typedef void (*stock_params_fn)(const struct stock_change *sc, struct db_val *p /* OUT */);

/*
 * stock_row: job's event, when it is a stock.changed the decoder accepts,
 * as the parameters params makes of it, into row: TK_OK, else TK_EINVAL.
 * The row function of a stock consumer's worker_rows (lib/worker.h).
 */
int stock_row(const struct worker_job *job, stock_params_fn params, struct db_val *row /* OUT */);

/*
 * stock_handle: the handler of a stock.* consumer whose stock.changed
 * events are the rows of rows: an event of another type is acknowledged
 * and left alone; a stock.changed the decoder refuses is DEAD with its
 * reason; one it accepts (the shell runs those as rows, so only when the
 * consumer has no rows) runs rows->stmt, with the verdict of its code
 * (worker_verdict_of).
 */
struct worker_verdict stock_handle(struct worker_job *job, const struct worker_rows *rows);

#endif
