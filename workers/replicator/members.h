/*
 * The strict reader of an event's data that the replicator's readers of
 * other services' events share (stock.h, payment.h): one table declares
 * every member with its kind, bounds and the reason a bad value is
 * refused; the data must have those members, and any other member is
 * ignored (a later version of the writer may add members: lib/event.h,
 * "Compatibility"). The rules between members stay with each reader.
 */
#ifndef TK_MEMBERS_H
#define TK_MEMBERS_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The kinds of member: a UUID, text without control characters of at
 * most max characters (min 1: not empty), a whole number from min to max. */
enum members_kind { MEMBERS_UUID, MEMBERS_TEXT, MEMBERS_COUNT };

/* A member of the data: MEMBERS_UUID and MEMBERS_TEXT fill the const char *
 * at off of the output struct, MEMBERS_COUNT the int64_t at off. */
struct members_member {
	const char *key;
	enum members_kind kind;
	int64_t min, max;
	size_t off;
	const char *why; /* the refusal of a bad value */
};

/* A reader: its members and the refusal of a missing member. */
struct members_spec {
	const struct members_member *m;
	size_t n;
	const char *missing_why;
};

/*
 * members_read: the members of data (a JSON object) into out, by spec.
 * NULL when every member of spec is there and good, else the reason of
 * the first refusal (spec's strings; out may be partly filled then).
 */
const char *members_read(json_t *data, const struct members_spec *spec, void *out /* OUT */);

/* members_text_ok: s (valid UTF-8, as jansson keeps every string) has at
 * most max characters and no control character. */
int members_text_ok(const char *s, int64_t max);

#endif
