/*
 * Route-flag enforcement: what the application shell does with a matched
 * route's flags (router.h) before its handler runs, as a pure function of
 * the flags, the method, the session and the CSRF result, so every case is
 * unit-tested without a server (tests/unit/test_guard.c).
 */
#ifndef TK_GUARD_H
#define TK_GUARD_H

struct session;

enum guard_verdict {
	GUARD_ALLOW,     /* run the handler */
	GUARD_SIGN_IN,   /* signed out at a GET or HEAD that needs a session:
			  * send the browser to the sign-in page (403 when the
			  * service has none) */
	GUARD_FORBIDDEN, /* 403: signed out at another method, a CSRF token
			  * that does not match, or a role too low */
	GUARD__MAX
};

/*
 * guard_route: the verdict on a request for a route with flags (enum
 * route_flag) by method, with session s (NULL when signed out). csrf_ok
 * says whether the form's csrf_token matched; it is read only when flags
 * has RF_CSRF, so the caller may skip the check otherwise. In order:
 * RF_SIGNED_IN, RF_ORGANIZER and RF_ADMIN need a session (GUARD_SIGN_IN
 * for GET and HEAD, else GUARD_FORBIDDEN); RF_CSRF needs csrf_ok;
 * RF_ORGANIZER needs the organizer or admin role, RF_ADMIN the admin role.
 * RF_MACHINE asks for nothing. Returns GUARD_ALLOW when every flag is met.
 */
/* guard_is_get: 1 when method is GET or HEAD (a request that only reads and
 * may be redirected), else 0. */
int guard_is_get(const char *method);

enum guard_verdict guard_route(unsigned flags, const char *method, const struct session *s,
			       int csrf_ok);

/* guard_loopback: 1 when addr (REMOTE_ADDR) is a loopback address:
 * 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104; 0 for anything else, NULL and
 * what does not parse included. What RF_LOOPBACK asks of a request. */
int guard_loopback(const char *addr);

#endif
