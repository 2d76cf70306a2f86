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
 *
 * The mirror: rather than ask the database on every signed-in request, each
 * process keeps the revoked session ids in memory. A thread of the
 * application shell (revoke_mirror, started for every service that has
 * revocations_fresh) reads the rows added to session_revocations every
 * REVOKE_MIRROR_POLL_MS and all rows of sessions that may still be alive
 * every REVOKE_MIRROR_RELOAD_S; revoke_check answers from memory while the
 * last successful read started less than REVOKE_MIRROR_MAX_AGE_MS ago, and
 * asks the database as before otherwise (the mirror not started yet, the
 * database unreachable: the check then fails the way it always did). A
 * revoked session is thus refused at most REVOKE_MIRROR_POLL_MS plus one
 * read after its row is committed (docs/DECISIONS.md "Revocations kept in
 * memory").
 *
 * The replica can only be trusted while it is current. revoke_fresh says
 * whether it is, from the state of the consumer that keeps it (the shared
 * consumer_state table, written by the worker shell when the consumer
 * finds nothing pending and has no dead letter: lib/worker.h), with
 * REVOKE_FRESH_SQL in the service's statement table. The application
 * shell asks it before honouring a POST that needs sign-in from a stale
 * token (lib/app.c): a token past its renewal time was last vouched for by
 * auth longer ago than the renewal period, so only a current replica can
 * tell whether it was revoked since.
 */
#ifndef TK_REVOKE_H
#define TK_REVOKE_H

#include <stddef.h>

struct db;
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

/* How often the mirror reads new rows, how often it reads them all again,
 * and how old its last read may be for revoke_check to trust it. */
#define REVOKE_MIRROR_POLL_MS 100
#define REVOKE_MIRROR_RELOAD_S 30
#define REVOKE_MIRROR_MAX_AGE_MS 1000

/* The mirror's own statements, for the connection it runs on. */
extern const char *const revoke_mirror_stmts[];
extern const size_t revoke_mirror_nstmts;

/*
 * revoke_mirror: the body of the mirror's thread, on db (a connection with
 * revoke_mirror_stmts prepared): reads session_revocations into memory
 * until stopping() answers 1, which it asks every REVOKE_MIRROR_POLL_MS.
 * Failed reads are logged once per outage and retried; returns TK_OK. One
 * mirror per process.
 */
int revoke_mirror(struct db *db, int (*stopping)(void));

/*
 * revoke_mirror_lookup: whether session id sid is revoked, from memory:
 * returns 1 with *revoked (OUT) set when the mirror is current, 0 when it
 * cannot answer (then ask the database). Thread-safe.
 */
int revoke_mirror_lookup(const char *sid, int *revoked);

/* The statement revoke_fresh runs: the consumer and the bound in seconds. */
#define REVOKE_FRESH_SQL                                                                           \
	"SELECT 1 FROM consumer_state WHERE consumer = ? "                                         \
	"AND caught_up_at > NOW(6) - INTERVAL ? SECOND"

/*
 * revoke_fresh: *fresh (OUT) is 1 when the consumer that keeps service's
 * session_revocations (the backbone registry) caught up within the last
 * revocation_max_lag seconds, else 0 (never caught up, stopped, behind, a
 * dead letter waiting, or no such consumer in the registry). stmt is the
 * index of REVOKE_FRESH_SQL in the service's statement table. Returns
 * TK_OK, or TK_EDBDOWN/TK_EDB when the lookup failed.
 */
int revoke_fresh(struct store *st, int stmt, const char *service, int *fresh);

#endif
