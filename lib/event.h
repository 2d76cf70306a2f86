/*
 * Event envelopes: the JSON documents services publish to JetStream (one
 * per outbox row) and workers consume. The encoder builds the canonical
 * text (compact, keys sorted); the decoder is strict and accepts exactly
 * the documented shape, so a consumer never half-applies a malformed event.
 *
 * Envelope (a JSON object with exactly these members):
 *   event_id          lowercase canonical UUID; also the Nats-Msg-Id
 *   type              "<aggregate>.<verb>", both [a-z_]+, e.g. "user.created"
 *   aggregate_type    equal to the part of type before the dot
 *   aggregate_id      1..64 printable ASCII characters, no spaces
 *   aggregate_version integer >= 1, increasing with every change
 *   occurred_at       UTC time, exactly "YYYY-MM-DDTHH:MM:SS.mmmZ"
 *   data              the aggregate's full new state (an object)
 *   schema_version    integer >= 1: the layout of the envelope and of data
 *                     (EVENT_SCHEMA_VERSION when written here); 1 when
 *                     absent (events written before the member existed)
 * Compatibility (docs/DECISIONS.md "Event schema versions"): adding a member
 * to the envelope or to data keeps the schema version, and readers of the
 * version before ignore it; removing or renaming a member, or changing what
 * a value means, raises it, and a reader that meets a version above
 * EVENT_SCHEMA_VERSION holds the event, unapplied, until it is upgraded
 * (lib/worker.c).
 * Subjects are "ticketing.<type>". A decoded envelope is a struct
 * envelope (the events service's struct event is a concert, not this).
 */
#ifndef TK_EVENT_H
#define TK_EVENT_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define EVENT_SUBJECT_PREFIX "ticketing."
#define EVENT_TYPE_MAX 64
#define EVENT_AGGREGATE_ID_MAX 64
#define EVENT_TIME_LEN 24
#define EVENT_MAX_BYTES (1024 * 1024)
/* The schema version this build writes, and the highest it reads. */
#define EVENT_SCHEMA_VERSION 1

/* A decoded envelope. The strings and data point into root and live until
 * event_free. */
struct envelope {
	json_t *root;
	const char *event_id;
	const char *type;
	char aggregate_type[EVENT_TYPE_MAX + 1];
	const char *aggregate_id;
	int64_t version;
	const char *occurred_at;
	json_t *data; /* borrowed from root */
	int64_t schema_version;
};

/*
 * event_decode: parse len bytes of buf (no NUL needed) into *ev. Returns
 * TK_OK (release with event_free) or TK_EINVAL with *why set to a short
 * static reason (and *ev empty), or TK_ETOOBIG over EVENT_MAX_BYTES.
 */
int event_decode(const char *buf, size_t len, struct envelope *ev /* OUT */,
		 const char **why /* OUT */);

/* event_free: release a decoded event. Accepts an emptied or zeroed one. */
void event_free(struct envelope *ev);

/*
 * event_encode: the canonical envelope text (malloc'd, caller frees) for
 * the given fields, with schema_version EVENT_SCHEMA_VERSION; data is
 * borrowed. NULL when a field is invalid (the
 * result would not pass event_decode).
 */
char *event_encode(const char *event_id, const char *type, const char *aggregate_id,
		   int64_t version, const char *occurred_at, json_t *data);

/* event_now: the current UTC time in the envelope format. */
void event_now(char out[EVENT_TIME_LEN + 1]);

/*
 * event_time_ms: the UTC time t, in the envelope format
 * "YYYY-MM-DDTHH:MM:SS.mmmZ" (the format of occurred_at and of the times
 * in data), as milliseconds since 1970 into *ms. TK_OK, or TK_EINVAL when
 * t is not in that format or names no real time (February 30th, a leap
 * second).
 */
int event_time_ms(const char *t, int64_t *ms /* OUT */);

/* event_type_valid: 1 when type is "<[a-z_]+>.<[a-z_]+>" and not longer
 * than EVENT_TYPE_MAX, else 0. */
int event_type_valid(const char *type);

/* event_subject: "ticketing.<type>" into out (size bytes). TK_OK, or
 * TK_EINVAL for an invalid type or a too small buffer. */
int event_subject(const char *type, char *out, size_t size);

#endif
