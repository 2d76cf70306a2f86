/*
 * Data access of the auth service: its statement table and the only code
 * that runs them. Owner checks sit in the WHERE clauses.
 */
#include <string.h>

#include "app.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "req.h"

enum stmt {
	ST_USER_BY_EMAIL,
	ST_USER_BY_ID,
	ST_USER_INSERT,
	ST_USER_SIGNIN_OK,
	ST_USER_SIGNIN_FAILED,
	ST_USER_SET_PASSWORD,
	ST_SESSION_INSERT,
	ST_SESSION_VALID,
	ST_SESSION_REVOKE,
	ST_SESSION_REVOKE_OTHERS,
	ST__MAX
};

#define USER_COLUMNS                                                                               \
	"id, email, name, password_hash, role, DATE_FORMAT(created_at, '%Y-%m-%d'), "              \
	"GREATEST(0, COALESCE(TIMESTAMPDIFF(SECOND, NOW(6), locked_until), 0))"

const char *const auth_stmts[ST__MAX] = {
	[ST_USER_BY_EMAIL] = "SELECT " USER_COLUMNS " FROM users WHERE email = ?",
	[ST_USER_BY_ID] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
	[ST_USER_INSERT] = "INSERT INTO users (id, email, name, password_hash, role) "
			   "VALUES (?, ?, ?, ?, 'member')",
	[ST_USER_SIGNIN_OK] = "UPDATE users SET failed_signins = 0, locked_until = NULL "
			      "WHERE id = ?",
	/* Both assignments read the old failed_signins (left to right, the
	 * second one is evaluated before the first takes effect on it). */
	[ST_USER_SIGNIN_FAILED] =
	    "UPDATE users SET "
	    "locked_until = IF(failed_signins + 1 >= ?, NOW(6) + INTERVAL ? SECOND, locked_until), "
	    "failed_signins = IF(failed_signins + 1 >= ?, 0, failed_signins + 1) "
	    "WHERE id = ?",
	[ST_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?, version = version + 1 "
				 "WHERE id = ?",
	[ST_SESSION_INSERT] = "INSERT INTO sessions (id, user_id, expires_at, remote_addr) "
			      "VALUES (?, ?, FROM_UNIXTIME(?), ?)",
	[ST_SESSION_VALID] = "SELECT 1 FROM sessions WHERE id = ? AND user_id = ? "
			     "AND revoked_at IS NULL AND expires_at > NOW(6)",
	[ST_SESSION_REVOKE] = "UPDATE sessions SET revoked_at = NOW(6) "
			      "WHERE id = ? AND revoked_at IS NULL",
	[ST_SESSION_REVOKE_OTHERS] = "UPDATE sessions SET revoked_at = NOW(6) "
				     "WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
};

const size_t auth_nstmts = ST__MAX;

static int
user_query(struct request *r, enum stmt st, const char *key, struct user *u)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(app_db(r), st, (struct db_val[]){DB_S(key)}, 1, r->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	memset(u, 0, sizeof(*u));
	u->id = db_str(&rows, 0, 0);
	u->email = db_str(&rows, 0, 1);
	u->name = db_str(&rows, 0, 2);
	u->password_hash = db_str(&rows, 0, 3);
	if (role_parse(db_str(&rows, 0, 4), &u->role) != TK_OK)
		return TK_EINTERNAL;
	u->created_at = db_str(&rows, 0, 5);
	u->lock_seconds_left = (long)db_int(&rows, 0, 6);
	return TK_OK;
}

int
store_user_by_email(struct request *r, const char *email, struct user *u)
{
	return user_query(r, ST_USER_BY_EMAIL, email, u);
}

int
store_user_by_id(struct request *r, const char *id, struct user *u)
{
	return user_query(r, ST_USER_BY_ID, id, u);
}

static int
insert_session(struct request *r, const struct session *s)
{
	struct db_val p[] = {DB_S(s->sid), DB_S(s->user_id), DB_I(s->expires),
			     r->remote_addr ? DB_S(r->remote_addr) : DB_NUL};

	return db_exec(app_db(r), ST_SESSION_INSERT, p, 4, NULL, NULL);
}

/* finish: commit when rc is TK_OK, else roll back; returns rc or the
 * commit's failure. */
static int
finish(struct request *r, int rc)
{
	if (rc == TK_OK)
		return db_commit(app_db(r));
	db_rollback(app_db(r));
	return rc;
}

int
store_create_user_session(struct request *r, const struct user *u, const struct session *s)
{
	struct db_val p[] = {DB_S(u->id), DB_S(u->email), DB_S(u->name),
			     DB_S(u->password_hash)};
	int rc;

	rc = db_begin(app_db(r));
	if (rc != TK_OK)
		return rc;
	rc = db_exec(app_db(r), ST_USER_INSERT, p, 4, NULL, NULL);
	if (rc == TK_OK)
		rc = insert_session(r, s);
	return finish(r, rc);
}

int
store_signin_ok(struct request *r, const struct session *s)
{
	int rc;

	rc = db_begin(app_db(r));
	if (rc != TK_OK)
		return rc;
	rc = db_exec(app_db(r), ST_USER_SIGNIN_OK, (struct db_val[]){DB_S(s->user_id)}, 1, NULL,
		     NULL);
	if (rc == TK_OK)
		rc = insert_session(r, s);
	return finish(r, rc);
}

int
store_signin_failed(struct request *r, const char *user_id)
{
	long max = config_int("signin_max_failures");
	struct db_val p[] = {DB_I(max), DB_I(config_int("signin_lock_seconds")), DB_I(max),
			     DB_S(user_id)};

	return db_exec(app_db(r), ST_USER_SIGNIN_FAILED, p, 4, NULL, NULL);
}

int
store_session_valid(struct request *r, const char *sid, const char *user_id)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(app_db(r), ST_SESSION_VALID, (struct db_val[]){DB_S(sid), DB_S(user_id)}, 2,
		     r->arena, &rows);
	if (rc != TK_OK)
		return rc;
	return rows.nrows == 1 ? TK_OK : TK_EAUTH;
}

int
store_revoke_session(struct request *r, const char *sid)
{
	return db_exec(app_db(r), ST_SESSION_REVOKE, (struct db_val[]){DB_S(sid)}, 1, NULL, NULL);
}

int
store_change_password(struct request *r, const char *user_id, const char *hash,
		      const char *keep_sid)
{
	int rc;

	rc = db_begin(app_db(r));
	if (rc != TK_OK)
		return rc;
	rc = db_exec(app_db(r), ST_USER_SET_PASSWORD,
		     (struct db_val[]){DB_S(hash), DB_S(user_id)}, 2, NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(app_db(r), ST_SESSION_REVOKE_OTHERS,
			     (struct db_val[]){DB_S(user_id), DB_S(keep_sid)}, 2, NULL, NULL);
	return finish(r, rc);
}
