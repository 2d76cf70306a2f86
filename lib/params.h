/*
 * Name/value lists parsed from untrusted input: query strings, urlencoded
 * bodies, cookies and route parameters. All strings live in the request's
 * arena. Order is kept; repeated names are kept as separate entries.
 */
#ifndef TK_PARAMS_H
#define TK_PARAMS_H
#include <stddef.h>

struct arena;

struct param {
	const char *name;  /* NUL-terminated, valid UTF-8 */
	const char *value; /* NUL-terminated, valid UTF-8 without NUL bytes */
	size_t value_len;
};

struct params {
	struct param *v;
	size_t n;
	size_t cap;
};

/* params_add: append a pair (strings are not copied). */
void params_add(struct arena *a, struct params *p, const char *name, const char *value,
		size_t value_len);
/* params_get: the value of the first entry called name, or NULL. */
const char *params_get(const struct params *p, const char *name);
/* params_count: how many entries are called name. */
size_t params_count(const struct params *p, const char *name);

#endif
