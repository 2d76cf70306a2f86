/*
 * Sign-up: the form and its submission.
 */
#include <string.h>

#include "app.h"
#include "auth.h"
#include "err.h"
#include "page.h"
#include "pw.h"
#include "req.h"
#include "uuid.h"

static tmpl_dict *
signup_page(struct request *r, const char *name, const char *email)
{
	tmpl_dict *d = page_begin(r, "pages/auth/signup.tpl", "Create your account");

	tmpl_set(d, "NAME", name);
	tmpl_set(d, "EMAIL", email);
	return d;
}

/* GET /auth/signup: the form; 303 to the account page when signed in. */
int
h_signup_form(struct request *r)
{
	if (r->session != NULL) {
		resp_redirect(r, "/auth/account");
		return TK_OK;
	}
	signup_page(r, "", "");
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /auth/signup (CSRF checked): creates the account and signs it in,
 * 303 to the account page. 422 with the form and messages by the fields
 * when a field is invalid or the email is taken; nothing is written then.
 */
int
h_signup(struct request *r)
{
	const char *name, *email, *password = params_get(&r->form, "password");
	const char *name_err, *email_err, *pw_err;
	char hash[PW_HASH_LEN], id[UUID_STR_LEN + 1];
	struct user u;
	struct session s;
	int rc;

	name_err = input_name(r->arena, params_get(&r->form, "name"), &name);
	email_err = input_email(r->arena, params_get(&r->form, "email"), &email);
	pw_err = input_password(password);
	if (name_err || email_err || pw_err) {
		signup_page(r, name, email);
		if (name_err)
			page_field_error(r, "NAME_ERROR", "name", name_err);
		if (email_err)
			page_field_error(r, "EMAIL_ERROR", "email", email_err);
		if (pw_err)
			page_field_error(r, "PASSWORD_ERROR", "password", pw_err);
		page_end(r, 422);
		return TK_OK;
	}
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
	rc = store_create_user_session(&r->store, &u, &s);
	if (rc == TK_EEXIST) {
		signup_page(r, name, email);
		page_field_error(r, "EMAIL_ERROR", "email",
				 "An account with this email already exists. Sign in instead.");
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
