/*
 * Data access of the auth service: its statement table and the only code
 * that runs them. Owner checks sit in the WHERE clauses.
 *
 * Events (lib/outbox.h), written in the transaction of the change:
 *   user.created, user.updated  state {id, name, role, version} (the email
 *                               stays private to auth)
 *   session.revoked             state {id, user_id, revoked_at}, version 1
 * After a commit that wrote events, the relay is nudged (mq_nudge_outbox).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "outbox.h"
#include "store.h"

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

#define USER_COLUMNS                                                                               \
	"id, email, name, password_hash, role, DATE_FORMAT(created_at, '%Y-%m-%d'), version"

const char *const auth_stmts[ST__MAX] = {
    [ST_USER_BY_EMAIL] = "SELECT " USER_COLUMNS " FROM users WHERE email = ?",
    [ST_USER_BY_ID] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
    [ST_USER_INSERT] = "INSERT INTO users (id, email, name, password_hash, role) "
		       "VALUES (?, ?, ?, ?, ?)",
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
    [ST_USER_STATE] = "SELECT id, name, role, version FROM users WHERE id = ?",
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
	state = json_pack("{s:s, s:s, s:s, s:I}", "id", db_str(&rows, 0, 0), "name",
			  db_str(&rows, 0, 1), "role", db_str(&rows, 0, 2), "version",
			  (json_int_t)db_int(&rows, 0, 3));
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
	struct db_val p[] = {DB_S(u->id), DB_S(u->email), DB_S(u->name), DB_S(u->password_hash),
			     DB_S(role_name(u->role))};
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_USER_INSERT, p, 5, NULL, NULL);
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
