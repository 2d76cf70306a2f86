/*
 * The auth service: accounts, passwords and sessions. It owns the
 * ticketing_auth database and is the only service that signs session
 * tokens. Declarations shared by its files: data access (store.c), input
 * checks (input.c), the throttling of password guesses (throttle.c) and
 * the handlers (signup.c, signin.c, account.c).
 */
#ifndef TK_AUTH_H
#define TK_AUTH_H
#include <stdint.h>

#include "sess.h"
#include "store.h"

struct arena;
struct field;
struct request;

/* ---- data access (store.c) ----
 * Every function takes the store context (lib/store.h), so ticketingctl
 * can call them as well as the handlers. */

extern const char *const auth_stmts[];
extern const size_t auth_nstmts;

struct user {
	const char *id;
	const char *email;
	const char *name;
	const char *password_hash;
	enum role role;
	const char *created_at; /* YYYY-MM-DD */
	int64_t version;        /* the row's version, moved by every change */
	int email_verified;     /* 1 when the address was proved (email_verified_at) */
};

/* The throttle of password guesses of one account from one client
 * address (throttle.c). */
struct throttle {
	const char *email; /* the normalised email */
	char account[65];  /* SHA-256 of the normalised email, hex: known or not */
	const char *addr;  /* the client's address (at most 100 characters) */
	long retry_after;  /* OUT: with TK_ELIMIT, seconds until the next try */
};

/* store_user_by_email / store_user_by_id: fill *u (strings in st's
 * arena). Return TK_OK, TK_ENOTFOUND or a database error. */
int store_user_by_email(struct store *st, const char *email, struct user *u);
int store_user_by_id(struct store *st, const char *id, struct user *u);

/* store_create_user: in one transaction, insert user u (with its role) and
 * its user.created event. store_create_user_session: the same with session
 * s for it. Both return TK_OK, TK_EEXIST when the email is taken, or a
 * database error. u's email and name must have passed input_email and
 * input_name. */
int store_create_user(struct store *st, const struct user *u);
int store_create_user_session(struct store *st, const struct user *u, const struct session *s);

/* store_signin_ok: in one transaction, lock the user row of s, and when
 * its version is still version (the row the password was verified
 * against), forget the attempts of throttle t and insert session s (with
 * st->remote_addr). Returns TK_OK, TK_ECONFLICT when the row changed or
 * went away meanwhile (nothing written), or a database error. */
int store_signin_ok(struct store *st, const struct session *s, int64_t version,
		    const struct throttle *t);

/* store_throttle_peek: TK_OK when t may try now; TK_ELIMIT with
 * t->retry_after while it must wait; or a database error. Reads only. */
int store_throttle_peek(struct store *st, struct throttle *t);

/* store_throttle_charge: in one transaction on t's row and the account's
 * row over all addresses (made when missing), TK_ELIMIT with
 * t->retry_after while t must wait, or while the account is past
 * signin_account_max_failures attempts in its hour and t's address is not
 * one it signed in from in the last 90 days; otherwise count one more
 * attempt in both, set t's wait after it (throttle_delay) and keep t's row
 * signin_forget_seconds. Then deletes some expired rows. Returns TK_OK,
 * TK_ELIMIT or a database error. */
int store_throttle_charge(struct store *st, struct throttle *t);

/* store_throttle_clear: forget t's attempts and take one off the
 * account's hourly count (the right password came). */
int store_throttle_clear(struct store *st, const struct throttle *t);

/* store_session_valid: TK_OK when session sid of user_id exists, is not
 * revoked, has not expired and was used within session_idle_seconds;
 * TK_EAUTH otherwise; or a database error. */
int store_session_valid(struct store *st, const char *sid, const char *user_id);

/* store_session_renew: when session s is valid as store_session_valid
 * says, record its use now (the idle timeout starts again) and refresh s
 * from the tables: the user's current role and name, and expires set to
 * the end of the session. TK_OK, TK_EAUTH (not valid) or a database
 * error. */
int store_session_renew(struct store *st, struct session *s);

/* store_revoke_session: mark session sid of user_id revoked and emit
 * session.revoked (idempotent: nothing when revoked already). */
int store_revoke_session(struct store *st, const char *sid, const char *user_id);

/* store_change_password: in one transaction, set the hash of user_id and
 * revoke every session of the user except keep_sid. */
int store_change_password(struct store *st, const char *user_id, const char *hash,
			  const char *keep_sid);

/* store_find_users: the members whose email or name contains q, newest
 * first, at most limit into *out (n of them, in the arena); *more tells
 * whether more matched. */
int store_find_users(struct store *st, const char *q, size_t limit, struct user **out, size_t *n,
		     int *more);

/* store_set_role: in one transaction, give member or organizer u the role
 * (never to or from admin), emit user.updated and revoke every session of
 * u. Returns TK_OK (also when u had that role already: then nothing
 * changes) or a database error. */
int store_set_role(struct store *st, const struct user *u, enum role role);

/* store_verify_email: in one transaction, mark user_id's address verified
 * and emit user.updated (nothing when it is verified already): the
 * operator's create-user --verified. TK_OK or a database error. */
int store_verify_email(struct store *st, const char *user_id);

/* store_limit_take: a counter of the throttle table (signin_throttle):
 * row (account, addr) counts at most max takes in a window of window
 * seconds from the first. TK_OK (one more counted), TK_ELIMIT with
 * *retry_after the seconds until the window ends, or a database error.
 * throttle_limit names the rows. */
int store_limit_take(struct store *st, const char *account, const char *addr, int64_t max,
		     int64_t window, long *retry_after);

/* ---- mailed tokens (store.c; docs/DECISIONS.md "Account tokens") ----
 * A token is 32 random bytes in base64url (43 characters), mailed in a
 * link; auth keeps only its crypto_generichash and sends it once, sealed
 * (crypto_box_seal) to the notifications worker's public key, in
 * account_token.issued written with the row. */

#define TOKEN_TEXT_LEN 43

enum token_purpose { TOKEN_VERIFY_EMAIL, TOKEN_RESET_PASSWORD };

/* The notifications worker's crypto_box public key (notify_pub_file),
 * loaded by the service's init; without it no token can be issued
 * (TK_ECONFIG). */
extern unsigned char auth_notify_pk[32];
extern int auth_notify_pk_set;

/* token_purpose_name: "verify_email" or "reset_password". */
const char *token_purpose_name(enum token_purpose p);

/* store_create_user_verify: store_create_user_session for a sign-up: the
 * account is unverified and a verify_email token is issued in the same
 * transaction. TK_OK, TK_EEXIST, TK_ECONFIG or a database error. */
int store_create_user_verify(struct store *st, const struct user *u, const struct session *s);

/* store_issue_token: in one transaction, a new token of purpose p for
 * user u (its older unused ones of p superseded) and its event. */
int store_issue_token(struct store *st, const struct user *u, enum token_purpose p);

/* store_token_check: TK_OK when token is a good token of purpose p (its
 * row unused, not superseded, not expired, and the account's address the
 * one it was sent to), TK_ENOTFOUND otherwise, whatever the reason; or a
 * database error. Reads only. */
int store_token_check(struct store *st, const char *token, enum token_purpose p);

/* store_reset_password: in one transaction, when token is a good
 * reset_password token: mark it used, set the account's password hash
 * (the address counts as verified: the link proved it), revoke every
 * session of the account and emit user.updated. TK_OK, TK_ENOTFOUND or a
 * database error. */
int store_reset_password(struct store *st, const char *token, const char *hash);

/* store_verify_token: in one transaction, when token is a good
 * verify_email token: mark it used and the address verified
 * (user.updated). TK_OK, TK_ENOTFOUND or a database error. */
int store_verify_token(struct store *st, const char *token);

/* ---- input checks (input.c) ---- */

/* The fields several auth forms share (fields.h). */
extern const struct field input_email_field;        /* "email" */
extern const struct field input_name_field;         /* "name", the display name */
extern const struct field input_new_password_field; /* "password", a new one */

/* input_email, input_name, input_password: one value checked as its field
 * (fields_check_fn): NULL when fine with the normalised value in *out
 * (arena a), else the message. The email is trimmed and lower-cased
 * (ASCII), the name trimmed, the password taken as typed. */
const char *input_email(struct arena *a, const char *raw, const char **out);
const char *input_name(struct arena *a, const char *raw, const char **out);
const char *input_password(struct arena *a, const char *raw, const char **out);
/* input_next: a safe local path to go to after sign-in, or the default. */
const char *input_next(const char *next);

/* ---- password guesses (throttle.c) ---- */

/* throttle_init: t for the normalised email (known or not) and st's
 * client address. */
void throttle_init(struct store *st, const char *email, struct throttle *t);

/* throttle_delay: the seconds an address waits after its nth attempt at
 * one account without the right password (0 for the first
 * signin_free_failures, then 2, 4, 8, ... up to signin_max_delay). */
int64_t throttle_delay(int64_t n);

/*
 * throttle_verify: the one check of a typed password against an account,
 * for sign-in and for the current password on the account page. hash is
 * the stored one, or NULL for an unknown account (then a dummy hash is
 * verified, at the same cost). Refuses at once while t must wait; else,
 * once the verification slot is taken, counts the attempt
 * (store_throttle_charge) and verifies. Returns TK_OK for the right
 * password (the caller then forgets t's attempts), TK_EAUTH for a wrong
 * one, TK_ELIMIT with t->retry_after, or a database or crypto error.
 */
int throttle_verify(struct store *st, struct throttle *t, const char *hash, const char *password);

/* throttle_limit: store_limit_take on the row of (scope, subject) and
 * addr: scope names the limit ("forgot", "verify-day", ...), subject what
 * it counts (an email, a user id; "" for none); the row's account is the
 * SHA-256 of both, apart from sign-in's rows. */
int throttle_limit(struct store *st, const char *scope, const char *subject, const char *addr,
		   int64_t max, int64_t window, long *retry_after);

/* auth_begin_session: fill s for user u with a fresh session id and the
 * configured lifetime. */
void auth_begin_session(const struct user *u, struct session *s);

/* ---- the service's definition (main.c) ---- */

/* Flash messages of the auth service: indexes into its table of codes;
 * the texts are in templates/partials/flash.tpl. */
enum auth_flash {
	AUTH_FLASH_SIGNED_UP,
	AUTH_FLASH_SIGNED_IN,
	AUTH_FLASH_SIGNED_OUT,
	AUTH_FLASH_PASSWORD_CHANGED,
	AUTH_FLASH_ROLE_CHANGED,
	AUTH_FLASH_VERIFY_SENT,
	AUTH_FLASH__MAX
};

/* ---- handlers ---- */

/* signin_too_many: answer 429, the fixed error page, with Retry-After
 * seconds (at least 1): the answer of every throttled password guess. */
void signin_too_many(struct request *r, long seconds);

int h_signup_form(struct request *r);
int h_signup(struct request *r);
int h_signin_form(struct request *r);
int h_signin(struct request *r);
int h_signout(struct request *r);
int h_renew(struct request *r);
int h_account(struct request *r);
int h_password(struct request *r);
int h_admin_users(struct request *r);
int h_admin_set_role(struct request *r);
/* account_page_limited: the account page answering 429 with Retry-After
 * seconds (verification links asked too often). */
int account_page_limited(struct request *r, long seconds);
int h_forgot_form(struct request *r);
int h_forgot(struct request *r);
int h_reset_form(struct request *r);
int h_reset(struct request *r);
int h_verify_email(struct request *r);
int h_verify_resend(struct request *r);

/* auth_init: the service's start: the notifications worker's public key
 * (notify_pub_file: 32 raw bytes). */
int auth_init(void);

#endif
