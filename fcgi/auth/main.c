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
    {"GET", "/auth/password/forgot", h_forgot_form, 0},
    {"POST", "/auth/password/forgot", h_forgot, RF_CSRF},
    {"GET", "/auth/password/reset", h_reset_form, 0},
    {"POST", "/auth/password/reset", h_reset, RF_CSRF},
    {"GET", "/auth/email/verify", h_verify_email, 0},
    {"POST", "/auth/account/verify", h_verify_resend, RF_SIGNED_IN | RF_CSRF},
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
    {"notify_pub_file", CONFIG_STR, "", 0, 0,
     "the notifications worker's crypto_box public key (32 raw bytes): mailed tokens are "
     "sealed to it"},
    {"reset_token_seconds", CONFIG_INT, "1800", 60, 86400, "the life of a password reset link"},
    {"verify_token_seconds", CONFIG_INT, "86400", 60, 604800,
     "the life of an address verification link"},
    {"forgot_email_max", CONFIG_INT, "3", 1, 1000,
     "reset links mailed to one address an hour (more requests get the same page, no mail)"},
    {"forgot_addr_max", CONFIG_INT, "20", 1, 100000,
     "reset requests from one client address an hour (then 429)"},
    {"forgot_min_ms", CONFIG_INT, "300", 0, 5000,
     "the least time a reset request takes, known address or not"},
    {"verify_resend_seconds", CONFIG_INT, "300", 1, 86400,
     "the least time between two verification links asked from the account page"},
    {"verify_resend_day_max", CONFIG_INT, "5", 1, 1000,
     "verification links one account may ask for in a day"},
};

static const char *const flashes[AUTH_FLASH__MAX] = {
    [AUTH_FLASH_SIGNED_UP] = "signed_up",       [AUTH_FLASH_SIGNED_IN] = "signed_in",
    [AUTH_FLASH_SIGNED_OUT] = "signed_out",     [AUTH_FLASH_PASSWORD_CHANGED] = "password_changed",
    [AUTH_FLASH_ROLE_CHANGED] = "role_changed", [AUTH_FLASH_VERIFY_SENT] = "verify_sent",
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
    .init = auth_init,
};

int
main(int argc, char **argv)
{
	struct app_service svc = auth;

	svc.nstmts = auth_nstmts;
	return app_main(argc, argv, &svc);
}
