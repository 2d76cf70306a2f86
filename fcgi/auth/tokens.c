/*
 * The flows of mailed links (docs/DECISIONS.md "Account tokens"): a
 * forgotten password (/auth/password/forgot, /auth/password/reset) and
 * the verification of the address (/auth/email/verify, the "send the link
 * again" form of the account page). Auth never sends mail: it stores a
 * token's hash and emits account_token.issued, which the notifications
 * worker turns into the mail.
 *
 * Nothing here tells whether an address has an account: the forgot form
 * answers the same page, with the same status and after the same least
 * time (forgot_min_ms), for a known and an unknown address, and every
 * refused link (unknown, used, superseded, expired) gets the same page.
 * Tokens never reach a log: the request log line carries the path without
 * its query, and nginx logs these two links without their query string
 * (nginx/site.conf.in, tk_notoken).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "fields.h"
#include "log.h"
#include "page.h"
#include "params.h"
#include "pw.h"
#include "req.h"

/* A limit's window: an hour, and a day. */
#define HOUR 3600
#define DAY 86400

int
auth_init(void)
{
	const char *path = config_str("notify_pub_file");
	unsigned char buf[sizeof(auth_notify_pk) + 1];
	size_t n = 0;
	FILE *f;

	if (path == NULL || *path == '\0') {
		log_error("auth: notify_pub_file is not set: mailed links cannot be issued");
		return TK_ECONFIG;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		log_error("auth: cannot open notify_pub_file %s: %s", path, strerror(errno));
		return TK_EIO;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != sizeof(auth_notify_pk)) {
		log_error("auth: notify_pub_file %s must hold %zu raw bytes", path,
			  sizeof(auth_notify_pk));
		return TK_ECONFIG;
	}
	memcpy(auth_notify_pk, buf, sizeof(auth_notify_pk));
	auth_notify_pk_set = 1;
	return TK_OK;
}

/* ---- forgotten password ---- */

enum { FORGOT_EMAIL };

static const struct field *const forgot_form[] = {
    [FORGOT_EMAIL] = &input_email_field,
    NULL,
};

enum { RESET_PASSWORD, RESET_CONFIRM };

static const struct field confirm_field = {
    .name = "password_confirm",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .max_chars = PW_MAX_LEN,
    .missing = "Type the new password again.",
};

static const struct field *const reset_form[] = {
    [RESET_PASSWORD] = &input_new_password_field,
    [RESET_CONFIRM] = &confirm_field,
    NULL,
};

/* forgot_page: the form with f's values and errors. */
static void
forgot_page(struct request *r, const struct fields *f, int status)
{
	page_begin(r, "pages/auth/forgot.tpl", "Forgot your password?");
	fields_show(r, f);
	page_end(r, status);
}

/* GET /auth/password/forgot: the form asking for the address. */
int
h_forgot_form(struct request *r)
{
	struct fields f;

	fields_init(r->arena, forgot_form, &f);
	forgot_page(r, &f, 200);
	return TK_OK;
}

/* wait_until_min: sleep until ms milliseconds after the request began, so
 * the answer's timing says nothing of what was done. */
static void
wait_until_min(struct request *r, int64_t ms)
{
	int64_t left = r->started_us + ms * 1000 - clock_mono_us();
	struct timespec ts;

	if (r->started_us == 0 || left <= 0)
		return;
	ts.tv_sec = (time_t)(left / 1000000);
	ts.tv_nsec = (long)(left % 1000000) * 1000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * POST /auth/password/forgot (CSRF checked): with a well-formed address,
 * 200 with the page "if an account uses this address, a link is on its
 * way", whether or not it does. 422 with the form for a malformed one. For
 * a known address a reset_password token is issued (older unused ones
 * superseded) with its event, unless the address had forgot_email_max
 * links this hour (then nothing is sent, and the page is the same). 429
 * with Retry-After when this client address made forgot_addr_max requests
 * this hour. Both counters are rows of the sign-in throttle table; the
 * address's is kept for unknown addresses alike.
 */
int
h_forgot(struct request *r)
{
	struct fields f;
	struct user u;
	tmpl_dict *d;
	long retry;
	int rc;

	fields_read(r->arena, forgot_form, &r->form, &f);
	if (f.nerrors > 0) {
		forgot_page(r, &f, 422);
		return TK_OK;
	}
	rc = throttle_limit(&r->store, "forgot-addr", "", r->store.remote_addr,
			    config_int("forgot_addr_max"), HOUR, &retry);
	if (rc == TK_ELIMIT) {
		signin_too_many(r, retry);
		return TK_OK;
	}
	if (rc == TK_OK)
		rc = throttle_limit(&r->store, "forgot", f.values[FORGOT_EMAIL], "*",
				    config_int("forgot_email_max"), HOUR, &retry);
	if (rc == TK_OK) {
		rc = store_user_by_email(&r->store, f.values[FORGOT_EMAIL], &u);
		if (rc == TK_OK)
			rc = store_issue_token(&r->store, &u, TOKEN_RESET_PASSWORD);
		else if (rc == TK_ENOTFOUND)
			rc = TK_OK;
	} else if (rc == TK_ELIMIT) {
		rc = TK_OK; /* enough links to this address for now: the same page */
	}
	if (rc != TK_OK)
		return rc;
	wait_until_min(r, config_int("forgot_min_ms"));
	d = page_begin(r, "pages/auth/forgot_sent.tpl", "Check your mail");
	tmpl_set(d, "EMAIL", f.values[FORGOT_EMAIL]);
	tmpl_set_int(d, "MINUTES", config_int("reset_token_seconds") / 60);
	page_end(r, 200);
	return TK_OK;
}

/* refused_page: the one page of a link that is unknown, used, superseded
 * or expired (410), for purpose p: where to ask for a new one. */
static void
refused_page(struct request *r, enum token_purpose p)
{
	tmpl_dict *d = page_begin(r, "pages/auth/link_refused.tpl", "This link cannot be used");

	tmpl_show(d, p == TOKEN_RESET_PASSWORD ? "RESET" : "VERIFY");
	page_end(r, 410);
}

/* reset_page: the new-password form for token with f's errors. */
static void
reset_page(struct request *r, const char *token, const struct fields *f, int status)
{
	tmpl_dict *d = page_begin(r, "pages/auth/reset.tpl", "Choose a new password");

	tmpl_set(d, "TOKEN", token);
	fields_show(r, f);
	page_end(r, status);
}

/* GET /auth/password/reset?token=T: the new-password form, the token in
 * a hidden field (it leaves the address bar's URL with the POST); 410 for
 * a token that is not good. */
int
h_reset_form(struct request *r)
{
	const char *token = req_param(r, "token");
	struct fields f;
	int rc;

	rc = store_token_check(&r->store, token, TOKEN_RESET_PASSWORD);
	if (rc == TK_ENOTFOUND) {
		refused_page(r, TOKEN_RESET_PASSWORD);
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	fields_init(r->arena, reset_form, &f);
	reset_page(r, token, &f, 200);
	return TK_OK;
}

/*
 * POST /auth/password/reset (CSRF checked; token, password,
 * password_confirm): 410 for a token that is not good; 422 with the form
 * (token kept) for a password the sign-up form would refuse or two that
 * differ; otherwise the password is set, the token used, every session of
 * the account revoked (this browser's too) and the page says to sign in.
 */
int
h_reset(struct request *r)
{
	const char *token = params_get(&r->form, "token");
	char hash[PW_HASH_LEN];
	struct fields f;
	int rc;

	rc = store_token_check(&r->store, token, TOKEN_RESET_PASSWORD);
	if (rc == TK_ENOTFOUND) {
		refused_page(r, TOKEN_RESET_PASSWORD);
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	fields_read(r->arena, reset_form, &r->form, &f);
	if (!fields_has_error(&f, "password") && !fields_has_error(&f, "password_confirm") &&
	    strcmp(f.values[RESET_PASSWORD], f.values[RESET_CONFIRM]) != 0)
		fields_error(&f, NULL, "password_confirm", "The two passwords are not the same.");
	if (f.nerrors > 0) {
		reset_page(r, token, &f, 422);
		return TK_OK;
	}
	rc = pw_hash(f.values[RESET_PASSWORD], hash);
	if (rc == TK_OK)
		rc = store_reset_password(&r->store, token, hash);
	sodium_memzero(hash, sizeof(hash));
	if (rc == TK_ENOTFOUND) {
		/* Used or superseded while the password was hashed. */
		refused_page(r, TOKEN_RESET_PASSWORD);
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	if (r->session != NULL)
		app_end_session(r);
	page_begin(r, "pages/auth/reset_done.tpl", "Password changed");
	page_end(r, 200);
	return TK_OK;
}

/* ---- address verification ---- */

/* GET /auth/email/verify?token=T: a good verify_email token verifies the
 * address it was sent to (once: user.updated with email_verified true)
 * and answers 200; any other token 410. */
int
h_verify_email(struct request *r)
{
	int rc;

	rc = store_verify_token(&r->store, req_param(r, "token"));
	if (rc == TK_ENOTFOUND) {
		refused_page(r, TOKEN_VERIFY_EMAIL);
		return TK_OK;
	}
	if (rc != TK_OK)
		return rc;
	page_begin(r, "pages/auth/verified.tpl", "Address verified");
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /auth/account/verify (signed in, CSRF checked): a new verification
 * link for the member's address (the older ones superseded), 303 to the
 * account page; nothing when it is verified already. At most one every
 * verify_resend_seconds and verify_resend_day_max a day per account: past
 * that, 429 with Retry-After and the account page saying when.
 */
int
h_verify_resend(struct request *r)
{
	struct user u;
	long retry = 0;
	int rc;

	rc = store_user_by_id(&r->store, r->session->user_id, &u);
	if (rc != TK_OK)
		return rc;
	if (u.email_verified) {
		resp_redirect(r, "/auth/account");
		return TK_OK;
	}
	rc = throttle_limit(&r->store, "verify-resend", u.id, "*", 1,
			    config_int("verify_resend_seconds"), &retry);
	if (rc == TK_OK)
		rc = throttle_limit(&r->store, "verify-day", u.id, "*",
				    config_int("verify_resend_day_max"), DAY, &retry);
	if (rc == TK_ELIMIT)
		return account_page_limited(r, retry);
	if (rc == TK_OK)
		rc = store_issue_token(&r->store, &u, TOKEN_VERIFY_EMAIL);
	if (rc != TK_OK)
		return rc;
	page_flash(r, AUTH_FLASH_VERIFY_SENT);
	resp_redirect(r, "/auth/account");
	return TK_OK;
}
