/*
 * ticketing-auth: the FastCGI program of the auth service. Its routes, in
 * one table; everything else is the shared application shell (lib/app.c).
 */
#include <stddef.h>

#include "app.h"
#include "auth.h"
#include "req.h"

static const struct route routes[] = {
	{"GET", "/auth/signup", h_signup_form, 0},
	{"POST", "/auth/signup", h_signup, RF_CSRF},
	{"GET", "/auth/signin", h_signin_form, 0},
	{"POST", "/auth/signin", h_signin, RF_CSRF},
	{"POST", "/auth/signout", h_signout, RF_CSRF},
	{"GET", "/auth/account", h_account, RF_SIGNED_IN},
	{"POST", "/auth/account/password", h_password, RF_SIGNED_IN | RF_CSRF},
	{"GET", "/auth/admin/users", h_admin_users, RF_ADMIN},
	{"POST", "/auth/admin/users/:id/role", h_admin_set_role, RF_ADMIN | RF_CSRF},
};

static int
session_valid(struct store *st, const struct session *s)
{
	return store_session_valid(st, s->sid, s->user_id);
}

static const struct app_service auth = {
	.name = "auth",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = auth_stmts,
	.signs_sessions = 1,
	.session_valid = session_valid,
};

int
main(int argc, char **argv)
{
	struct app_service svc = auth;

	svc.nstmts = auth_nstmts;
	return app_main(argc, argv, &svc);
}
