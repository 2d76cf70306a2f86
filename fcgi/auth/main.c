/*
 * ticketing-auth: the FastCGI program of the auth service. Its definition:
 * routes, configuration keys, flash codes and sign-in path, in tables;
 * everything else is the shared application shell (lib/app.c).
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
    {"GET", "/auth/renew", h_renew, 0},
    {"GET", "/auth/account", h_account, RF_SIGNED_IN},
    {"POST", "/auth/account/password", h_password, RF_SIGNED_IN | RF_CSRF},
    {"GET", "/auth/admin/users", h_admin_users, RF_ADMIN},
    {"POST", "/auth/admin/users/:id/role", h_admin_set_role, RF_ADMIN | RF_CSRF},
};

/* Configuration keys of the auth service, besides the common ones. */
static const struct config_key config_keys[] = {
    {"signin_free_failures", CONFIG_INT, "5", 0, 100,
     "password guesses at one account from one address before waits begin"},
    {"signin_max_delay", CONFIG_INT, "900", 1, 86400, "the longest wait between two guesses"},
    {"signin_account_max_failures", CONFIG_INT, "100", 1, 1000000,
     "guesses at one account an hour, from all addresses but its own"},
    {"signin_forget_seconds", CONFIG_INT, "86400", 60, 2592000,
     "how long the guesses of an address at an account are remembered"},
};

static const char *const flashes[AUTH_FLASH__MAX] = {
    [AUTH_FLASH_SIGNED_UP] = "signed_up",       [AUTH_FLASH_SIGNED_IN] = "signed_in",
    [AUTH_FLASH_SIGNED_OUT] = "signed_out",     [AUTH_FLASH_PASSWORD_CHANGED] = "password_changed",
    [AUTH_FLASH_ROLE_CHANGED] = "role_changed",
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
    .session_renew = store_session_renew,
    .config_keys = config_keys,
    .nconfig_keys = sizeof(config_keys) / sizeof(config_keys[0]),
    .flashes = flashes,
    .nflashes = AUTH_FLASH__MAX,
    .signin_path = "/auth/signin",
};

int
main(int argc, char **argv)
{
	struct app_service svc = auth;

	svc.nstmts = auth_nstmts;
	return app_main(argc, argv, &svc);
}
