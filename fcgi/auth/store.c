/*
 * Data access of the auth service: its statement table and the only code
 * that runs them. Owner checks sit in the WHERE clauses.
 *
 * Events (lib/outbox.h), written in the transaction of the change:
 *   user.created, user.updated  state {id, name, role, version, email,
 *                               email_verified} (the address for the
 *                               notifications worker's mails; replicas of
 *                               other services keep what they need of it)
 *   session.revoked             state {id, user_id, revoked_at}, version 1
 *   account_token.issued        state {id, user_id, purpose, email, name,
 *                               expires_at, sealed}, version 1: a mailed
 *                               token, sealed for the notifications worker
 *                               (docs/DECISIONS.md "Account tokens")
 * After a commit that wrote events, the relay is nudged (mq_nudge_outbox).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "b64.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "outbox.h"
#include "store.h"
#include "uuid.h"

enum stmt {
	ST_USER_BY_EMAIL,
	ST_USER_BY_ID,
	ST_USER_INSERT,
	ST_USER_VERSION_LOCK,
	ST_USER_SET_PASSWORD,
	ST_SESSION_INSERT,
	ST_SESSION_VALID,
	ST_SESSION_TOUCH,
	ST_SESSION_CURRENT,
	ST_SESSION_REVOKE,
	ST_SESSION_OTHERS,
	ST_USER_STATE,
	ST_OUTBOX_INSERT,
	ST_USER_FIND,
	ST_USER_SET_ROLE,
	ST_THROTTLE_PEEK,
	ST_THROTTLE_CLAIM,
	ST_THROTTLE_READ,
	ST_THROTTLE_CHARGE,
	ST_THROTTLE_CLEAR,
	ST_THROTTLE_FORGIVE,
	ST_THROTTLE_TRUSTED,
	ST_THROTTLE_PRUNE,
	ST_USER_SET_VERIFIED,
	ST_USER_RESET_PASSWORD,
	ST_TOKEN_SUPERSEDE,
	ST_TOKEN_INSERT,
	ST_TOKEN_FIND,
	ST_TOKEN_LOCK,
	ST_TOKEN_USE,
	ST_TOKEN_PRUNE,
	ST__MAX
};

/* The whole seconds until blocked_until, 0 when it is past or NULL. */
#define THROTTLE_WAIT                                                                              \
	"COALESCE(GREATEST(0, CEILING(TIMESTAMPDIFF(MICROSECOND, NOW(6), blocked_until) / 1e6)), " \
	"0)"

/* The remote_addr of an account's row over all addresses (never a real
 * REMOTE_ADDR), and the length of its counting window in seconds. */
#define THROTTLE_ALL "*"
#define THROTTLE_WINDOW 3600

#define TOKEN_SELECT                                                                               \
	"SELECT t.id, t.user_id, t.email, t.used_at IS NULL AND t.superseded_at IS NULL "          \
	"AND t.expires_at > NOW(6), u.email FROM account_tokens t JOIN users u ON u.id = "         \
	"t.user_id "                                                                               \
	"WHERE t.token_hash = ? AND t.purpose = ?"

#define USER_COLUMNS                                                                               \
	"id, email, name, password_hash, role, DATE_FORMAT(created_at, '%Y-%m-%d'), version, "     \
	"email_verified_at IS NOT NULL"

const char *const auth_stmts[ST__MAX] = {
    [ST_USER_BY_EMAIL] = "SELECT " USER_COLUMNS " FROM users WHERE email = ?",
    [ST_USER_BY_ID] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
    [ST_USER_INSERT] = "INSERT INTO users (id, email, name, password_hash, role, "
		       "email_verified_at) VALUES (?, ?, ?, ?, ?, IF(?, NOW(6), NULL))",
    /* A sign-in holds the row until its session is in: a change of the
     * row commits before (the sign-in sees its version) or after (it
     * revokes the new session). */
    [ST_USER_VERSION_LOCK] = "SELECT version FROM users WHERE id = ? FOR UPDATE",
    [ST_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?, version = version + 1 "
			     "WHERE id = ?",
    [ST_SESSION_INSERT] = "INSERT INTO sessions (id, user_id, expires_at, remote_addr) "
			  "VALUES (?, ?, FROM_UNIXTIME(?), ?)",
    [ST_SESSION_VALID] = "SELECT 1 FROM sessions WHERE id = ? AND user_id = ? "
			 "AND revoked_at IS NULL AND expires_at > NOW(6) "
			 "AND last_seen_at > NOW(6) - INTERVAL ? SECOND",
    /* A renewal: the same conditions as ST_SESSION_VALID, and the
     * activity recorded. */
    [ST_SESSION_TOUCH] = "UPDATE sessions SET last_seen_at = NOW(6) WHERE id = ? AND user_id = ? "
			 "AND revoked_at IS NULL AND expires_at > NOW(6) "
			 "AND last_seen_at > NOW(6) - INTERVAL ? SECOND",
    [ST_SESSION_CURRENT] = "SELECT u.name, u.role, FLOOR(UNIX_TIMESTAMP(s.expires_at)) "
			   "FROM sessions s JOIN users u ON u.id = s.user_id "
			   "WHERE s.id = ? AND s.user_id = ?",
    [ST_SESSION_REVOKE] = "UPDATE sessions SET revoked_at = NOW(6) "
			  "WHERE id = ? AND revoked_at IS NULL",
    [ST_SESSION_OTHERS] = "SELECT id FROM sessions WHERE user_id = ? AND id <> ? "
			  "AND revoked_at IS NULL FOR UPDATE",
    [ST_USER_STATE] = "SELECT id, name, role, version, email, email_verified_at IS NOT NULL "
		      "FROM users WHERE id = ?",
    [ST_OUTBOX_INSERT] = OUTBOX_INSERT_SQL,
    /* LIKE patterns come escaped (like_pattern); one row past the limit
     * tells whether there are more. */
    [ST_USER_FIND] = "SELECT " USER_COLUMNS " FROM users WHERE email LIKE ? OR name LIKE ? "
		     "ORDER BY created_at DESC, id DESC LIMIT ?",
    /* Administrators are never changed through the web. */
    [ST_USER_SET_ROLE] = "UPDATE users SET role = ?, version = version + 1 "
			 "WHERE id = ? AND role IN ('member', 'organizer') AND role <> ?",
    /* Seconds until the next attempt of (account, address); no row: 0. */
    [ST_THROTTLE_PEEK] = "SELECT " THROTTLE_WAIT " FROM signin_throttle "
			 "WHERE account = ? AND remote_addr = ? AND expires_at > NOW(6)",
    /* The row of (account, address), made if missing, locked exclusively
     * (a duplicate key takes the exclusive lock an update would). */
    [ST_THROTTLE_CLAIM] =
	"INSERT INTO signin_throttle (account, remote_addr, failures, expires_at) "
	"VALUES (?, ?, 0, NOW(6)) ON DUPLICATE KEY UPDATE failures = failures",
    /* Attempts, seconds to wait, seconds until the row expires. */
    [ST_THROTTLE_READ] =
	"SELECT IF(expires_at > NOW(6), failures, 0), " THROTTLE_WAIT ", "
	"GREATEST(0, CEILING(TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) / 1e6)) "
	"FROM signin_throttle WHERE account = ? AND remote_addr = ? FOR UPDATE",
    [ST_THROTTLE_CHARGE] = "UPDATE signin_throttle SET failures = ?, "
			   "blocked_until = IF(? > 0, NOW(6) + INTERVAL ? SECOND, NULL), "
			   "expires_at = NOW(6) + INTERVAL ? SECOND "
			   "WHERE account = ? AND remote_addr = ?",
    [ST_THROTTLE_CLEAR] = "DELETE FROM signin_throttle WHERE account = ? AND remote_addr = ?",
    /* The right password was no failure: one off the account's count. */
    [ST_THROTTLE_FORGIVE] = "UPDATE signin_throttle SET failures = GREATEST(failures, 1) - 1 "
			    "WHERE account = ? AND remote_addr = '" THROTTLE_ALL "'",
    /* An address the account signed in from lately. */
    [ST_THROTTLE_TRUSTED] = "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id "
			    "WHERE u.email = ? AND s.remote_addr = ? "
			    "AND s.created_at > NOW(6) - INTERVAL 90 DAY LIMIT 1",
    /* Each attempt removes at most this many expired rows: the table stays
     * as small as the attempts of the last signin_forget_seconds. */
    [ST_THROTTLE_PRUNE] = "DELETE FROM signin_throttle WHERE expires_at <= NOW(6) "
			  "ORDER BY expires_at LIMIT 100",
    [ST_USER_SET_VERIFIED] = "UPDATE users SET email_verified_at = NOW(6), version = version + 1 "
			     "WHERE id = ? AND email_verified_at IS NULL",
    /* A reset by a mailed link also proves the address. */
    [ST_USER_RESET_PASSWORD] = "UPDATE users SET password_hash = ?, "
			       "email_verified_at = COALESCE(email_verified_at, NOW(6)), "
			       "version = version + 1 WHERE id = ?",
    [ST_TOKEN_SUPERSEDE] = "UPDATE account_tokens SET superseded_at = NOW(6) "
			   "WHERE user_id = ? AND purpose = ? AND used_at IS NULL "
			   "AND superseded_at IS NULL",
    [ST_TOKEN_INSERT] = "INSERT INTO account_tokens (id, user_id, purpose, token_hash, email, "
			"expires_at) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?))",
    /* The token of a hash and purpose, whether it is good, and the
     * account's address now. */
    [ST_TOKEN_FIND] = TOKEN_SELECT,
    [ST_TOKEN_LOCK] = TOKEN_SELECT " FOR UPDATE",
    [ST_TOKEN_USE] = "UPDATE account_tokens SET used_at = NOW(6) WHERE id = ? AND used_at IS NULL",
    /* A day after expiry a token is forgotten; each new one deletes at
     * most this many. */
    [ST_TOKEN_PRUNE] = "DELETE FROM account_tokens WHERE expires_at < NOW(6) - INTERVAL 1 DAY "
		       "ORDER BY expires_at LIMIT 100",
};

const size_t auth_nstmts = ST__MAX;

/* user_from_row: row i of a USER_COLUMNS result into *u. */
static int
user_from_row(const struct db_rows *rows, size_t i, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_str(rows, i, 0);
	u->email = db_str(rows, i, 1);
	u->name = db_str(rows, i, 2);
	u->password_hash = db_str(rows, i, 3);
	if (role_parse(db_str(rows, i, 4), &u->role) != TK_OK)
		return TK_EINTERNAL;
	u->created_at = db_str(rows, i, 5);
	u->version = db_int(rows, i, 6);
	u->email_verified = db_int(rows, i, 7) != 0;
	return TK_OK;
}

static int
user_query(struct store *st, enum stmt stmt, const char *key, struct user *u)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, stmt, (struct db_val[]){DB_S(key)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	return user_from_row(&rows, 0, u);
}

int
store_user_by_email(struct store *st, const char *email, struct user *u)
{
	return user_query(st, ST_USER_BY_EMAIL, email, u);
}

int
store_user_by_id(struct store *st, const char *id, struct user *u)
{
	return user_query(st, ST_USER_BY_ID, id, u);
}

/* emit_user: append event type (user.created or user.updated) carrying
 * the user's current row, inside the open transaction. */
static int
emit_user(struct store *st, const char *type, const char *user_id)
{
	struct db_rows rows;
	json_t *state = NULL;
	int rc;

	rc = db_exec(st->db, ST_USER_STATE, (struct db_val[]){DB_S(user_id)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows != 1) {
		rc = TK_EINTERNAL;
		goto out;
	}
	state = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "id", db_str(&rows, 0, 0), "name",
			  db_str(&rows, 0, 1), "role", db_str(&rows, 0, 2), "version",
			  (json_int_t)db_int(&rows, 0, 3), "email", db_str(&rows, 0, 4),
			  "email_verified", db_int(&rows, 0, 5) != 0);
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = outbox_append(st->db, ST_OUTBOX_INSERT, type, "user", user_id, db_int(&rows, 0, 3),
			   state);
out:
	json_decref(state);
	return rc;
}

/* revoke: revoke session sid of user_id and append session.revoked, inside
 * the open transaction; nothing when it was revoked already. */
static int
revoke(struct store *st, const char *sid, const char *user_id)
{
	char when[EVENT_TIME_LEN + 1];
	struct db_rows rows;
	json_t *state = NULL;
	int rc;

	rc = db_exec(st->db, ST_SESSION_REVOKE, (struct db_val[]){DB_S(sid)}, 1, st->arena, &rows);
	if (rc != TK_OK || rows.affected == 0)
		goto out;
	event_now(when);
	state = json_pack("{s:s, s:s, s:s}", "id", sid, "user_id", user_id, "revoked_at", when);
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = outbox_append(st->db, ST_OUTBOX_INSERT, "session.revoked", "session", sid, 1, state);
out:
	json_decref(state);
	return rc;
}

static int
insert_session(struct store *st, const struct session *s)
{
	struct db_val p[] = {DB_S(s->sid), DB_S(s->user_id), DB_I(s->expires),
			     st->remote_addr ? DB_S(st->remote_addr) : DB_NUL};

	return db_exec(st->db, ST_SESSION_INSERT, p, 4, NULL, NULL);
}

/* create_user: in one transaction, insert u with its role, session s
 * unless it is NULL, and user.created. */
static int
create_user(struct store *st, const struct user *u, const struct session *s)
{
	struct db_val p[] = {DB_S(u->id),
			     DB_S(u->email),
			     DB_S(u->name),
			     DB_S(u->password_hash),
			     DB_S(role_name(u->role)),
			     DB_I(u->email_verified ? 1 : 0)};
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_USER_INSERT, p, 6, NULL, NULL);
	if (rc == TK_OK && s != NULL)
		rc = insert_session(st, s);
	if (rc == TK_OK)
		rc = emit_user(st, "user.created", u->id);
	return store_finish(st, rc);
}

int
store_create_user(struct store *st, const struct user *u)
{
	return create_user(st, u, NULL);
}

int
store_create_user_session(struct store *st, const struct user *u, const struct session *s)
{
	return create_user(st, u, s);
}

int
store_signin_ok(struct store *st, const struct session *s, int64_t version,
		const struct throttle *t)
{
	struct db_rows rows;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_USER_VERSION_LOCK, (struct db_val[]){DB_S(s->user_id)}, 1,
		     st->arena, &rows);
	if (rc == TK_OK && (rows.nrows != 1 || db_int(&rows, 0, 0) != version))
		rc = TK_ECONFLICT;
	if (rc == TK_OK)
		rc = store_throttle_clear(st, t);
	if (rc == TK_OK)
		rc = insert_session(st, s);
	return store_finish(st, rc);
}

int
store_throttle_peek(struct store *st, struct throttle *t)
{
	struct db_rows rows;
	int rc;

	t->retry_after = 0;
	rc = db_exec(st->db, ST_THROTTLE_PEEK, (struct db_val[]){DB_S(t->account), DB_S(t->addr)},
		     2, st->arena, &rows);
	if (rc == TK_OK && rows.nrows == 1)
		t->retry_after = (long)db_int(&rows, 0, 0);
	if (rc == TK_OK && t->retry_after > 0)
		rc = TK_ELIMIT;
	return rc;
}

/* lock_row: make the throttle row (account, addr) if it is missing, lock
 * it and read it into *rows (ST_THROTTLE_READ's columns). */
static int
lock_row(struct store *st, const char *account, const char *addr, struct db_rows *rows)
{
	struct db_val key[] = {DB_S(account), DB_S(addr)};
	int rc;

	rc = db_exec(st->db, ST_THROTTLE_CLAIM, key, 2, NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_THROTTLE_READ, key, 2, st->arena, rows);
	if (rc == TK_OK && rows->nrows != 1)
		rc = TK_EINTERNAL;
	return rc;
}

/* set_row: give the locked row (account, addr) its count, a wait of delay
 * seconds (0: none) and a life of keep seconds from now. */
static int
set_row(struct store *st, const char *account, const char *addr, int64_t failures, int64_t delay,
	int64_t keep)
{
	return db_exec(st->db, ST_THROTTLE_CHARGE,
		       (struct db_val[]){DB_I(failures), DB_I(delay), DB_I(delay), DB_I(keep),
					 DB_S(account), DB_S(addr)},
		       6, NULL, NULL);
}

int
store_throttle_charge(struct store *st, struct throttle *t)
{
	struct db_rows pair, all, trusted;
	int64_t failures, delay, keep, window;
	int rc;

	t->retry_after = 0;
	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = lock_row(st, t->account, t->addr, &pair);
	if (rc == TK_OK && db_int(&pair, 0, 1) > 0) {
		t->retry_after = (long)db_int(&pair, 0, 1);
		rc = TK_ELIMIT;
	}
	/* Past the account's hourly budget only its recent addresses pass. */
	if (rc == TK_OK)
		rc = lock_row(st, t->account, THROTTLE_ALL, &all);
	if (rc == TK_OK && db_int(&all, 0, 0) >= config_int("signin_account_max_failures")) {
		rc = db_exec(st->db, ST_THROTTLE_TRUSTED,
			     (struct db_val[]){DB_S(t->email), DB_S(t->addr)}, 2, st->arena,
			     &trusted);
		if (rc == TK_OK && trusted.nrows == 0) {
			t->retry_after = (long)db_int(&all, 0, 2);
			rc = TK_ELIMIT;
		}
	}
	if (rc == TK_OK) {
		failures = db_int(&pair, 0, 0) + 1;
		delay = throttle_delay(failures);
		keep = config_int("signin_forget_seconds");
		rc = set_row(st, t->account, t->addr, failures, delay, keep > delay ? keep : delay);
	}
	if (rc == TK_OK) {
		/* The account's window runs an hour from its first attempt. */
		window = db_int(&all, 0, 0) > 0 ? db_int(&all, 0, 2) : THROTTLE_WINDOW;
		rc = set_row(st, t->account, THROTTLE_ALL, db_int(&all, 0, 0) + 1, 0, window);
	}
	rc = store_finish(st, rc);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_THROTTLE_PRUNE, NULL, 0, NULL, NULL);
	return rc;
}

int
store_throttle_clear(struct store *st, const struct throttle *t)
{
	int rc;

	rc = db_exec(st->db, ST_THROTTLE_CLEAR, (struct db_val[]){DB_S(t->account), DB_S(t->addr)},
		     2, NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_THROTTLE_FORGIVE, (struct db_val[]){DB_S(t->account)}, 1,
			     NULL, NULL);
	return rc;
}

int
store_session_valid(struct store *st, const char *sid, const char *user_id)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(
	    st->db, ST_SESSION_VALID,
	    (struct db_val[]){DB_S(sid), DB_S(user_id), DB_I(config_int("session_idle_seconds"))},
	    3, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	return rows.nrows == 1 ? TK_OK : TK_EAUTH;
}

int
store_session_renew(struct store *st, struct session *s)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, ST_SESSION_TOUCH,
		     (struct db_val[]){DB_S(s->sid), DB_S(s->user_id),
				       DB_I(config_int("session_idle_seconds"))},
		     3, st->arena, &rows);
	if (rc == TK_OK && rows.affected != 1)
		rc = TK_EAUTH;
	if (rc == TK_OK)
		rc =
		    db_exec(st->db, ST_SESSION_CURRENT,
			    (struct db_val[]){DB_S(s->sid), DB_S(s->user_id)}, 2, st->arena, &rows);
	if (rc == TK_OK && rows.nrows != 1)
		rc = TK_EAUTH;
	if (rc == TK_OK && role_parse(db_str(&rows, 0, 1), &s->role) != TK_OK)
		rc = TK_EINTERNAL;
	if (rc == TK_OK) {
		snprintf(s->name, sizeof(s->name), "%s", db_str(&rows, 0, 0));
		s->expires = db_int(&rows, 0, 2);
	}
	return rc;
}

int
store_revoke_session(struct store *st, const char *sid, const char *user_id)
{
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	return store_finish(st, revoke(st, sid, user_id));
}

/* revoke_others: revoke every live session of user_id but keep_sid ("":
 * all of them), inside the open transaction. */
static int
revoke_others(struct store *st, const char *user_id, const char *keep_sid)
{
	struct db_rows others = {0};
	size_t i;
	int rc;

	rc = db_exec(st->db, ST_SESSION_OTHERS, (struct db_val[]){DB_S(user_id), DB_S(keep_sid)}, 2,
		     st->arena, &others);
	for (i = 0; rc == TK_OK && i < others.nrows; i++)
		rc = revoke(st, db_str(&others, i, 0), user_id);
	return rc;
}

int
store_change_password(struct store *st, const char *user_id, const char *hash, const char *keep_sid)
{
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_USER_SET_PASSWORD, (struct db_val[]){DB_S(hash), DB_S(user_id)}, 2,
		     NULL, NULL);
	if (rc == TK_OK)
		rc = revoke_others(st, user_id, keep_sid);
	/* The version moved: replicas of the user follow it. */
	if (rc == TK_OK)
		rc = emit_user(st, "user.updated", user_id);
	return store_finish(st, rc);
}

/* like_pattern: "%q%" with LIKE's own characters in q escaped. */
static const char *
like_pattern(struct store *st, const char *q)
{
	char *p = arena_alloc(st->arena, 2 * strlen(q) + 3), *o = p;

	*o++ = '%';
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

int
store_find_users(struct store *st, const char *q, size_t limit, struct user **out, size_t *n,
		 int *more)
{
	const char *pattern = like_pattern(st, q);
	struct db_rows rows;
	struct user *u;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	*more = 0;
	rc = db_exec(st->db, ST_USER_FIND,
		     (struct db_val[]){DB_S(pattern), DB_S(pattern), DB_I((int64_t)limit + 1)}, 3,
		     st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	*more = rows.nrows > limit;
	*n = *more ? limit : rows.nrows;
	u = arena_alloc(st->arena, (*n + 1) * sizeof(*u));
	for (i = 0; i < *n; i++) {
		rc = user_from_row(&rows, i, &u[i]);
		if (rc != TK_OK)
			return rc;
	}
	*out = u;
	return TK_OK;
}

int
store_set_role(struct store *st, const struct user *u, enum role role)
{
	struct db_rows rows;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_USER_SET_ROLE,
		     (struct db_val[]){DB_S(role_name(role)), DB_S(u->id), DB_S(role_name(role))},
		     3, st->arena, &rows);
	if (rc == TK_OK && rows.affected == 0) {
		/* The role was that already: nothing to change or announce. */
		db_rollback(st->db);
		return TK_OK;
	}
	if (rc == TK_OK)
		rc = emit_user(st, "user.updated", u->id);
	/* The role travels in session tokens: sign the member out everywhere
	 * so the new role applies at the next sign-in. */
	if (rc == TK_OK)
		rc = revoke_others(st, u->id, "");
	return store_finish(st, rc);
}

/* mark_verified: inside the open transaction, record that user_id's
 * address is proved (nothing when it was already) and emit user.updated. */
static int
mark_verified(struct store *st, const char *user_id)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, ST_USER_SET_VERIFIED, (struct db_val[]){DB_S(user_id)}, 1, st->arena,
		     &rows);
	if (rc != TK_OK || rows.affected == 0)
		return rc;
	return emit_user(st, "user.updated", user_id);
}

int
store_verify_email(struct store *st, const char *user_id)
{
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	return store_finish(st, mark_verified(st, user_id));
}

/* ---- mailed tokens (docs/DECISIONS.md "Account tokens") ---- */

unsigned char auth_notify_pk[crypto_box_PUBLICKEYBYTES];
int auth_notify_pk_set;

const char *
token_purpose_name(enum token_purpose p)
{
	return p == TOKEN_VERIFY_EMAIL ? "verify_email" : "reset_password";
}

/* token_hash_hex: the stored name of token (its text as in the link):
 * crypto_generichash, 32 bytes, in lower-case hex. */
static void
token_hash_hex(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* token_text_ok: token looks like one we issue: 43 base64url characters.
 * Anything else is refused before any query. */
static int
token_text_ok(const char *token)
{
	size_t i;

	if (token == NULL || strlen(token) != TOKEN_TEXT_LEN)
		return 0;
	for (i = 0; i < TOKEN_TEXT_LEN; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/*
 * issue_token: inside the open transaction, supersede the unused tokens of
 * user u and purpose p, store the hash of a fresh token (32 random bytes,
 * base64url) expiring in seconds, and append account_token.issued with
 * the token sealed to the notifications worker's key. The clear token
 * lives only in this function's stack, wiped before it returns.
 */
static int
issue_token(struct store *st, const struct user *u, enum token_purpose p, int64_t seconds)
{
	unsigned char raw[32], sealed[crypto_box_SEALBYTES + TOKEN_TEXT_LEN];
	char token[TOKEN_TEXT_LEN + 1], hash[65], id[UUID_STR_LEN + 1], expires[EVENT_TIME_LEN + 1];
	char sealed_text[((crypto_box_SEALBYTES + TOKEN_TEXT_LEN) * 4 + 2) / 3 + 1];
	const char *purpose = token_purpose_name(p);
	json_t *state = NULL;
	time_t until;
	struct tm tm;
	int rc = TK_ECONFIG;

	if (!auth_notify_pk_set)
		goto out;
	randombytes_buf(raw, sizeof(raw));
	b64_encode(raw, sizeof(raw), token);
	token_hash_hex(token, hash);
	rc = TK_ECRYPTO;
	if (crypto_box_seal(sealed, (const unsigned char *)token, TOKEN_TEXT_LEN, auth_notify_pk) !=
	    0)
		goto out;
	b64_encode(sealed, sizeof(sealed), sealed_text);
	uuid_v7(id);
	until = time(NULL) + (time_t)seconds;
	gmtime_r(&until, &tm);
	strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	rc = db_exec(st->db, ST_TOKEN_SUPERSEDE, (struct db_val[]){DB_S(u->id), DB_S(purpose)}, 2,
		     NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_TOKEN_INSERT,
			     (struct db_val[]){DB_S(id), DB_S(u->id), DB_S(purpose), DB_S(hash),
					       DB_S(u->email), DB_I((int64_t)until)},
			     6, NULL, NULL);
	if (rc != TK_OK)
		goto out;
	state = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "user_id", u->id,
			  "purpose", purpose, "email", u->email, "name", u->name, "expires_at",
			  expires, "sealed", sealed_text);
	rc = TK_EINTERNAL;
	if (state == NULL)
		goto out;
	rc = outbox_append(st->db, ST_OUTBOX_INSERT, "account_token.issued", "account_token", id, 1,
			   state);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_TOKEN_PRUNE, NULL, 0, NULL, NULL);
out:
	json_decref(state);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(token, sizeof(token));
	return rc;
}

/* token_seconds: the configured life of a token of purpose p. */
static int64_t
token_seconds(enum token_purpose p)
{
	return config_int(p == TOKEN_VERIFY_EMAIL ? "verify_token_seconds" : "reset_token_seconds");
}

int
store_create_user_verify(struct store *st, const struct user *u, const struct session *s)
{
	struct db_val p[] = {DB_S(u->id),
			     DB_S(u->email),
			     DB_S(u->name),
			     DB_S(u->password_hash),
			     DB_S(role_name(u->role)),
			     DB_I(0)};
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_USER_INSERT, p, 6, NULL, NULL);
	if (rc == TK_OK)
		rc = insert_session(st, s);
	if (rc == TK_OK)
		rc = emit_user(st, "user.created", u->id);
	if (rc == TK_OK)
		rc = issue_token(st, u, TOKEN_VERIFY_EMAIL, token_seconds(TOKEN_VERIFY_EMAIL));
	return store_finish(st, rc);
}

int
store_issue_token(struct store *st, const struct user *u, enum token_purpose p)
{
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	return store_finish(st, issue_token(st, u, p, token_seconds(p)));
}

/* find_token: the token row of token and purpose p into *rows (TOKEN_SELECT's
 * columns), locked with lock. TK_OK when it is good (unused, not
 * superseded, not expired, and sent to the account's address of now),
 * TK_ENOTFOUND for every other case alike, or a database error. */
static int
find_token(struct store *st, const char *token, enum token_purpose p, int lock,
	   struct db_rows *rows)
{
	char hash[65];
	int rc;

	if (!token_text_ok(token))
		return TK_ENOTFOUND;
	token_hash_hex(token, hash);
	rc =
	    db_exec(st->db, lock ? ST_TOKEN_LOCK : ST_TOKEN_FIND,
		    (struct db_val[]){DB_S(hash), DB_S(token_purpose_name(p))}, 2, st->arena, rows);
	if (rc != TK_OK)
		return rc;
	if (rows->nrows != 1 || db_int(rows, 0, 3) != 1 ||
	    strcmp(db_str(rows, 0, 2), db_str(rows, 0, 4)) != 0)
		return TK_ENOTFOUND;
	return TK_OK;
}

int
store_token_check(struct store *st, const char *token, enum token_purpose p)
{
	struct db_rows rows;

	return find_token(st, token, p, 0, &rows);
}

int
store_reset_password(struct store *st, const char *token, const char *hash)
{
	struct db_rows rows;
	const char *user_id;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = find_token(st, token, TOKEN_RESET_PASSWORD, 1, &rows);
	if (rc != TK_OK)
		goto out;
	user_id = db_str(&rows, 0, 1);
	rc = db_exec(st->db, ST_TOKEN_USE, (struct db_val[]){DB_S(db_str(&rows, 0, 0))}, 1, NULL,
		     NULL);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_USER_RESET_PASSWORD,
			     (struct db_val[]){DB_S(hash), DB_S(user_id)}, 2, NULL, NULL);
	/* Signed out everywhere: whoever knew the old password is out. */
	if (rc == TK_OK)
		rc = revoke_others(st, user_id, "");
	if (rc == TK_OK)
		rc = emit_user(st, "user.updated", user_id);
out:
	return store_finish(st, rc);
}

int
store_verify_token(struct store *st, const char *token)
{
	struct db_rows rows;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = find_token(st, token, TOKEN_VERIFY_EMAIL, 1, &rows);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_TOKEN_USE, (struct db_val[]){DB_S(db_str(&rows, 0, 0))}, 1,
			     NULL, NULL);
	if (rc == TK_OK)
		rc = mark_verified(st, db_str(&rows, 0, 1));
	return store_finish(st, rc);
}

int
store_limit_take(struct store *st, const char *account, const char *addr, int64_t max,
		 int64_t window, long *retry_after)
{
	struct db_rows rows;
	int64_t count, remain;
	int rc;

	*retry_after = 0;
	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = lock_row(st, account, addr, &rows);
	if (rc == TK_OK) {
		count = db_int(&rows, 0, 0);
		remain = db_int(&rows, 0, 2);
		if (count >= max) {
			*retry_after = remain > 0 ? (long)remain : 1;
			rc = TK_ELIMIT;
		} else {
			/* The window runs from its first attempt. */
			rc = set_row(st, account, addr, count + 1, 0, count > 0 ? remain : window);
		}
	}
	rc = store_finish(st, rc);
	if (rc == TK_OK)
		rc = db_exec(st->db, ST_THROTTLE_PRUNE, NULL, 0, NULL, NULL);
	return rc;
}
