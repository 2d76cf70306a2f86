/*
 * Sign-up: the form and its submission.
 */
#include <string.h>

#include "app.h"
#include "auth.h"
#include "err.h"
#include "fields.h"
#include "page.h"
#include "pw.h"
#include "req.h"
#include "uuid.h"

enum { SIGNUP_NAME, SIGNUP_EMAIL, SIGNUP_PASSWORD };

static const struct field *const signup_form[] = {
    [SIGNUP_NAME] = &input_name_field,
    [SIGNUP_EMAIL] = &input_email_field,
    [SIGNUP_PASSWORD] = &input_new_password_field,
    NULL,
};

/* signup_page: the form with the values and errors of f. */
static void
signup_page(struct request *r, const struct fields *f)
{
	page_begin(r, "pages/auth/signup.tpl", "Create your account");
	fields_show(r, f);
}

/* GET /auth/signup: the form; 303 to the account page when signed in. */
int
h_signup_form(struct request *r)
{
	struct fields f;

	if (r->session != NULL) {
		resp_redirect(r, "/auth/account");
		return TK_OK;
	}
	fields_init(r->arena, signup_form, &f);
	signup_page(r, &f);
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /auth/signup (CSRF checked): creates the account (its address not
 * verified yet: a verify_email token is issued with it) and signs it in,
 * 303 to the account page. 422 with the form and messages by the fields
 * when a field is invalid or the email is taken; nothing is written then.
 */
int
h_signup(struct request *r)
{
	struct fields f;
	const char *name, *email, *password;
	char hash[PW_HASH_LEN], id[UUID_STR_LEN + 1];
	struct user u;
	struct session s;
	int rc;

	fields_read(r->arena, signup_form, &r->form, &f);
	if (f.nerrors > 0) {
		signup_page(r, &f);
		page_end(r, 422);
		return TK_OK;
	}
	name = f.values[SIGNUP_NAME];
	email = f.values[SIGNUP_EMAIL];
	password = f.values[SIGNUP_PASSWORD];
	rc = pw_hash(password, hash);
	if (rc != TK_OK)
		return rc;
	uuid_v7(id);
	memset(&u, 0, sizeof(u));
	u.id = id;
	u.email = email;
	u.name = name;
	u.password_hash = hash;
	u.role = ROLE_MEMBER;
	auth_begin_session(&u, &s);
	/* Unverified, with its verification link on its way (account_token.issued). */
	rc = store_create_user_verify(&r->store, &u, &s);
	if (rc == TK_EEXIST) {
		fields_error(&f, NULL, "email",
			     "An account with this email already exists. Sign in instead.");
		signup_page(r, &f);
		page_end(r, 422);
		return TK_OK;
	}
	if (rc == TK_OK)
		rc = app_start_session(r, &s);
	if (rc != TK_OK)
		return rc;
	page_flash(r, AUTH_FLASH_SIGNED_UP);
	resp_redirect(r, "/auth/account");
	return TK_OK;
}
