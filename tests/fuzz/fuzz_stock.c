/*
 * Fuzz target for the reader of stock.changed (workers/replicator/stock.h),
 * as the tickets-stock and events-stock consumers run it on what the
 * stream delivers: the input bytes go to event_decode and, when they are
 * an envelope, to stock_decode. An accepted change must keep every promise
 * of stock.h (UUIDs, id the aggregate's, the envelope's version, counts in
 * their bounds that add up, available as defined); a refused one must
 * come with a reason and leave nothing behind. Any departure aborts. Seed
 * inputs are in tests/fuzz/corpus/stock/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "event.h"
#include "fuzz.h"
#include "stock.h"
#include "uuid.h"

/* promised: the accepted change sc of envelope ev keeps stock.h's rules. */
static int
promised(const struct envelope *ev, const struct stock_change *sc)
{
	int active = sc->state != NULL && strcmp(sc->state, "active") == 0;

	return sc->id != NULL && uuid_valid(sc->id) && strcmp(sc->id, ev->aggregate_id) == 0 &&
	       sc->event_id != NULL && uuid_valid(sc->event_id) && sc->seller_id != NULL &&
	       uuid_valid(sc->seller_id) && sc->section != NULL && sc->row != NULL &&
	       sc->seat != NULL && sc->currency != NULL && sc->state != NULL && sc->price >= 1 &&
	       sc->ticket_version >= 1 && sc->offered >= 0 && sc->offered <= STOCK_OFFERED_MAX &&
	       sc->quantity >= 0 && sc->quantity <= UINT32_MAX && sc->reserved >= 0 &&
	       sc->sold >= 0 && sc->reserved + sc->sold <= sc->quantity &&
	       sc->available == (active ? sc->quantity - sc->reserved - sc->sold : 0) &&
	       sc->sold_amount >= 0 && sc->version == ev->version;
}

/* fuzz_accepts (fuzz.h): 1 when the input is an envelope whose
 * stock.changed data stock_decode accepts, else 0; aborts when a promise
 * above breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct envelope ev;
	struct stock_change sc;
	const char *why = NULL;
	int accepted = 0;

	if (event_decode((const char *)data, size, &ev, &why) != TK_OK)
		return 0;
	why = NULL;
	if (stock_decode(&ev, &sc, &why) != TK_OK) {
		if (why == NULL || sc.id != NULL || sc.version != 0)
			abort();
		goto out;
	}
	if (why != NULL || !promised(&ev, &sc))
		abort();
	accepted = 1;
out:
	event_free(&ev);
	return accepted;
}
