/*
 * Table-driven routing (router.h). Patterns and paths are compared segment
 * by segment, with no normalisation: nginx has already decoded and cleaned
 * the path, and a trailing slash is a different path. A route table is tiny
 * (tens of entries), so a linear scan is the whole algorithm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "form.h"
#include "params.h"
#include "router.h"

#define ALLOW_MAX 16

/*
 * match: 1 when path matches pattern. With params != NULL the ":name"
 * segments are added to it (only call so once the match is known, so a
 * failed match leaves nothing behind). A ":name" segment takes one
 * non-empty, valid UTF-8 path segment.
 */
static int
match(const char *pattern, const char *path, struct arena *a, struct params *params)
{
	const char *p = pattern, *q = path;
	int ok = 0;

	if (*p != '/' || *q != '/')
		goto out;
	for (;;) {
		size_t pl, ql;

		p++;
		q++;
		pl = strcspn(p, "/");
		ql = strcspn(q, "/");
		if (p[0] == ':' && pl > 1) {
			if (ql == 0 || !utf8_valid(q, ql))
				goto out;
			if (params != NULL)
				params_add(a, params, arena_strndup(a, p + 1, pl - 1),
					   arena_strndup(a, q, ql), ql);
		} else if (pl != ql || memcmp(p, q, pl) != 0) {
			goto out;
		}
		p += pl;
		q += ql;
		if (*p == '\0' || *q == '\0')
			break;
	}
	ok = *p == '\0' && *q == '\0';
out:
	return ok;
}

/* method_matches: a route for route_method answers method (GET takes HEAD). */
static int
method_matches(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* add_method: put m in v[0..*n) unless it is there or v is full. */
static void
add_method(const char **v, size_t *n, const char *m)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], m) == 0)
			break;
	if (i == *n && *n < ALLOW_MAX)
		v[(*n)++] = m;
}

/*
 * allow_list: "GET, HEAD, POST": the methods of the routes whose pattern
 * matches path, sorted, HEAD added with GET, in arena a.
 */
static const char *
allow_list(const struct route *table, size_t n, const char *path, struct arena *a)
{
	const char *v[ALLOW_MAX];
	size_t i, nv = 0, len = 0;
	char *s, *w;

	for (i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, NULL, NULL))
			continue;
		add_method(v, &nv, table[i].method);
		if (strcmp(table[i].method, "GET") == 0)
			add_method(v, &nv, "HEAD");
	}
	qsort(v, nv, sizeof(v[0]), cmp_str);
	for (i = 0; i < nv; i++)
		len += strlen(v[i]) + 2;
	s = w = arena_alloc(a, len + 1);
	for (i = 0; i < nv; i++) {
		size_t m = strlen(v[i]);

		if (i > 0) {
			memcpy(w, ", ", 2);
			w += 2;
		}
		memcpy(w, v[i], m);
		w += m;
	}
	*w = '\0';
	return s;
}

/*
 * router_match: see router.h. params and allow may be NULL when the caller
 * does not want them.
 */
const struct route *
router_match(const struct route *table, size_t n, const char *method, const char *path,
	     struct arena *a, struct params *params, enum route_match *res, const char **allow)
{
	const struct route *found = NULL;
	int path_known = 0;
	size_t i;

	for (i = 0; i < n && found == NULL; i++) {
		if (!match(table[i].pattern, path, NULL, NULL))
			continue;
		path_known = 1;
		if (method_matches(table[i].method, method))
			found = &table[i];
	}
	if (found != NULL) {
		if (params != NULL)
			match(found->pattern, path, a, params);
		*res = ROUTE_FOUND;
	} else if (path_known) {
		*res = ROUTE_METHOD_NOT_ALLOWED;
		if (allow != NULL)
			*allow = allow_list(table, n, path, a);
	} else {
		*res = ROUTE_NOT_FOUND;
	}
	return found;
}

int
router_print(FILE *f, const struct route *table, size_t n)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
	    {RF_SIGNED_IN, "signed_in"}, {RF_CSRF, "csrf"},       {RF_ORGANIZER, "organizer"},
	    {RF_ADMIN, "admin"},         {RF_MACHINE, "machine"}, {RF_LOOPBACK, "loopback"},
	};
	size_t i, j;
	int rc = TK_OK;

	for (i = 0; i < n; i++) {
		const char *sep = " ";

		fprintf(f, "%s %s", table[i].method, table[i].pattern);
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			if (table[i].flags & names[j].flag) {
				fprintf(f, "%s%s", sep, names[j].name);
				sep = ",";
			}
		}
		fprintf(f, "%s\n", table[i].flags == 0 ? " -" : "");
	}
	if (fflush(f) != 0 || ferror(f))
		rc = TK_EIO;
	return rc;
}
