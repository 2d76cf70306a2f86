/*
 * The strict reader of event data by a table of members (members.h).
 */
#include <jansson.h>

#include "members.h"
#include "uuid.h"

int
members_text_ok(const char *s, int64_t max)
{
	int64_t chars = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	return chars <= max;
}

/* read_member: member m of data into out; NULL, or the reason it fails. */
static const char *
read_member(json_t *data, const struct members_member *m, void *out)
{
	json_t *v = json_object_get(data, m->key);
	const char *s = json_string_value(v);
	char *at = (char *)out + m->off;

	switch (m->kind) {
	case MEMBERS_UUID:
		if (s == NULL || !uuid_valid(s))
			return m->why;
		break;
	case MEMBERS_TEXT:
		if (s == NULL || !members_text_ok(s, m->max) || (m->min > 0 && *s == '\0'))
			return m->why;
		break;
	case MEMBERS_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < m->min ||
		    json_integer_value(v) > m->max)
			return m->why;
		*(int64_t *)(void *)at = json_integer_value(v);
		return NULL;
	}
	*(const char **)(void *)at = s;
	return NULL;
}

const char *
members_read(json_t *data, const struct members_spec *spec, void *out)
{
	const char *why = NULL;
	size_t i;

	if (!json_is_object(data))
		return spec->missing_why;
	for (i = 0; i < spec->n; i++)
		if (json_object_get(data, spec->m[i].key) == NULL)
			return spec->missing_why;
	for (i = 0; i < spec->n && why == NULL; i++)
		why = read_member(data, &spec->m[i], out);
	return why;
}
