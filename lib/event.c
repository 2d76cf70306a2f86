/*
 * Event envelopes (event.h): strict decoding of the members it knows, with
 * a reason for every rejection, and the canonical encoding the outbox
 * stores.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "event.h"
#include "uuid.h"

/* The members every envelope has; schema_version may be absent. */
static const char *const members[] = {
    "event_id",    "type", "aggregate_type", "aggregate_id", "aggregate_version",
    "occurred_at", "data"};

#define NMEMBERS (sizeof(members) / sizeof(members[0]))

/* The part [a-z_]+ starting at s: its length, 0 when none. */
static size_t
word_len(const char *s)
{
	size_t n = 0;

	while ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_')
		n++;
	return n;
}

int
event_type_valid(const char *type)
{
	size_t a, v;

	if (type == NULL || strlen(type) > EVENT_TYPE_MAX)
		return 0;
	a = word_len(type);
	if (a == 0 || type[a] != '.')
		return 0;
	v = word_len(type + a + 1);
	return v > 0 && type[a + 1 + v] == '\0';
}

int
event_subject(const char *type, char *out, size_t size)
{
	int n;

	if (!event_type_valid(type))
		return TK_EINVAL;
	n = snprintf(out, size, EVENT_SUBJECT_PREFIX "%s", type);
	return n >= 0 && (size_t)n < size ? TK_OK : TK_EINVAL;
}

static int
aggregate_id_valid(const char *id)
{
	size_t n = strlen(id), i;

	if (n == 0 || n > EVENT_AGGREGATE_ID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)id[i] <= ' ' || (unsigned char)id[i] >= 0x7f)
			return 0;
	return 1;
}

/* digits: the n characters at s are decimal digits; their value in *v. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" with fields in range. */
static int
time_valid(const char *t)
{
	int y, mo, d, h, mi, s, ms;

	return strlen(t) == EVENT_TIME_LEN && digits(t, 4, &y) && t[4] == '-' &&
	       digits(t + 5, 2, &mo) && t[7] == '-' && digits(t + 8, 2, &d) && t[10] == 'T' &&
	       digits(t + 11, 2, &h) && t[13] == ':' && digits(t + 14, 2, &mi) && t[16] == ':' &&
	       digits(t + 17, 2, &s) && t[19] == '.' && digits(t + 20, 3, &ms) && t[23] == 'Z' &&
	       y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 &&
	       s <= 60;
}

int
event_time_ms(const char *t, int64_t *ms)
{
	struct tm tm = {0}, want, back;
	time_t secs;
	int msec = 0, rc = TK_EINVAL;

	if (t == NULL || !time_valid(t))
		goto out;
	digits(t, 4, &tm.tm_year);
	digits(t + 5, 2, &tm.tm_mon);
	digits(t + 8, 2, &tm.tm_mday);
	digits(t + 11, 2, &tm.tm_hour);
	digits(t + 14, 2, &tm.tm_min);
	digits(t + 17, 2, &tm.tm_sec);
	digits(t + 20, 3, &msec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	want = tm;
	secs = timegm(&tm);
	/* timegm normalises: a day or second out of range moves the time. */
	if (secs == (time_t)-1 || gmtime_r(&secs, &back) == NULL || back.tm_mday != want.tm_mday ||
	    back.tm_sec != want.tm_sec)
		goto out;
	*ms = (int64_t)secs * 1000 + msec;
	rc = TK_OK;
out:
	return rc;
}

/* check: every rule of event.h on root; NULL when it holds, else why. */
static const char *
check(json_t *root, struct envelope *ev)
{
	json_t *v;
	size_t i, a;

	if (!json_is_object(root))
		return "envelope is not a JSON object";
	for (i = 0; i < NMEMBERS; i++)
		if (json_object_get(root, members[i]) == NULL)
			return "envelope lacks a member";

	v = json_object_get(root, "event_id");
	if (!json_is_string(v) || !uuid_valid(json_string_value(v)))
		return "event_id is not a UUID";
	ev->event_id = json_string_value(v);

	v = json_object_get(root, "type");
	if (!json_is_string(v) || !event_type_valid(json_string_value(v)))
		return "type is not <aggregate>.<verb>";
	ev->type = json_string_value(v);
	a = word_len(ev->type);
	memcpy(ev->aggregate_type, ev->type, a);
	ev->aggregate_type[a] = '\0';

	v = json_object_get(root, "aggregate_type");
	if (!json_is_string(v) || strcmp(json_string_value(v), ev->aggregate_type) != 0)
		return "aggregate_type does not match type";

	v = json_object_get(root, "aggregate_id");
	if (!json_is_string(v) || !aggregate_id_valid(json_string_value(v)))
		return "aggregate_id is not 1 to 64 printable characters";
	ev->aggregate_id = json_string_value(v);

	v = json_object_get(root, "aggregate_version");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return "aggregate_version is not an integer >= 1";
	ev->version = (int64_t)json_integer_value(v);

	v = json_object_get(root, "occurred_at");
	if (!json_is_string(v) || !time_valid(json_string_value(v)))
		return "occurred_at is not YYYY-MM-DDTHH:MM:SS.mmmZ";
	ev->occurred_at = json_string_value(v);

	v = json_object_get(root, "data");
	if (!json_is_object(v))
		return "data is not an object";
	ev->data = v;

	v = json_object_get(root, "schema_version");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1))
		return "schema_version is not an integer >= 1";
	ev->schema_version = v != NULL ? (int64_t)json_integer_value(v) : 1;
	return NULL;
}

int
event_decode(const char *buf, size_t len, struct envelope *ev, const char **why)
{
	json_error_t jerr;
	json_t *root = NULL;
	int rc = TK_EINVAL;

	memset(ev, 0, sizeof(*ev));
	*why = NULL;
	if (len > EVENT_MAX_BYTES) {
		*why = "envelope is too big";
		rc = TK_ETOOBIG;
		goto out;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		*why = "envelope is not valid JSON";
		goto out;
	}
	*why = check(root, ev);
	if (*why != NULL) {
		memset(ev, 0, sizeof(*ev));
		goto out;
	}
	ev->root = root;
	root = NULL;
	rc = TK_OK;
out:
	json_decref(root);
	return rc;
}

void
event_free(struct envelope *ev)
{
	if (ev == NULL)
		return;
	json_decref(ev->root);
	memset(ev, 0, sizeof(*ev));
}

char *
event_encode(const char *event_id, const char *type, const char *aggregate_id, int64_t version,
	     const char *occurred_at, json_t *data)
{
	char agg[EVENT_TYPE_MAX + 1];
	json_t *env = NULL;
	char *text = NULL;
	size_t a;

	if (event_id == NULL || !uuid_valid(event_id) || !event_type_valid(type) ||
	    aggregate_id == NULL || !aggregate_id_valid(aggregate_id) || version < 1 ||
	    occurred_at == NULL || !time_valid(occurred_at) || !json_is_object(data))
		goto out;
	a = word_len(type);
	memcpy(agg, type, a);
	agg[a] = '\0';
	env = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:O, s:i}", "event_id", event_id, "type",
			type, "aggregate_type", agg, "aggregate_id", aggregate_id,
			"aggregate_version", (json_int_t)version, "occurred_at", occurred_at,
			"data", data, "schema_version", EVENT_SCHEMA_VERSION);
	if (env == NULL)
		goto out;
	text = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(env);
	return text;
}

void
event_now(char out[EVENT_TIME_LEN + 1])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, EVENT_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, EVENT_TIME_LEN + 1 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}
