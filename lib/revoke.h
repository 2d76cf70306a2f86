/*
 * Session revocation checks for every service other than auth. Sign-out
 * and password changes at auth emit session.revoked; workers/replicator
 * copies them into the service's session_revocations table; a service
 * plugs revoke_session_valid into its struct app_service:
 *
 *     .session_valid = revoke_session_valid,
 *
 * so a revoked session's cookie is refused by every service as soon as the
 * event arrived (milliseconds after the sign-out committed).
 */
#ifndef TK_REVOKE_H
#define TK_REVOKE_H

struct request;
struct session;

/* The statement revoke_session_valid runs (on its own connection). */
#define REVOKE_LOOKUP_SQL "SELECT 1 FROM session_revocations WHERE session_id = ?"

/*
 * revoke_session_valid (app.h session_valid): TK_OK when session s is not
 * in the service's session_revocations, TK_EAUTH when it is, TK_EDBDOWN or
 * TK_EDB when the lookup failed. Uses one database connection per request
 * thread, opened on first use with the configuration's db_* settings.
 */
int revoke_session_valid(struct request *r, const struct session *s);

#endif
