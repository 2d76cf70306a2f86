/*
 * Signing in and out. A sign-in verifies the password against the user
 * row it read, through the throttle of password guesses (throttle.c), and
 * makes the session only if that row is still the same.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "err.h"
#include "fields.h"
#include "page.h"
#include "pw.h"
#include "req.h"

#define WRONG_CREDENTIALS "Email or password is incorrect."
#define ACCOUNT_CHANGED "Your account changed while you were signing in. Sign in again."

enum { SIGNIN_EMAIL, SIGNIN_PASSWORD };

/* The password as typed: its length is the one of a new password, but a
 * wrong one is just a wrong password. */
static const struct field password_field = {
    .name = "password",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .max_chars = PW_MAX_LEN,
    .missing = "Enter your password.",
};

static const struct field *const signin_form[] = {
    [SIGNIN_EMAIL] = &input_email_field,
    [SIGNIN_PASSWORD] = &password_field,
    NULL,
};

static void
signin_page(struct request *r, const struct fields *f, const char *next)
{
	page_begin(r, "pages/auth/signin.tpl", "Sign in");
	fields_show(r, f);
	if (next != NULL && strcmp(input_next(next), next) == 0)
		tmpl_set(tmpl_section(r->page, "NEXT_FIELD"), "NEXT", next);
}

/* GET /auth/signin[?next=/path]: the form; 303 onwards when signed in. */
int
h_signin_form(struct request *r)
{
	const char *next = params_get(&r->query, "next");
	struct fields f;

	if (r->session != NULL) {
		resp_redirect(r, input_next(next));
		return TK_OK;
	}
	fields_init(r->arena, signin_form, &f);
	signin_page(r, &f, next);
	page_end(r, 200);
	return TK_OK;
}

static void
wrong_credentials(struct request *r, const struct fields *f, const char *next)
{
	signin_page(r, f, next);
	tmpl_set(tmpl_section(r->page, "SIGNIN_ERROR"), "MESSAGE", WRONG_CREDENTIALS);
	page_end(r, 422);
}

void
signin_too_many(struct request *r, long seconds)
{
	page_error_wait(r, 429, seconds);
}

/*
 * POST /auth/signin (CSRF checked): 303 to next (a local path) or the
 * account page with a new session. A known and an unknown email take the
 * same way up to the password's verdict (the same statements, one Argon2id
 * verification, against a dummy hash for an unknown email): 422 with one
 * generic message for a wrong password or an unknown email, 429 with
 * Retry-After while this client address must wait before its next guess
 * at this email (throttle.c). 409 with the form when the account changed
 * (password, role) while its password was being verified: the session
 * would carry what the change replaced, so none is made.
 */
int
h_signin(struct request *r)
{
	const char *email, *password;
	const char *next = params_get(&r->form, "next");
	struct fields f;
	struct user u;
	struct session s;
	struct throttle t;
	int rc, known;

	fields_read(r->arena, signin_form, &r->form, &f);
	if (f.nerrors > 0) {
		signin_page(r, &f, next);
		page_end(r, 422);
		return TK_OK;
	}
	email = f.values[SIGNIN_EMAIL];
	password = f.values[SIGNIN_PASSWORD];
	rc = store_user_by_email(&r->store, email, &u);
	if (rc != TK_OK && rc != TK_ENOTFOUND)
		return rc;
	known = rc == TK_OK;
	throttle_init(&r->store, email, &t);
	rc = throttle_verify(&r->store, &t, known ? u.password_hash : NULL, password);
	if (rc == TK_ELIMIT) {
		signin_too_many(r, t.retry_after);
		return TK_OK;
	}
	if (rc == TK_EAUTH || (rc == TK_OK && !known)) {
		wrong_credentials(r, &f, next);
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	auth_begin_session(&u, &s);
	rc = store_signin_ok(&r->store, &s, u.version, &t);
	if (rc == TK_ECONFLICT) {
		signin_page(r, &f, next);
		tmpl_set(tmpl_section(r->page, "SIGNIN_ERROR"), "MESSAGE", ACCOUNT_CHANGED);
		page_end(r, 409);
		return TK_OK;
	}
	if (rc == TK_OK)
		rc = app_start_session(r, &s);
	if (rc != TK_OK)
		return rc;
	page_flash(r, AUTH_FLASH_SIGNED_IN);
	resp_redirect(r, input_next(next));
	return TK_OK;
}

/*
 * POST /auth/signout (CSRF checked): revokes the session server-side so the
 * cookie is refused from now on, deletes the cookie, 303 to the home page.
 * Signed out already: just the redirect.
 */
int
h_signout(struct request *r)
{
	int rc;

	if (r->session != NULL) {
		rc = store_revoke_session(&r->store, r->session->sid, r->session->user_id);
		if (rc != TK_OK)
			return rc;
		page_flash(r, AUTH_FLASH_SIGNED_OUT);
	}
	app_end_session(r);
	resp_redirect(r, "/");
	return TK_OK;
}
