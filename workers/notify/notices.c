/*
 * The table of notices (notify.h): each mail the worker sends is one entry
 * here, one pair of templates under templates/mail/, and, when its event
 * comes on a subject no consumer of the worker reads yet, one consumer
 * (docs/MAIL.md, "Adding a mail").
 */
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "b64.h"
#include "buf.h"
#include "err.h"
#include "event.h"
#include "notify.h"
#include "tmpl.h"
#include "worker.h"

/* A token as the link carries it: 32 random bytes in base64url. */
#define TOKEN_LEN 43

int
notify_role_rank(const char *role)
{
	if (role == NULL)
		return -1;
	if (strcmp(role, "member") == 0)
		return 0;
	if (strcmp(role, "organizer") == 0)
		return 1;
	if (strcmp(role, "admin") == 0)
		return 2;
	return -1;
}

static const char *
member(const struct notice_in *in, const char *key)
{
	return json_string_value(json_object_get(in->job->ev->data, key));
}

/* --- account tokens (account_token.issued) -------------------------------- */

static int
when_verify(const struct notice_in *in)
{
	const char *p = member(in, "purpose");

	return p != NULL && strcmp(p, "verify_email") == 0;
}

static int
when_reset(const struct notice_in *in)
{
	const char *p = member(in, "purpose");

	return p != NULL && strcmp(p, "reset_password") == 0;
}

/* token_data: what renders a token mail: the sealed token (never opened
 * here), its deadline, whose it is. */
static int
token_data(const struct notice_in *in, json_t *out)
{
	static const char *const keys[] = {"id", "user_id", "purpose", "expires_at", "sealed"};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (member(in, keys[i]) == NULL ||
		    json_object_set_new(out, keys[i], json_string(member(in, keys[i]))) != 0)
			return TK_EINVAL;
	return TK_OK;
}

static const char *
data_str(const struct notice_render *r, const char *key)
{
	const char *s = json_string_value(json_object_get(r->data, key));

	return s != NULL ? s : "";
}

/* set_expiry: EXPIRES_AT as "2026-11-30 08:14 UTC" from the event format. */
static void
set_expiry(struct notice_render *r, const char *t)
{
	char out[32];

	if (strlen(t) != EVENT_TIME_LEN) {
		tmpl_set(r->d, "EXPIRES_AT", t);
		return;
	}
	memcpy(out, t, 10);
	out[10] = ' ';
	memcpy(out + 11, t + 11, 5);
	strcpy(out + 16, " UTC");
	tmpl_set(r->d, "EXPIRES_AT", out);
}

/*
 * fill_token: open the sealed token with the worker's key pair and set
 * LINK to base_url + path + "?token=" + the token. The clear token lives
 * only in this stack frame (wiped) and in the dictionary, which the
 * caller frees right after rendering.
 */
static int
fill_token(struct notice_render *r, const char *path)
{
	unsigned char sealed[crypto_box_SEALBYTES + TOKEN_LEN], token[TOKEN_LEN + 1];
	const char *s = data_str(r, "sealed");
	struct buf link = {0};
	size_t n, i;
	int rc = TK_ECRYPTO;

	if (b64_decode(s, strlen(s), sealed, sizeof(sealed), &n) != TK_OK || n != sizeof(sealed)) {
		r->why = "the sealed token does not decode";
		goto out;
	}
	if (crypto_box_seal_open(token, sealed, sizeof(sealed), r->pk, r->sk) != 0) {
		r->why = "the sealed token does not open with this worker's key";
		goto out;
	}
	token[TOKEN_LEN] = '\0';
	for (i = 0; i < TOKEN_LEN; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
			   token[i]) == NULL ||
		    token[i] == '\0') {
			r->why = "the sealed token is not a base64url token";
			goto out;
		}
	buf_printf(&link, "%s%s?token=%s", r->base_url, path, (const char *)token);
	tmpl_set(r->d, "LINK", link.data);
	set_expiry(r, data_str(r, "expires_at"));
	rc = TK_OK;
out:
	sodium_memzero(token, sizeof(token));
	if (link.data != NULL)
		sodium_memzero(link.data, link.len);
	buf_free(&link);
	return rc;
}

static int
fill_verify(struct notice_render *r)
{
	return fill_token(r, "/auth/email/verify");
}

static int
fill_reset(struct notice_render *r)
{
	return fill_token(r, "/auth/password/reset");
}

/* --- roles (user.updated) --------------------------------------------------- */

/* The role changed from what the replica held (the event is newer). */
static int
role_delta(const struct notice_in *in)
{
	int now = notify_role_rank(member(in, "role"));
	int before = in->prior != NULL ? notify_role_rank(in->prior->role) : -1;

	return now < 0 || before < 0 ? 0 : now - before;
}

static int
when_granted(const struct notice_in *in)
{
	return role_delta(in) > 0;
}

static int
when_revoked(const struct notice_in *in)
{
	return role_delta(in) < 0;
}

static int
role_data(const struct notice_in *in, json_t *out)
{
	if (json_object_set_new(out, "role", json_string(member(in, "role"))) != 0 ||
	    json_object_set_new(out, "previous_role", json_string(in->prior->role)) != 0)
		return TK_EINVAL;
	return TK_OK;
}

static int
fill_role(struct notice_render *r)
{
	struct buf link = {0};
	const char *role = data_str(r, "role");

	tmpl_set(r->d, "ROLE", role);
	tmpl_set(r->d, "PREVIOUS_ROLE", data_str(r, "previous_role"));
	if (strcmp(role, "organizer") == 0 || strcmp(role, "admin") == 0)
		tmpl_show(r->d, strcmp(role, "admin") == 0 ? "ADMIN" : "ORGANIZER");
	buf_printf(&link, "%s/auth/account", r->base_url);
	tmpl_set(r->d, "ACCOUNT_LINK", link.data);
	buf_free(&link);
	return TK_OK;
}

/* --- the table ------------------------------------------------------------ */

const struct notice notices[] = {
    {"account_token.issued", "verify_email", when_verify, NOTICE_TO_EVENT, NULL, token_data,
     fill_verify},
    {"account_token.issued", "reset_password", when_reset, NOTICE_TO_EVENT, NULL, token_data,
     fill_reset},
    {"user.updated", "role_granted", when_granted, NOTICE_TO_USER, "id", role_data, fill_role},
    {"user.updated", "role_revoked", when_revoked, NOTICE_TO_USER, "id", role_data, fill_role},
};
const size_t nnotices = sizeof(notices) / sizeof(notices[0]);
