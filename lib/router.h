/*
 * Table-driven routing. Each service declares one table of routes; the
 * router picks the route for a method and path, extracts :params, and the
 * application (app.c) enforces each route's flags before its handler runs.
 */
#ifndef TK_ROUTER_H
#define TK_ROUTER_H
#include <stdio.h>

#include "params.h"

struct request;
struct arena;

enum route_flag {
	RF_SIGNED_IN = 1 << 0, /* a valid session is required */
	RF_CSRF = 1 << 1,      /* the form's csrf_token must match */
	RF_ORGANIZER = 1 << 2, /* role organizer or admin */
	RF_ADMIN = 1 << 3,     /* role admin */
	/*
	 * RF_MACHINE: an endpoint for another program, not a browser (a signed
	 * webhook): it authenticates on its own, so the browser guards (CSRF,
	 * session, role) are not expected of it. The shell enforces nothing for
	 * it; the guard tests (tests/integration/test_guards.sh) skip it.
	 */
	RF_MACHINE = 1 << 4,
	/* RF_LOOPBACK: only a peer on loopback (REMOTE_ADDR 127.0.0.0/8 or
	 * ::1, guard_loopback) may reach it; anyone else gets 403, as from
	 * nginx's deny. The metrics and the workers' health (lib/ops.h). */
	RF_LOOPBACK = 1 << 5,
};

/*
 * A handler answers the request: it renders a page, a redirect or its own
 * error page and returns TK_OK, or returns an error code (err.h) and the
 * shell answers with the error page of that code's status (page_fail).
 */
typedef int (*route_handler)(struct request *r);

struct route {
	const char *method;  /* "GET" (also answers HEAD), "POST" */
	const char *pattern; /* "/auth/signin", "/events/:id/edit" */
	route_handler handler;
	unsigned flags; /* enum route_flag */
};

enum route_match {
	ROUTE_FOUND,
	ROUTE_NOT_FOUND,          /* no pattern matches the path: 404 */
	ROUTE_METHOD_NOT_ALLOWED, /* a pattern matches, not for this method: 405 */
};

/*
 * router_match: the first route in table[0..n) whose pattern matches path and
 * whose method is method (GET routes also match HEAD). A ":name" segment
 * matches one non-empty path segment and is added to *params (in arena a).
 * A trailing slash is not ignored: "/a/" does not match "/a". Returns the
 * route and ROUTE_FOUND in *res, or NULL and why in *res. For
 * ROUTE_METHOD_NOT_ALLOWED, *allow gets the methods that would match
 * ("GET, HEAD, POST"), in arena a.
 */
const struct route *router_match(const struct route *table, size_t n, const char *method,
				 const char *path, struct arena *a, struct params *params,
				 enum route_match *res, const char **allow);

/*
 * router_print: write table[0..n) to f, one route a line: method, pattern
 * and flags separated by single spaces; the flags are the lower-case names
 * without "RF_" joined by commas ("signed_in,csrf"), or "-" for none.
 * This is the format of each service's --list-routes, which the guard tests
 * read. Returns TK_OK or TK_EIO when writing failed.
 */
int router_print(FILE *f, const struct route *table, size_t n);

#endif
