/*
 * Session revocation checks for every service other than auth. Sign-out
 * and password changes at auth emit session.revoked; workers/replicator
 * copies them into the service's session_revocations table (the shared
 * sql/common/session_revocations, which ticketingctl migrate gives every
 * service whose consumer keeps it: lib/backbone.c). A service puts
 * REVOKE_LOOKUP_SQL in its statement table and plugs a session_valid
 * function into its struct app_service that calls revoke_check with that
 * statement's index:
 *
 *     [ST_REVOKED] = REVOKE_LOOKUP_SQL,
 *     ...
 *     return revoke_check(st, ST_REVOKED, s);
 *
 * so a revoked session's cookie is refused by every service as soon as the
 * event arrived (milliseconds after the sign-out committed).
 */
#ifndef TK_REVOKE_H
#define TK_REVOKE_H

struct session;
struct store;

/* The statement revoke_check runs: the session id is its one parameter. */
#define REVOKE_LOOKUP_SQL "SELECT 1 FROM session_revocations WHERE session_id = ?"

/*
 * revoke_check: TK_OK when session s is not in the service's
 * session_revocations, TK_EAUTH when it is, TK_EDBDOWN or TK_EDB when the
 * lookup failed. stmt is the index of REVOKE_LOOKUP_SQL in the service's
 * statement table; the lookup runs on st's connection (the request
 * thread's own).
 */
int revoke_check(struct store *st, int stmt, const struct session *s);

#endif
