/*
 * Unit tests for lib/router.c: static paths, :params, 404, 405 with its
 * Allow list, HEAD on GET routes, trailing slashes, and what the router does
 * with flags: nothing but hand back the table's own route, whose flags the
 * application shell (app.c) enforces. The shell's enforcement and the
 * services' real tables are tested through the running services
 * (tests/integration/).
 */
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "err.h"
#include "params.h"
#include "router.h"

static int
h_any(struct request *r)
{
	(void)r;
	return TK_OK;
}

/* Indexes into routes[], to tell which route matched. */
enum {
	R_HOME,
	R_SIGNIN,
	R_SIGNIN_POST,
	R_EVENT_NEW,
	R_EVENT,
	R_EVENT_EDIT,
	R_EVENT_UPDATE,
	R_LISTING,
	R_ONLY_POST,
	R_DIR,
	R__MAX
};

static const struct route routes[R__MAX] = {
    [R_HOME] = {"GET", "/", h_any, 0},
    [R_SIGNIN] = {"GET", "/auth/signin", h_any, 0},
    [R_SIGNIN_POST] = {"POST", "/auth/signin", h_any, RF_CSRF},
    [R_EVENT_NEW] = {"GET", "/events/new", h_any, RF_ORGANIZER},
    [R_EVENT] = {"GET", "/events/:id", h_any, 0},
    [R_EVENT_EDIT] = {"GET", "/events/:id/edit", h_any, RF_ORGANIZER},
    [R_EVENT_UPDATE] = {"POST", "/events/:id/edit", h_any, RF_ORGANIZER | RF_CSRF},
    [R_LISTING] = {"GET", "/events/:event_id/tickets/:ticket_id", h_any, 0},
    [R_ONLY_POST] = {"POST", "/only-post", h_any, 0},
    [R_DIR] = {"GET", "/dir/", h_any, 0},
};
#define NROUTES ((size_t)R__MAX)

static struct params params;
static enum route_match res;
static const char *allow;

static const struct route *
find(const char *method, const char *path)
{
	memset(&params, 0, sizeof(params));
	allow = NULL;
	res = (enum route_match) - 1;
	return router_match(routes, NROUTES, method, path, cu_arena, &params, &res, &allow);
}

static void
test_static(void)
{
	const struct route *rt;

	rt = find("GET", "/");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_HOME]);
	CU_ASSERT_EQUAL(res, ROUTE_FOUND);
	CU_ASSERT_EQUAL(params.n, 0);
	rt = find("GET", "/auth/signin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_SIGNIN]);
	rt = find("POST", "/auth/signin");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_SIGNIN_POST]);
	/* The first matching route wins: /events/new before /events/:id. */
	rt = find("GET", "/events/new");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_EVENT_NEW]);
	CU_ASSERT_EQUAL(params.n, 0);
}

static void
test_params(void)
{
	const struct route *rt;

	rt = find("GET", "/events/0b8f6a2e-1c1d-4f7e-9a51-2f0f4b1f5e3a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_EVENT]);
	CU_ASSERT_EQUAL_FATAL(params.n, 1);
	CU_ASSERT_STRING_EQUAL(params.v[0].name, "id");
	CU_ASSERT_STRING_EQUAL(params.v[0].value, "0b8f6a2e-1c1d-4f7e-9a51-2f0f4b1f5e3a");
	rt = find("POST", "/events/42/edit");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_EVENT_UPDATE]);
	CU_ASSERT_STRING_EQUAL(params_get(&params, "id"), "42");
	rt = find("GET", "/events/e1/tickets/t2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL_FATAL(params.n, 2);
	CU_ASSERT_STRING_EQUAL(params_get(&params, "event_id"), "e1");
	CU_ASSERT_STRING_EQUAL(params_get(&params, "ticket_id"), "t2");
	CU_ASSERT_EQUAL(params.v[1].value_len, 2);
	/* A parameter takes one non-empty segment, never more. */
	CU_ASSERT_PTR_NULL(find("GET", "/events//edit"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", "/events/"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", "/events/a/b"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_EQUAL(params.n, 0); /* failed matches leave nothing behind */
}

static void
test_not_found(void)
{
	CU_ASSERT_PTR_NULL(find("GET", "/nope"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(allow);
	CU_ASSERT_PTR_NULL(find("GET", "/auth/signin/extra"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", "/auth"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", "/AUTH/signin")); /* case matters */
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", ""));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(router_match(routes, 0, "GET", "/", cu_arena, &params, &res, &allow));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
}

static void
test_method_not_allowed(void)
{
	CU_ASSERT_PTR_NULL(find("DELETE", "/auth/signin"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(allow);
	CU_ASSERT_STRING_EQUAL(allow, "GET, HEAD, POST");
	CU_ASSERT_PTR_NULL(find("POST", "/"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(allow, "GET, HEAD");
	CU_ASSERT_PTR_NULL(find("GET", "/only-post"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(allow, "POST");
	CU_ASSERT_PTR_NULL(find("HEAD", "/only-post"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(allow, "POST");
	/* Methods from every matching pattern, patterns with params included. */
	CU_ASSERT_PTR_NULL(find("PUT", "/events/9/edit"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(allow, "GET, HEAD, POST");
	CU_ASSERT_PTR_NULL(find("POST", "/events/new"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(allow, "GET, HEAD");
	CU_ASSERT_EQUAL(params.n, 0);
	/* Method names are case-sensitive. */
	CU_ASSERT_PTR_NULL(find("get", "/"));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
}

static void
test_head(void)
{
	const struct route *rt;

	rt = find("HEAD", "/");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_HOME]);
	CU_ASSERT_EQUAL(res, ROUTE_FOUND);
	rt = find("HEAD", "/events/7");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_STRING_EQUAL(params_get(&params, "id"), "7");
}

static void
test_trailing_slash(void)
{
	const struct route *rt;

	CU_ASSERT_PTR_NULL(find("GET", "/auth/signin/"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", "/events/7/"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	rt = find("GET", "/dir/");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_PTR_EQUAL(rt, &routes[R_DIR]);
	CU_ASSERT_PTR_NULL(find("GET", "/dir"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
	CU_ASSERT_PTR_NULL(find("GET", "//"));
	CU_ASSERT_EQUAL(res, ROUTE_NOT_FOUND);
}

/*
 * Flags never take part in matching: of two routes that differ only in
 * their flags the first one wins, whichever flags either has, and the
 * route handed back is the table's entry itself (not a copy), so the shell
 * reads the flags the service declared. Declaration order decides, flags
 * never do.
 */
static void
test_flags_ignored(void)
{
	static const struct route guarded_first[] = {
	    {"POST", "/pay", h_any, RF_SIGNED_IN | RF_CSRF | RF_ADMIN},
	    {"POST", "/pay", h_any, 0},
	};
	static const struct route open_first[] = {
	    {"POST", "/pay", h_any, 0},
	    {"POST", "/pay", h_any, RF_SIGNED_IN | RF_CSRF | RF_ADMIN},
	};
	const struct route *rt;

	rt = router_match(guarded_first, 2, "POST", "/pay", cu_arena, &params, &res, &allow);
	CU_ASSERT_PTR_EQUAL(rt, &guarded_first[0]);
	CU_ASSERT_EQUAL(res, ROUTE_FOUND);
	rt = router_match(open_first, 2, "POST", "/pay", cu_arena, &params, &res, &allow);
	CU_ASSERT_PTR_EQUAL(rt, &open_first[0]);
	CU_ASSERT_EQUAL(res, ROUTE_FOUND);
	/* A guarded route is not hidden from a 405's Allow list either. */
	CU_ASSERT_PTR_NULL(
	    router_match(guarded_first, 1, "GET", "/pay", cu_arena, &params, &res, &allow));
	CU_ASSERT_EQUAL(res, ROUTE_METHOD_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(allow, "POST");
}

static const struct cu_test router_tests[] = {
    {"static paths", test_static},
    {"params", test_params},
    {"404", test_not_found},
    {"405 and Allow", test_method_not_allowed},
    {"HEAD", test_head},
    {"trailing slash", test_trailing_slash},
    {"flags take no part in matching", test_flags_ignored},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"router", cu_arena_setup, cu_arena_teardown, router_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
