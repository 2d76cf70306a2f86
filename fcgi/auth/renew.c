/*
 * Renewing a session token for another service. Session tokens are
 * short-lived (lib/sess.h): a service other than auth sends a GET with a
 * stale token here with its own path as next (lib/app.c), since only auth
 * holds the signing key and the sessions table. By the time the handler
 * runs the application shell has checked the session against that table
 * (revoked? idle too long? over?) and, when it was stale, renewed it with
 * the user's current role and name in a fresh cookie; what is left is to
 * send the browser back.
 */
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "err.h"
#include "req.h"
#include "text.h"

#define RENEW_DEFAULT_NEXT "/"

/*
 * GET /auth/renew?next=/path: 303 to next, a path of this site
 * (req_local_path; anything else, an absolute or scheme-relative URL
 * included, becomes "/"), with the renewed session cookie. Signed out (the
 * session was revoked, idle too long or over): the cookie is deleted and
 * the answer is a 303 to sign in, with next kept.
 */
int
h_renew(struct request *r)
{
	const char *next = params_get(&r->query, "next");

	if (!req_local_path(next))
		next = RENEW_DEFAULT_NEXT;
	if (r->session == NULL) {
		app_end_session(r);
		return resp_redirect(r, arena_printf(r->arena, "/auth/signin?next=%s",
						     text_url_encode(r->arena, next)));
	}
	return resp_redirect(r, next);
}
