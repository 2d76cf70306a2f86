/*
 * The FastCGI application shell every service runs: configuration, keys,
 * templates, the listening socket, a pool of request threads (each with
 * its own database connection and arena), session and CSRF handling,
 * routing with flag enforcement, the response, the log line, and a clean
 * shutdown on SIGTERM/SIGINT.
 *
 * Concurrency model: one process per service with `threads` threads, each
 * blocking in FCGX_Accept_r on the shared socket (Linux accept is
 * thread-safe: no accept mutex). A thread owns its MariaDB connection, so
 * no pool or lock sits on the request path. Argon2id hashing is bounded per
 * process (pw.h). See docs/DECISIONS.md "Concurrency of a FastCGI
 * service" for the measurements.
 */
#ifndef TK_APP_H
#define TK_APP_H
#include <stddef.h>

#include "config.h"
#include "router.h"
#include "sess.h"

struct db;
struct ops_fact;
struct request;
struct store;

/*
 * What a service is, for the shell: the one definition each fcgi/<service>/
 * main.c fills in.
 */
struct app_service {
	const char *name; /* "auth": used in logs and usage; listen defaults
			   * to run/<name>.sock */
	const struct route *routes;
	size_t nroutes;
	const char *const *stmts; /* the service's statement table */
	size_t nstmts;
	int signs_sessions; /* needs session_key_file (auth only) */
	/*
	 * session_valid: optional check of a session whose token verified,
	 * against the service's own records (auth: its sessions table, idle
	 * timeout included; other services: the revocation replica). Returns
	 * TK_OK, TK_EAUTH (treat as signed out) or TK_EDBDOWN/TK_EDB (503/500).
	 */
	int (*session_valid)(struct store *st, const struct session *s);
	/*
	 * session_renew (auth only): a valid session whose token is stale
	 * (past its renewal time) is renewed in place: check it against the
	 * service's own tables, record the activity, and refresh s from them
	 * (role, name; expires becomes the end of the session). The shell then
	 * sets a fresh token. Returns TK_OK, TK_EAUTH (signed out) or a
	 * database error.
	 */
	int (*session_renew)(struct store *st, struct session *s);
	/*
	 * revocations_fresh (services other than auth): *fresh (OUT) is 1 when
	 * the service's revocation replica is current (revoke_fresh). Asked
	 * before a POST that needs sign-in is honoured from a stale token;
	 * NULL counts as never current. TK_OK or a database error. A service
	 * that has it keeps a revocation replica, so the shell also runs the
	 * replica's mirror in memory beside the request threads
	 * (revoke_mirror, lib/revoke.h).
	 */
	int (*revocations_fresh)(struct store *st, int *fresh);
	/* Where a GET with a stale token is sent to have it renewed (with
	 * ?next=, the request's own path and query): auth's renewal route.
	 * NULL for auth, which renews in place. */
	const char *renew_path;
	/* The service's own configuration keys, besides the common ones. */
	const struct config_key *config_keys;
	size_t nconfig_keys;
	/* The service's flash codes ([a-z_]{1,32}), indexed by its own enum;
	 * page_flash takes an index into this table. The texts are sections
	 * of templates/partials/flash.tpl. */
	const char *const *flashes;
	size_t nflashes;
	/* Where a signed-out GET of a route that needs sign-in goes (with
	 * ?next=); NULL answers 403 instead. */
	const char *signin_path;
	/*
	 * init: optional, run once the configuration is loaded (also for
	 * --check-config): read the service's own keys and settings. Returns
	 * TK_OK, or an error that stops the program (logged by init).
	 */
	int (*init)(void);
	/*
	 * background: optional body of one thread beside the request threads
	 * (the sandbox's webhook delivery), with a database connection of its
	 * own (the service's statements prepared). It runs until stopping()
	 * answers 1 (SIGTERM or SIGINT), which it asks at least every second,
	 * and returns TK_OK, or an error (logged; the requests go on).
	 */
	int (*background)(struct db *db, int (*stopping)(void));
	/* Counters of the service's own records its metrics read from its
	 * database (lib/ops.h); NULL, 0 for none. */
	const struct ops_fact *facts;
	size_t nfacts;
};

/*
 * app_main: run the service until SIGTERM or SIGINT. Options: --config FILE,
 * --check-config (load and validate everything, print the configuration,
 * exit 0 or 1), --list-routes (print the route table as router_print does,
 * before any configuration is read, and exit). Every answer carries
 * "X-Served-By: <name>". Besides the service's routes, the shell answers
 * its own health and metrics routes (lib/ops.h) before it reads any
 * session. Returns the process exit status.
 */
int app_main(int argc, char **argv, const struct app_service *svc);

/*
 * app_start_session: sign a token for session s, whose s->expires is the
 * end of the session, and set the session cookie on the response
 * (HttpOnly, SameSite=Lax, Secure and "__Host-" over https, Max-Age to the
 * token's expiry). The token is short-lived: it is stale after
 * session_renew_seconds and void after session_idle_seconds (neither past
 * the end of the session; sess_set_times). Only for services with
 * signs_sessions. Returns TK_OK or an error.
 */
int app_start_session(struct request *r, const struct session *s);

/* app_end_session: delete the session cookie in the browser. */
void app_end_session(struct request *r);

/*
 * app_cookie_name: the name the site gives cookie name on request r: over
 * https (the HTTPS FastCGI parameter) "__Host-" name, which a browser
 * keeps only when set over https with Secure, Path=/ and no Domain, so no
 * plain-http page or other subdomain can plant or shadow it; over http
 * name itself. Lives in r's arena (or is name).
 */
const char *app_cookie_name(struct request *r, const char *name);

/*
 * app_transport: what the transport of r decides about the response: the
 * flags of the cookies the site sets (HttpOnly, SameSite=Lax, and Secure
 * over https or when base_url is https) and, over https only,
 * Strict-Transport-Security (APP_HSTS).
 */
void app_transport(struct request *r);

#define APP_SESSION_COOKIE "tk_session"
#define APP_VISITOR_COOKIE "tk_visitor"
#define APP_HOST_PREFIX "__Host-"
/* Two years, subdomains too (ASVS 14.4.5 asks for at least this shape). */
#define APP_HSTS "max-age=63072000; includeSubDomains"

#endif
