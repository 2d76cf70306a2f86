/*
 * The FastCGI application shell (app.h): start-up, the thread pool, the
 * per-request pipeline and shutdown.
 *
 * Per request: parse (400/413/415) → the shell's own routes (health and
 * metrics, lib/ops.h: no session, no cookie, never stored; RF_LOOPBACK
 * enforced) → session from the cookie (a bad, expired
 * or revoked token means signed out; auth renews a stale one in place) →
 * CSRF binding and token → route (404/405) → a stale token elsewhere (a GET
 * goes to auth to renew it; a POST that needs sign-in is honoured only
 * while the revocation replica is current, else 503) → flags (sign-in,
 * CSRF, role) → handler → write the response → one log line. Any error
 * page comes from page_error. The design: docs/DECISIONS.md "Fail-closed
 * revocation".
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "clock.h"
#include "config.h"
#include "cookie.h"
#include "csrf.h"
#include "db.h"
#include "err.h"
#include "guard.h"
#include "log.h"
#include "money.h"
#include "mq.h"
#include "ops.h"
#include "page.h"
#include "pw.h"
#include "req.h"
#include "revoke.h"
#include "sess.h"
#include "text.h"
#include "tmpl.h"
#include "worker.h"
#include "xalloc.h"

#define SHUTDOWN_GRACE_SECONDS 10
/* Connections the listening socket queues while every thread is busy:
 * what a full queue holds is served within the latency budget, the rest
 * is refused at once (nginx answers 503): docs/DECISIONS.md, "Load
 * beyond a thousand connections". */
#define LISTEN_BACKLOG_DEFAULT "2048"
/* malloc arenas the request threads share. glibc gives each thread an
 * arena of its own up to 8 per core, and each keeps what its thread once
 * used: 16 threads held 6.5 MB that way, most of a service's PSS. Two,
 * one per core of the machine it was measured on, cost no speed
 * (docs/DECISIONS.md, "Memory of the FastCGI processes"). */
#define MALLOC_ARENAS 2

struct worker {
	pthread_t thread;
	int started;
	int done;
	struct db *db;
	struct arena *arena;
	FCGX_Request fcgx;
};

/* Process-wide state, written before the threads start, read-only after. */
static const struct app_service *svc;
static int listen_fd = -1;
static int secure_cookies;
static unsigned char session_pk[crypto_sign_PUBLICKEYBYTES];
static unsigned char *session_sk; /* sodium_malloc'd; NULL unless signs_sessions */
static unsigned char *csrf_key;   /* sodium_malloc'd */
static volatile sig_atomic_t stopping;

const char *
app_cookie_name(struct request *r, const char *name)
{
	return r->https ? arena_printf(r->arena, APP_HOST_PREFIX "%s", name) : name;
}

void
app_transport(struct request *r)
{
	r->cookie_flags = COOKIE_HTTPONLY | COOKIE_SAMESITE_LAX |
			  (secure_cookies || r->https ? COOKIE_SECURE : 0);
	if (r->https)
		resp_header(r, "Strict-Transport-Security", APP_HSTS);
}

int
app_start_session(struct request *r, const struct session *s)
{
	char token[SESS_TOKEN_MAX];
	struct session t = *s;
	int64_t now = (int64_t)time(NULL);
	int rc = TK_ECONFIG;

	if (session_sk == NULL)
		goto out;
	sess_set_times(&t, now, s->expires, config_int("session_renew_seconds"),
		       config_int("session_idle_seconds"));
	rc = sess_sign(&t, session_sk, token, sizeof(token));
	if (rc == TK_OK)
		rc = resp_cookie(r, app_cookie_name(r, APP_SESSION_COOKIE), token,
				 (long)(t.expires - now), r->cookie_flags);
	sodium_memzero(token, sizeof(token));
out:
	return rc;
}

void
app_end_session(struct request *r)
{
	resp_cookie(r, app_cookie_name(r, APP_SESSION_COOKIE), "", 0, r->cookie_flags);
}

/* ---- per-request pipeline ---- */

static const char *
fcgx_getenv(const char *name, void *ctx)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static int
fcgx_read(void *ctx, char *buf, int n)
{
	return FCGX_GetStr(buf, n, ((FCGX_Request *)ctx)->in);
}

static int
is_hex32(const char *s)
{
	size_t i;

	for (i = 0; i < SESS_SID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

/*
 * load_session: r->session from the session cookie, or NULL. A token that
 * is bad, expired, or refused by the service's own check means signed
 * out. A stale token at a service that renews (auth) is renewed here, from
 * its own tables, with a fresh cookie; elsewhere dispatch deals with it
 * (stale_session). Returns TK_OK, or a database error.
 */
static int
load_session(struct request *r)
{
	const char *token = params_get(&r->cookies, app_cookie_name(r, APP_SESSION_COOKIE));
	int64_t now = (int64_t)time(NULL);
	struct session *s;
	int rc = TK_OK;

	if (token == NULL || *token == '\0')
		goto out;
	s = arena_alloc(r->arena, sizeof(*s));
	if (sess_verify(token, session_pk, now, s) != TK_OK)
		goto out;
	if (svc->session_valid != NULL)
		rc = svc->session_valid(&r->store, s);
	if (rc == TK_OK && svc->session_renew != NULL && sess_stale(s, now)) {
		rc = svc->session_renew(&r->store, s);
		if (rc == TK_OK)
			rc = app_start_session(r, s);
	}
	if (rc == TK_EAUTH)
		rc = TK_OK; /* signed out */
	else if (rc == TK_OK)
		r->session = s;
out:
	return rc;
}

/*
 * stale_session: deal with a stale token at a service that does not renew
 * in place. A GET or HEAD goes to svc->renew_path (303) with its own path
 * and query as next, and comes back with a fresh token. Anything else is
 * never redirected (its body would be lost): a route that needs sign-in is
 * answered 503 with Retry-After while the revocation replica is not
 * current, since nothing then vouches that the session was not revoked
 * since auth last renewed it; otherwise the request goes on. Returns 1
 * when it answered the request, 0 when dispatch goes on.
 */
static int
stale_session(struct request *r, const struct route *rt, int is_get)
{
	const char *uri;
	int fresh = 0, rc = TK_OK, answered = 0;

	if (r->session == NULL || svc->session_renew != NULL ||
	    !sess_stale(r->session, (int64_t)time(NULL)))
		goto out;
	answered = 1;
	if (is_get && svc->renew_path != NULL) {
		uri = r->fcgx != NULL ? FCGX_GetParam("REQUEST_URI", r->fcgx->envp) : NULL;
		if (uri == NULL || *uri != '/')
			uri = r->path;
		resp_redirect(r, arena_printf(r->arena, "%s?next=%s", svc->renew_path,
					      text_url_encode(r->arena, uri)));
		goto out;
	}
	if (!(rt->flags & (RF_SIGNED_IN | RF_ORGANIZER | RF_ADMIN))) {
		answered = 0;
		goto out;
	}
	if (svc->revocations_fresh != NULL)
		rc = svc->revocations_fresh(&r->store, &fresh);
	if (rc != TK_OK)
		page_fail(r, rc);
	else if (!fresh)
		page_error(r, 503); /* with Retry-After */
	else
		answered = 0;
out:
	return answered;
}

/* set_csrf: the binding is the session id, else the visitor cookie (set
 * now when the browser has none). */
static void
set_csrf(struct request *r)
{
	char *token = arena_alloc(r->arena, CSRF_TOKEN_LEN + 1);
	const char *visitor;

	if (r->session != NULL) {
		r->csrf_binding = r->session->sid;
	} else {
		visitor = params_get(&r->cookies, app_cookie_name(r, APP_VISITOR_COOKIE));
		if (visitor == NULL || !is_hex32(visitor)) {
			char *fresh = arena_alloc(r->arena, SESS_SID_LEN + 1);

			sess_new_sid(fresh);
			resp_cookie(r, app_cookie_name(r, APP_VISITOR_COOKIE), fresh, -1,
				    r->cookie_flags);
			visitor = fresh;
		}
		r->csrf_binding = visitor;
	}
	csrf_token(csrf_key, r->csrf_binding, token);
	r->csrf_token = token;
}

/* dispatch: route r and enforce the route's flags (guard_route) before its
 * handler. */
static void
dispatch(struct request *r)
{
	enum route_match m;
	const char *allow = NULL;
	const struct route *rt;
	int rc, csrf_ok;
	int is_get = guard_is_get(r->method);

	rt = router_match(svc->routes, svc->nroutes, r->method, r->path, r->arena, &r->route, &m,
			  &allow);
	if (rt == NULL) {
		page_error(r, m == ROUTE_METHOD_NOT_ALLOWED ? 405 : 404);
		if (m == ROUTE_METHOD_NOT_ALLOWED && allow != NULL)
			resp_header(r, "Allow", allow);
		return;
	}
	/* A JSON body is for a program's endpoint only (req.h): a browser's
	 * route refuses it as it refuses any other type it does not read. */
	if (r->raw_body != NULL && !(rt->flags & RF_MACHINE)) {
		page_fail(r, TK_EUNSUPPORTED);
		return;
	}
	if (stale_session(r, rt, is_get))
		return;
	csrf_ok = (rt->flags & RF_CSRF) && csrf_check(csrf_key, r->csrf_binding,
						      params_get(&r->form, "csrf_token")) == TK_OK;
	switch (guard_route(rt->flags, r->method, r->session, csrf_ok)) {
	case GUARD_ALLOW:
		break;
	case GUARD_SIGN_IN:
		if (svc->signin_path != NULL) {
			resp_redirect(r, arena_printf(r->arena, "%s?next=%s", svc->signin_path,
						      text_url_encode(r->arena, r->path)));
			return;
		}
		page_error(r, 403);
		return;
	default:
		page_error(r, 403);
		return;
	}
	rc = rt->handler(r);
	if (rc != TK_OK)
		page_fail(r, rc);
}

/*
 * shell_route: answer r when it asks for one of the shell's own routes
 * (ops_routes): before any session is read or cookie set, so the answer
 * is cheap and the same for everyone, and never stored by nginx or
 * anyone. A RF_LOOPBACK route answers 403 to a peer not on loopback.
 * Returns 1 when it answered r, else 0.
 */
static int
shell_route(struct request *r)
{
	const struct route *table, *rt;
	enum route_match m;
	size_t n;
	int rc;

	table = ops_routes(&n);
	rt = router_match(table, n, r->method, r->path, r->arena, &r->route, &m, NULL);
	if (rt == NULL)
		return 0;
	resp_header(r, "Cache-Control", "no-store");
	if ((rt->flags & RF_LOOPBACK) && !guard_loopback(r->remote_addr)) {
		resp_text(r, 403, "forbidden\n");
		return 1;
	}
	rc = rt->handler(r);
	if (rc != TK_OK)
		page_fail(r, rc);
	return 1;
}

static void
handle(struct worker *w)
{
	struct request r;
	struct buf out = {0};
	int64_t took;
	int rc;

	arena_reset(w->arena);
	db_trace_reset(w->db);
	memset(&r, 0, sizeof(r));
	r.arena = w->arena;
	r.fcgx = &w->fcgx;
	r.started_us = clock_mono_us();
	r.store.db = w->db;
	r.store.arena = w->arena;
	r.flashes = svc->flashes;
	r.nflashes = svc->nflashes;
	r.status = 200;

	rc = req_parse(&r, fcgx_getenv, fcgx_read, &w->fcgx);
	app_transport(&r);
	if (rc == TK_OK && shell_route(&r))
		goto answer;
	if (rc == TK_OK)
		rc = load_session(&r);
	if (r.method == NULL)
		r.method = "-";
	if (rc != TK_OK) {
		page_fail(&r, rc);
	} else {
		r.store.actor = r.session;
		r.store.remote_addr = r.remote_addr;
		set_csrf(&r);
		resp_header(&r, "Cache-Control", PAGE_CACHE_CONTROL);
		dispatch(&r);
	}
answer:
	/* Last, so no error page drops it: tells this service's answers from
	 * the ones nginx makes for a service that is down. */
	resp_header(&r, "X-Served-By", svc->name);
	resp_serialize(&r, &out);
	FCGX_PutStr(out.data, (int)out.len, w->fcgx.out);
	took = clock_mono_us() - r.started_us;
	ops_count(r.status, took);
	log_request(&r, took, db_trace(w->db, w->arena));
	buf_free(&out);
	req_free(&r);
}

/* sleep_ms: a pause of ms milliseconds. */
static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stopping)
		;
}

/*
 * thread_main: one request thread. It opens its database connection before
 * it first accepts: Linux takes the descriptor of an accepted connection
 * when accept starts waiting, so every thread blocked in accept holds one,
 * and a thread that connected to MariaDB only after accepting would need a
 * descriptor its idle siblings may hold; near the file limit it would fail
 * every request. Connected first, a request needs only the descriptor its
 * accept already has (and the first requests skip the connect). A database
 * that is down at start-up is connected to by the first request instead.
 *
 * libfcgi retries by itself the accept
 * failures that concern one client (a connection reset or aborted before
 * it was taken); what it returns is the process's own (out of file
 * descriptors or memory), and lasts while the connection that caused it
 * waits in the queue: accepting again at once would spin. So the thread
 * waits with the one backoff policy (worker.h: 100 ms doubling to 2 s),
 * logs the first failure of a run and the recovery, and serves again
 * once an accept succeeds.
 */
static void *
thread_main(void *arg)
{
	struct worker *w = arg;
	struct worker_backoff b = {0};
	int rc;

	(void)db_ping(w->db);
	while (!stopping) {
		rc = FCGX_Accept_r(&w->fcgx);
		if (rc < 0) {
			if (stopping)
				break;
			if (b.attempt == 0)
				log_warn("%s: accept failed: %s; backing off", svc->name,
					 strerror(-rc));
			sleep_ms(worker_backoff_next(&b));
			continue;
		}
		if (b.attempt != 0)
			log_info("%s: accepting again", svc->name);
		worker_backoff_reset(&b);
		handle(w);
		FCGX_Finish_r(&w->fcgx);
	}
	w->done = 1;
	return NULL;
}

/* ---- start-up and shutdown ---- */

static int
open_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_error("listen path too long: %s", path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	/* A previous instance's socket file: ours now. Never unlinked at exit,
	 * since a restarted instance may own it by then. */
	unlink(path);
	/* Owner and group only: the group is the web server's, inherited from
	 * the socket folder (set-group-ID, docs/DECISIONS.md "Least privilege
	 * between processes"), so no other local user can bypass nginx and
	 * forge REMOTE_ADDR or HTTPS. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0660) < 0 ||
	    listen(fd, (int)config_int("listen_backlog")) < 0) {
		log_error("cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
load_keys(void)
{
	int rc;

	csrf_key = sodium_malloc(CSRF_KEY_LEN);
	if (csrf_key == NULL)
		return TK_ECRYPTO;
	rc = config_read_hex_file(config_str("csrf_key_file"), csrf_key, CSRF_KEY_LEN);
	if (rc == TK_OK)
		rc = config_read_hex_file(config_str("session_pub_file"), session_pk,
					  sizeof(session_pk));
	if (rc == TK_OK && svc->signs_sessions) {
		session_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
		if (session_sk == NULL)
			return TK_ECRYPTO;
		rc = config_read_hex_file(config_str("session_key_file"), session_sk,
					  crypto_sign_SECRETKEYBYTES);
	}
	if (rc == TK_OK)
		sodium_mprotect_readonly(csrf_key);
	if (rc == TK_OK && session_sk != NULL)
		sodium_mprotect_readonly(session_sk);
	return rc;
}

/* load_config: the common keys, the shell's (listen, default
 * run/<service>.sock, and listen_backlog) and the service's own keys, from
 * config_path; strict: a key no table knows is an error, so --check-config
 * validates every line. */
static int
load_config(const char *config_path)
{
	static char listen_default[128];
	static struct config_key *keys; /* kept: the configuration points here */
	const struct config_key shell[] = {
	    {"listen", CONFIG_STR, listen_default, 0, 0, "FastCGI unix socket path to bind"},
	    {"listen_backlog", CONFIG_INT, LISTEN_BACKLOG_DEFAULT, 1, 65535,
	     "connections the socket queues while every thread is busy (more: nginx answers 503)"},
	};
	size_t nshell = sizeof(shell) / sizeof(shell[0]);

	snprintf(listen_default, sizeof(listen_default), "run/%s.sock", svc->name);
	keys = xcalloc(nshell + svc->nconfig_keys, sizeof(*keys));
	memcpy(keys, shell, sizeof(shell));
	if (svc->nconfig_keys > 0)
		memcpy(keys + nshell, svc->config_keys, svc->nconfig_keys * sizeof(*keys));
	return config_load(config_path, keys, nshell + svc->nconfig_keys, 0);
}

static int
setup(const char *config_path)
{
	if (load_config(config_path) != TK_OK)
		return TK_ECONFIG;
	if (log_open(config_str("log_file")) != TK_OK)
		return TK_ECONFIG;
	if (money_configure(config_str("currency")) != TK_OK)
		return TK_ECONFIG;
	if (sodium_init() < 0)
		return TK_ECRYPTO;
	if (load_keys() != TK_OK)
		return TK_ECONFIG;
	if (tmpl_init(config_str("template_dir")) != TK_OK)
		return TK_ETEMPLATE;
	if (pw_init((int)config_int("pwhash_concurrency")) != TK_OK)
		return TK_ECRYPTO;
	secure_cookies = strncmp(config_str("base_url"), "https://", 8) == 0;
	return TK_OK;
}

static struct db *
open_db(void)
{
	struct db_conf dc = db_conf_configured();

	return db_new(&dc, svc->stmts, svc->nstmts);
}

/* is_stopping: the stopping() of a background thread. */
static int
is_stopping(void)
{
	return stopping != 0;
}

/* A thread beside the request threads: its body, the statements its own
 * connection prepares, its name for the logs; the thread and its db. */
struct task {
	int (*run)(struct db *db, int (*stopping)(void));
	const char *const *stmts;
	size_t nstmts;
	const char *name;
	pthread_t thread;
	struct db *db;
	int started;
};

/* task_main: the body of a task's thread (arg: the struct task). */
static void *
task_main(void *arg)
{
	struct task *t = arg;
	int rc = t->run(t->db, is_stopping);

	if (rc != TK_OK)
		log_error("%s: the %s thread stopped: %s", svc->name, t->name, err_str(rc));
	return NULL;
}

/* tasks_start: start the threads of tasks[0..n); one that cannot start is
 * logged and left out (requests go on without it). */
static void
tasks_start(struct task *tasks, size_t n)
{
	struct db_conf dc = db_conf_configured();
	size_t i;

	for (i = 0; i < n; i++) {
		tasks[i].db = db_new(&dc, tasks[i].stmts, tasks[i].nstmts);
		if (pthread_create(&tasks[i].thread, NULL, task_main, &tasks[i]) == 0)
			tasks[i].started = 1;
		else
			log_error("%s: cannot start the %s thread", svc->name, tasks[i].name);
	}
}

/* tasks_join: wait until deadline for the threads of tasks[0..n) to stop;
 * returns 0 when one did not (its db is then left to process exit). */
static int
tasks_join(struct task *tasks, size_t n, const struct timespec *deadline)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tasks[i].started &&
		    pthread_timedjoin_np(tasks[i].thread, NULL, deadline) != 0) {
			log_warn("%s: the %s thread did not stop in time", svc->name,
				 tasks[i].name);
			return 0;
		}
		db_free(tasks[i].db);
		tasks[i].db = NULL;
	}
	return 1;
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--config FILE] [--check-config | --list-routes]\n", prog);
}

int
app_main(int argc, char **argv, const struct app_service *service)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"check-config", no_argument, NULL, 'C'},
	    {"list-routes", no_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config_path = NULL;
	int check_only = 0, list_routes = 0, ch, sig, status = 1;
	long i, nthreads;
	struct worker *workers = NULL;
	sigset_t sigs;
	struct timespec deadline;
	struct task tasks[2];
	size_t ntasks = 0;

	/* Before any thread exists: an arena is bound to a thread on its
	 * first allocation. */
	mallopt(M_ARENA_MAX, MALLOC_ARENAS);
	svc = service;
	while ((ch = getopt_long(argc, argv, "c:CLh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'C':
			check_only = 1;
			break;
		case 'L':
			list_routes = 1;
			break;
		case 'h':
			usage(argv[0]);
			return 0;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		usage(argv[0]);
		return 2;
	}
	if (list_routes)
		return router_print(stdout, svc->routes, svc->nroutes) == TK_OK ? 0 : 1;
	if (setup(config_path) != TK_OK) {
		fprintf(stderr, "%s: configuration is not valid\n", svc->name);
		return 1;
	}
	if (svc->init != NULL && svc->init() != TK_OK) {
		fprintf(stderr, "%s: configuration is not valid\n", svc->name);
		return 1;
	}
	if (check_only) {
		config_dump(stdout);
		printf("# %s: configuration OK\n", svc->name);
		return 0;
	}
	if (ops_init(svc->name, svc->facts, svc->nfacts) != TK_OK) {
		fprintf(stderr, "%s: the service's name is too long\n", svc->name);
		return 1;
	}

	/* Block the stop signals in every thread; main waits for them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		goto out;
	}
	listen_fd = open_socket(config_str("listen"));
	if (listen_fd < 0)
		goto out;
	/* A service without NATS (the sandbox provider) has no relay to wake. */
	if (*config_str("nats_url") != '\0')
		mq_nudge_enable();

	nthreads = config_int("threads");
	workers = xcalloc((size_t)nthreads, sizeof(*workers));
	for (i = 0; i < nthreads; i++) {
		workers[i].db = open_db();
		workers[i].arena = arena_new();
		FCGX_InitRequest(&workers[i].fcgx, listen_fd, 0);
		if (pthread_create(&workers[i].thread, NULL, thread_main, &workers[i]) != 0) {
			log_error("cannot start thread %ld", i);
			break;
		}
		workers[i].started = 1;
	}
	log_info("%s: serving on %s with %ld threads", svc->name, config_str("listen"), i);
	/* The service's own background thread, and the mirror of the
	 * revocation replica for a service that keeps one (lib/revoke.h). */
	if (svc->background != NULL)
		tasks[ntasks++] = (struct task){.run = svc->background,
						.stmts = svc->stmts,
						.nstmts = svc->nstmts,
						.name = "background"};
	if (svc->revocations_fresh != NULL)
		tasks[ntasks++] = (struct task){.run = revoke_mirror,
						.stmts = revoke_mirror_stmts,
						.nstmts = revoke_mirror_nstmts,
						.name = "revocation mirror"};
	tasks_start(tasks, ntasks);

	sigwait(&sigs, &sig);
	log_info("%s: signal %d, stopping", svc->name, sig);
	stopping = 1;
	FCGX_ShutdownPending();
	/* Wake the threads blocked in accept. */
	shutdown(listen_fd, SHUT_RDWR);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += SHUTDOWN_GRACE_SECONDS;
	status = 0;
	if (!tasks_join(tasks, ntasks, &deadline))
		goto out;
	for (i = 0; i < nthreads; i++) {
		if (!workers[i].started)
			continue;
		if (pthread_timedjoin_np(workers[i].thread, NULL, &deadline) != 0) {
			log_warn("%s: a request thread did not stop in time", svc->name);
			goto out; /* leave the rest to process exit */
		}
		db_free(workers[i].db);
		arena_free(workers[i].arena);
	}
	free(workers);
	workers = NULL;
	ops_free();
out:
	if (listen_fd >= 0)
		close(listen_fd);
	log_info("%s: stopped", svc->name);
	return status;
}
