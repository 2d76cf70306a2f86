/*
 * The account page and changing the password.
 */
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "err.h"
#include "fields.h"
#include "page.h"
#include "pw.h"
#include "req.h"

enum { PASSWORD_CURRENT, PASSWORD_NEW };

static const struct field current_password_field = {
    .name = "current_password",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .max_chars = PW_MAX_LEN,
    .missing = "Enter your current password.",
};

static const struct field *const password_form[] = {
    [PASSWORD_CURRENT] = &current_password_field,
    [PASSWORD_NEW] = &input_new_password_field,
    NULL,
};

/* account_page: the account's details and the password form with the
 * errors of f. */
static int
account_page(struct request *r, const struct fields *f)
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
	tmpl_show(d, u.email_verified ? "VERIFIED" : "NOT_VERIFIED");
	if (u.role == ROLE_ADMIN)
		tmpl_show(d, "ADMIN");
	fields_show(r, f);
	return TK_OK;
}

/* account_page_limited: the account page, 429 with Retry-After seconds:
 * the member asked for verification links too often (tokens.c). */
int
account_page_limited(struct request *r, long seconds)
{
	struct fields f;
	tmpl_dict *d;
	int rc;

	if (seconds < 1)
		seconds = 1;
	fields_init(r->arena, password_form, &f);
	rc = account_page(r, &f);
	if (rc != TK_OK)
		return rc;
	d = r->page;
	tmpl_show(d, "RESEND_LIMITED");
	tmpl_set_int(d, "RESEND_MINUTES", (seconds + 59) / 60);
	resp_header(r, "Retry-After", arena_printf(r->arena, "%ld", seconds));
	page_end(r, 429);
	return TK_OK;
}

/* GET /auth/account (signed in): name, email (verified or not, with the
 * form that sends the link again), role and the password form. */
int
h_account(struct request *r)
{
	struct fields f;
	int rc;

	fields_init(r->arena, password_form, &f);
	rc = account_page(r, &f);
	if (rc != TK_OK)
		return rc;
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /auth/account/password (signed in, CSRF checked): with the right
 * current password and a valid new one, sets it, signs out every other
 * session of the account and answers 303 to the account page; otherwise 422
 * with messages by the fields and nothing changed. The current password is
 * a password guess like a sign-in's and shares its throttle (this account
 * from this client address): 429 with Retry-After while it must wait.
 */
int
h_password(struct request *r)
{
	struct fields f;
	char hash[PW_HASH_LEN];
	struct user u;
	struct throttle t;
	int rc;

	fields_read(r->arena, password_form, &r->form, &f);
	rc = store_user_by_id(&r->store, r->session->user_id, &u);
	if (rc != TK_OK)
		return rc;
	if (!fields_has_error(&f, "current_password")) {
		throttle_init(&r->store, u.email, &t);
		rc = throttle_verify(&r->store, &t, u.password_hash, f.values[PASSWORD_CURRENT]);
		if (rc == TK_ELIMIT) {
			signin_too_many(r, t.retry_after);
			return TK_OK;
		}
		if (rc == TK_OK)
			rc = store_throttle_clear(&r->store, &t);
		if (rc == TK_EAUTH) {
			fields_error(&f, NULL, "current_password",
				     "The current password is not correct.");
			rc = TK_OK;
		}
		if (rc != TK_OK)
			return rc;
	}
	if (f.nerrors > 0) {
		rc = account_page(r, &f);
		if (rc != TK_OK)
			return rc;
		page_end(r, 422);
		return TK_OK;
	}
	rc = pw_hash(f.values[PASSWORD_NEW], hash);
	if (rc == TK_OK)
		rc = store_change_password(&r->store, u.id, hash, r->session->sid);
	if (rc != TK_OK)
		return rc;
	page_flash(r, AUTH_FLASH_PASSWORD_CHANGED);
	resp_redirect(r, "/auth/account");
	return TK_OK;
}
