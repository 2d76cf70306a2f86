/*
 * Fuzz target for the reader of payment.* (workers/replicator/payment.h),
 * as the orders-payments consumer runs it on what the stream delivers:
 * the input bytes go to event_decode and, when they are an envelope, to
 * payment_decode. An accepted payment must keep every promise of
 * payment.h (UUIDs, id the aggregate's, the envelope's version, an amount
 * in its bounds, a currency of three capitals, a charge); a refused one
 * must come with a reason and leave nothing behind. Any departure aborts.
 * Seed inputs are in tests/fuzz/corpus/payment/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "event.h"
#include "fuzz.h"
#include "payment.h"
#include "uuid.h"

/* promised: the accepted payment pe of envelope ev keeps payment.h's rules. */
static int
promised(const struct envelope *ev, const struct payment_event *pe)
{
	return pe->id != NULL && uuid_valid(pe->id) && strcmp(pe->id, ev->aggregate_id) == 0 &&
	       pe->order_id != NULL && uuid_valid(pe->order_id) && pe->buyer_id != NULL &&
	       uuid_valid(pe->buyer_id) && pe->currency != NULL && strlen(pe->currency) == 3 &&
	       strspn(pe->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3 && pe->charge_id != NULL &&
	       *pe->charge_id != '\0' && strlen(pe->charge_id) <= PAYMENT_TEXT_MAX &&
	       pe->provider != NULL && pe->provider_session_id != NULL && pe->state != NULL &&
	       pe->failure_code != NULL && pe->amount >= 1 && pe->amount <= PAYMENT_AMOUNT_MAX &&
	       pe->version == ev->version;
}

/* fuzz_accepts (fuzz.h): 1 when the input is an envelope whose payment
 * data payment_decode accepts, else 0; aborts when a promise above breaks. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct envelope ev;
	struct payment_event pe;
	const char *why = NULL;
	int accepted = 0;

	if (event_decode((const char *)data, size, &ev, &why) != TK_OK)
		return 0;
	why = NULL;
	if (payment_decode(&ev, &pe, &why) != TK_OK) {
		if (why == NULL || pe.id != NULL || pe.version != 0)
			abort();
		goto out;
	}
	if (why != NULL || !promised(&ev, &pe))
		abort();
	accepted = 1;
out:
	event_free(&ev);
	return accepted;
}
