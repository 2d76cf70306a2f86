/*
 * Fuzz target for router_match (lib/router.c) against the real route
 * tables: on its first call it runs every service program the build made
 * (fcgi/<service>/ticketing-<service> under $TK_BUILDDIR, else the build
 * directory this was compiled for) with --list-routes and rebuilds each
 * table from what it prints (the handlers are not needed to match). A new
 * service is fuzzed without a change here. The input is a method, one
 * space and a path ("GET /events/x"); without a space it is all method and
 * the path is empty. The path is NUL-terminated where the input first
 * holds a NUL, as a C string from nginx would be.
 *
 * Every table's answer is checked against a second, plain matcher written
 * here from router.h's contract: the first route whose pattern and method
 * fit is found; its :name segments and only those are the params, with
 * the path's segments as values; "not found" only when no pattern fits,
 * "method not allowed" only when a pattern fits but no method, with an
 * Allow list of exactly the fitting routes' methods (HEAD with GET).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "form.h"
#include "fuzz.h"
#include "params.h"
#include "router.h"
#include "text.h"

#define MAX_TABLES 16
#define MAX_ROUTES 256

struct table {
	struct route routes[MAX_ROUTES];
	size_t n;
};

static struct table tables[MAX_TABLES];
static size_t ntables;

/* handler: the stand-in for every route's handler; never called. */
static int
handler(struct request *r)
{
	(void)r;
	abort();
}

static unsigned
parse_flags(const char *s)
{
	static const struct {
		const char *name;
		unsigned flag;
	} names[] = {{"signed_in", RF_SIGNED_IN},
		     {"csrf", RF_CSRF},
		     {"organizer", RF_ORGANIZER},
		     {"admin", RF_ADMIN},
		     {"machine", RF_MACHINE}};
	unsigned flags = 0;
	size_t i, len;

	while (strcmp(s, "-") != 0 && *s != '\0') {
		len = strcspn(s, ",");
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && strncmp(s, names[i].name, len) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			fprintf(stderr, "fuzz_router: unknown route flag in '%s'\n", s);
			abort();
		}
		flags |= names[i].flag;
		s += len + (s[len] == ',');
	}
	return flags;
}

/* load_table: the routes program prints with --list-routes into t. */
static void
load_table(const char *program, struct table *t)
{
	char cmd[4096], line[1024], method[16], pattern[512], flags[128];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' --list-routes", program);
	f = popen(cmd, "r");
	if (f == NULL)
		abort();
	while (fgets(line, sizeof(line), f) != NULL) {
		struct route *r;

		if (t->n == MAX_ROUTES ||
		    sscanf(line, "%15s %511s %127s", method, pattern, flags) != 3) {
			fprintf(stderr, "fuzz_router: %s: cannot read '%s'\n", program, line);
			abort();
		}
		r = &t->routes[t->n++];
		r->method = strdup(method);
		r->pattern = strdup(pattern);
		r->handler = handler;
		r->flags = parse_flags(flags);
	}
	if (pclose(f) != 0 || t->n == 0) {
		fprintf(stderr, "fuzz_router: %s --list-routes failed\n", program);
		abort();
	}
}

/* load_tables: every service program's table, once. */
static void
load_tables(void)
{
	const char *dir = getenv("TK_BUILDDIR");
	char pattern[4096];
	glob_t g;
	size_t i;

	if (ntables > 0)
		return;
	if (dir == NULL || *dir == '\0')
		dir = FUZZ_BUILDDIR;
	snprintf(pattern, sizeof(pattern), "%s/fcgi/*/ticketing-*", dir);
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "fuzz_router: no service program matches %s\n", pattern);
		abort();
	}
	for (i = 0; i < g.gl_pathc && ntables < MAX_TABLES; i++)
		if (access(g.gl_pathv[i], X_OK) == 0)
			load_table(g.gl_pathv[i], &tables[ntables++]);
	globfree(&g);
	if (ntables == 0)
		abort();
}

/* seg_len: the length of the segment at s, up to '/' or the end. */
static size_t
seg_len(const char *s)
{
	return strcspn(s, "/");
}

/*
 * fits: the plain matcher. 1 when path fits pattern: both absolute, the
 * same number of segments, each literal one equal, each ":name" one (name
 * not empty) facing a non-empty, valid UTF-8 segment. With p, checks that
 * p holds exactly the :name segments with their values (abort if not).
 */
static int
fits(const char *pattern, const char *path, const struct params *p)
{
	size_t np = 0;

	if (*pattern != '/' || *path != '/')
		return 0;
	while (*pattern == '/' && *path == '/') {
		size_t pl = seg_len(++pattern), ql = seg_len(++path);

		if (pattern[0] == ':' && pl > 1) {
			if (ql == 0 || !utf8_valid(path, ql))
				return 0;
			if (p != NULL &&
			    (np >= p->n || strlen(p->v[np].name) != pl - 1 ||
			     strncmp(p->v[np].name, pattern + 1, pl - 1) != 0 ||
			     p->v[np].value_len != ql || strncmp(p->v[np].value, path, ql) != 0))
				abort();
			np++;
		} else if (pl != ql || strncmp(pattern, path, pl) != 0) {
			return 0;
		}
		pattern += pl;
		path += ql;
	}
	if (*pattern != '\0' || *path != '\0')
		return 0;
	if (p != NULL && np != p->n)
		abort();
	return 1;
}

static int
method_fits(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* in_allow: 1 when m is one of the ", "-separated methods of allow. */
static int
in_allow(const char *allow, const char *m)
{
	size_t len = strlen(m);

	while (*allow != '\0') {
		size_t l = strcspn(allow, ",");

		if (l == len && strncmp(allow, m, len) == 0)
			return 1;
		allow += l;
		while (*allow == ',' || *allow == ' ')
			allow++;
	}
	return 0;
}

/* add_distinct: m into v[0..*n) unless there already. */
static void
add_distinct(const char **v, size_t *n, const char *m)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], m) == 0)
			return;
	v[(*n)++] = m;
}

/* count_methods: how many ", "-separated methods allow holds. */
static size_t
count_methods(const char *allow)
{
	size_t n = *allow != '\0';

	for (; *allow != '\0'; allow++)
		n += *allow == ',';
	return n;
}

/* check: route method path in t with router_match and the plain matcher;
 * abort when they disagree. Returns 1 when a route was found. */
static int
check(const struct table *t, const char *method, const char *path)
{
	struct arena *a = arena_new();
	struct params p = {0};
	enum route_match res;
	const char *allow = NULL;
	const struct route *rt, *want = NULL;
	const char *methods[2 * MAX_ROUTES];
	size_t i, nallow = 0;
	int path_fits = 0;

	rt = router_match(t->routes, t->n, method, path, a, &p, &res, &allow);
	for (i = 0; i < t->n && want == NULL; i++) {
		if (!fits(t->routes[i].pattern, path, NULL))
			continue;
		path_fits = 1;
		if (method_fits(t->routes[i].method, method))
			want = &t->routes[i];
	}
	if (rt != want || (want != NULL) != (res == ROUTE_FOUND))
		abort();
	if (want != NULL)
		fits(want->pattern, path, &p);
	else if (p.n != 0)
		abort();
	if (want == NULL && res != (path_fits ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND))
		abort();
	if (res == ROUTE_METHOD_NOT_ALLOWED) {
		/* Allow holds the fitting routes' methods, HEAD with GET, once each,
		 * and nothing else. */
		if (allow == NULL)
			abort();
		for (i = 0; i < t->n; i++) {
			if (!fits(t->routes[i].pattern, path, NULL))
				continue;
			add_distinct(methods, &nallow, t->routes[i].method);
			if (strcmp(t->routes[i].method, "GET") == 0)
				add_distinct(methods, &nallow, "HEAD");
		}
		for (i = 0; i < nallow; i++)
			if (!in_allow(allow, methods[i]))
				abort();
		if (nallow != count_methods(allow))
			abort();
	}
	arena_free(a);
	return want != NULL;
}

/* fuzz_accepts (fuzz.h): 1 when some service's table has a route for the
 * method and path, 0 when none has; aborts when router_match and the plain
 * matcher disagree. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *path;
	size_t i;
	int found = 0;

	if (copy == NULL)
		abort();
	load_tables();
	memcpy(copy, data, size);
	copy[size] = '\0';
	path = strchr(copy, ' ');
	if (path != NULL)
		*path++ = '\0';
	else
		path = copy + strlen(copy);
	for (i = 0; i < ntables; i++)
		found |= check(&tables[i], copy, path);
	free(copy);
	return found;
}
