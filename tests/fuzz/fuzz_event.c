/*
 * Fuzz target for event envelopes (event.h). The input bytes go to
 * event_decode. An envelope that decodes must encode again from its
 * decoded fields, and that text (canonical: compact, sorted keys) must
 * decode to the same fields and encode to the very same text. A rejected
 * input must come with a reason. Any departure aborts. Seed inputs are in
 * tests/fuzz/corpus/event/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "event.h"
#include "fuzz.h"

static int
same_event(const struct envelope *a, const struct envelope *b)
{
	return strcmp(a->event_id, b->event_id) == 0 && strcmp(a->type, b->type) == 0 &&
	       strcmp(a->aggregate_type, b->aggregate_type) == 0 &&
	       strcmp(a->aggregate_id, b->aggregate_id) == 0 && a->version == b->version &&
	       strcmp(a->occurred_at, b->occurred_at) == 0 && json_equal(a->data, b->data);
}

static char *
encode(const struct envelope *ev)
{
	return event_encode(ev->event_id, ev->type, ev->aggregate_id, ev->version, ev->occurred_at,
			    ev->data);
}

/* fuzz_accepts (fuzz.h): 1 when event_decode accepts the envelope, 0 when
 * it rejects it with a reason; aborts when a decoded envelope does not
 * round-trip through event_encode. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct envelope ev, again;
	const char *why = NULL;
	char *text = NULL, *text2 = NULL;
	int rc;

	rc = event_decode((const char *)data, size, &ev, &why);
	if (rc != TK_OK) {
		if (why == NULL || ev.root != NULL)
			abort();
		return 0;
	}
	if (why != NULL || strncmp(ev.type, ev.aggregate_type, strlen(ev.aggregate_type)) != 0)
		abort();
	text = encode(&ev);
	if (text == NULL)
		abort();
	if (event_decode(text, strlen(text), &again, &why) != TK_OK || !same_event(&ev, &again))
		abort();
	text2 = encode(&again);
	if (text2 == NULL || strcmp(text, text2) != 0)
		abort();
	free(text);
	free(text2);
	event_free(&again);
	event_free(&ev);
	return 1;
}
