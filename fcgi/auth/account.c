/*
 * The account page and changing the password.
 */
#include "app.h"
#include "auth.h"
#include "err.h"
#include "page.h"
#include "pw.h"
#include "req.h"

static int
account_page(struct request *r)
{
	struct user u;
	tmpl_dict *d;
	int rc;

	rc = store_user_by_id(&r->store, r->session->user_id, &u);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/auth/account.tpl", "Your account");
	tmpl_set(d, "NAME", u.name);
	tmpl_set(d, "EMAIL", u.email);
	tmpl_set(d, "ROLE", role_name(u.role));
	tmpl_set(d, "CREATED_AT", u.created_at);
	if (u.role == ROLE_ADMIN)
		tmpl_show(d, "ADMIN");
	return TK_OK;
}

/* GET /auth/account (signed in): name, email, role and the password form. */
int
h_account(struct request *r)
{
	int rc = account_page(r);

	if (rc != TK_OK)
		return rc;
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /auth/account/password (signed in, CSRF checked): with the right
 * current password and a valid new one, sets it, signs out every other
 * session of the account and answers 303 to the account page; otherwise 422
 * with messages by the fields and nothing changed.
 */
int
h_password(struct request *r)
{
	const char *current = params_get(&r->form, "current_password");
	const char *password = params_get(&r->form, "password");
	const char *pw_err = input_password(password), *cur_err = NULL;
	char hash[PW_HASH_LEN];
	struct user u;
	int rc;

	rc = store_user_by_id(&r->store, r->session->user_id, &u);
	if (rc != TK_OK)
		return rc;
	if (current == NULL || *current == '\0')
		cur_err = "Enter your current password.";
	else if (pw_verify(u.password_hash, current) != TK_OK)
		cur_err = "The current password is not correct.";
	if (cur_err || pw_err) {
		rc = account_page(r);
		if (rc != TK_OK)
			return rc;
		if (cur_err)
			page_field_error(r, "CURRENT_PASSWORD_ERROR", "current_password", cur_err);
		if (pw_err)
			page_field_error(r, "PASSWORD_ERROR", "password", pw_err);
		page_end(r, 422);
		return TK_OK;
	}
	rc = pw_hash(password, hash);
	if (rc == TK_OK)
		rc = store_change_password(&r->store, u.id, hash, r->session->sid);
	if (rc != TK_OK)
		return rc;
	page_flash(r, AUTH_FLASH_PASSWORD_CHANGED);
	resp_redirect(r, "/auth/account");
	return TK_OK;
}
