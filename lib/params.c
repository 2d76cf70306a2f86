/*
 * Ordered name/value lists (params.h). The array lives in the request's
 * arena and grows by doubling: the old array is simply left behind in the
 * arena, which costs at most as much again as the final array.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "params.h"

#define PARAMS_FIRST_CAP 8

/*
 * params_add: append name=value to p, growing its array in arena a. The
 * strings are not copied: they must live as long as p (normally in a too).
 */
void
params_add(struct arena *a, struct params *p, const char *name, const char *value, size_t value_len)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : PARAMS_FIRST_CAP;
		struct param *v;

		if (cap > SIZE_MAX / sizeof(*v))
			abort();
		v = arena_alloc(a, cap * sizeof(*v));
		if (p->n > 0)
			memcpy(v, p->v, p->n * sizeof(*v));
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].name = name;
	p->v[p->n].value = value;
	p->v[p->n].value_len = value_len;
	p->n++;
}

/* params_get: the value of the first entry called name, or NULL. */
const char *
params_get(const struct params *p, const char *name)
{
	const char *value = NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].name, name) == 0) {
			value = p->v[i].value;
			break;
		}
	}
	return value;
}

/* params_count: how many entries are called name. */
size_t
params_count(const struct params *p, const char *name)
{
	size_t i, count = 0;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			count++;
	return count;
}
