/*
 * The worker shell: what every background program of the backbone shares,
 * so a worker is its business code plus a struct worker_def. The
 * counterpart of app_main for daemons.
 *
 * worker_main parses the options (--config FILE, --service NAME and the
 * worker's own), loads the configuration, handles SIGTERM/SIGINT,
 * connects to NATS and waits until the stream exists, then
 *   - runs one thread per consumer of def->consumers that belongs to the
 *     service (backbone registry, lib/backbone.h): each waits for its
 *     durable consumer to exist, pulls batches and hands each decoded
 *     envelope to its handler, which answers ACK, RETRY (with a delay) or
 *     DEAD (with a reason); and/or
 *   - runs def->run on the main thread (a worker whose body is a loop,
 *     like the relay). A worker with both (the expiry worker: a consumer
 *     that fills a schedule, a loop that empties it) stops its consumers
 *     when the loop returns.
 * Streams and consumers are never created here: `ticketingctl
 * setup-backbone` does that from the registry, so a worker needs no
 * stream-administration rights.
 *
 * With WORKER_TX the shell runs the handler inside one MariaDB transaction
 * together with the processed_events record of the event, so a
 * redelivered event is acked without running the handler again, and
 * whatever the handler writes, its outbox rows included (outbox_append on
 * job->db), commits exactly once with it. The messages of one fetch
 * (whatever the consumer had ready, up to 64) share one such transaction:
 * their processed_events records go in first, by one statement for them
 * all (db_exec_rows), then each handler runs in stream order with its
 * version guard, then one statement counts them all in applied_versions,
 * one commit, and the acks. Should any of them fail (a record that
 * exists already, a handler's RETRY or DEAD, a database error, a message
 * that does not decode), nothing of the batch is kept and its messages
 * are handled one transaction each (a batch of one), so one failure never
 * holds back or decides for the others, and a redelivered message meets
 * its record there and is only acked. Handlers must not rely on seeing
 * their writes committed before the next message. The applied_versions
 * row (one per consumer and aggregate version) counts the application: a
 * version applied twice, which the processed_events key and
 * version-guarded replicas would both hide, shows there as applies > 1
 * and `ticketingctl check` reports it. A consumer's stop line in the log
 * says how many statements its transactions took, begin and commit
 * included (4 per transaction plus the handlers' own).
 *
 * Each consumer thread records in consumer_state when it last found
 * nothing pending while connected to NATS, with no dead letter of its own
 * waiting (after an empty fetch, which waits half a second, at most once a
 * second, and only when JetStream says the durable has no message waiting
 * and none delivered unacknowledged: with several instances on one
 * durable, one instance's empty fetch says nothing of the batch its twin
 * is applying): the consuming service judges how current its replica is
 * from that row alone (lib/revoke.h), without heartbeat events, so a quiet
 * system stays quiet.
 *
 * A heartbeat thread beside them writes the worker's row of worker_beats,
 * its own by worker name and instance name (--instance NAME, the host name
 * by default: one instance per host needs no option), every WORKER_BEAT_MS
 * while NATS answers and the database takes the write, and with it each
 * consumer's lag as JetStream tells it (consumer_state.pending, the same
 * number whichever instance writes it): the service's health and metrics
 * routes read both from its database (lib/ops.h), so a worker needs no
 * listener of its own.
 *
 * Every consuming worker takes --kill-after-apply N: the process SIGKILLs
 * itself right after its Nth committed application and before the ack,
 * the worst moment for a crash (the event is applied but JetStream
 * delivers it again after the consumer's ack wait). For crash tests.
 *
 * Failures: RETRY naks with a delay that grows with the delivery count up
 * to WORKER_RETRY_MAX_MS, forever (consumers have no delivery limit); DEAD
 * keeps the message in dead_letters with its reason and terminates it;
 * when dead_letters cannot be written the message is retried instead, so
 * no event is dropped unrecorded.
 */
#ifndef TK_WORKER_H
#define TK_WORKER_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct arena;
struct config_key;
struct db;
struct envelope;
struct mq;

/* Delays of the one backoff policy: waits for NATS, MariaDB and retried
 * events double from the minimum to the cap. */
#define WORKER_BACKOFF_MIN_MS 100
#define WORKER_BACKOFF_MAX_MS 2000
#define WORKER_RETRY_MIN_MS 250
#define WORKER_RETRY_MAX_MS 5000
/* How often a worker beats (worker_beats); OPS_BEAT_STALE_S (ops.h) is
 * five of them. */
#define WORKER_BEAT_MS 2000

/* The shell's statements occupy the first indices of a consuming worker's
 * statement table: put WORKER_STMTS first and number the worker's own
 * statements from WORKER_ST__FIRST. */
enum {
	WORKER_ST_PROCESSED,
	WORKER_ST_APPLIED,
	WORKER_ST_DEAD_LETTER,
	WORKER_ST_CAUGHT_UP,
	WORKER_ST_RESOLVED,
	WORKER_ST__FIRST
};

/* The consumer (both parameters) found nothing pending: now is its
 * caught_up_at, unless a dead letter of it waits for an operator. */
#define WORKER_CAUGHT_UP_SQL                                                                       \
	"INSERT INTO consumer_state (consumer, caught_up_at) SELECT ?, NOW(6) FROM DUAL "          \
	"WHERE NOT EXISTS (SELECT 1 FROM dead_letters WHERE consumer = ?) "                        \
	"ON DUPLICATE KEY UPDATE caught_up_at = VALUES(caught_up_at)"

#define WORKER_STMTS                                                                               \
	[WORKER_ST_PROCESSED] = "INSERT INTO processed_events (consumer, event_id, subject, "      \
				"aggregate_id, aggregate_version, stream_seq) "                    \
				"VALUES (?, ?, ?, ?, ?, ?)",                                       \
	[WORKER_ST_APPLIED] = "INSERT INTO applied_versions (consumer, aggregate_id, "             \
			      "aggregate_version, stream_seq) VALUES (?, ?, ?, ?) "                \
			      "ON DUPLICATE KEY UPDATE applies = applies + 1, "                    \
			      "stream_seq = VALUES(stream_seq)",                                   \
	[WORKER_ST_DEAD_LETTER] = "INSERT INTO dead_letters (consumer, subject, stream_seq, "      \
				  "deliveries, reason, payload) VALUES (?, ?, ?, ?, ?, ?) "        \
				  "ON DUPLICATE KEY UPDATE deliveries = VALUES(deliveries)",       \
	[WORKER_ST_CAUGHT_UP] = WORKER_CAUGHT_UP_SQL,                                              \
	[WORKER_ST_RESOLVED] =                                                                     \
	    "SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?"

enum worker_answer {
	WORKER_ACK,   /* done (or nothing to do): never delivered again */
	WORKER_RETRY, /* deliver again after delay_ms */
	WORKER_DEAD,  /* cannot ever be handled: dead_letters, with reason */
};

struct worker_verdict {
	enum worker_answer answer;
	int64_t delay_ms;   /* RETRY */
	const char *reason; /* DEAD: static or living as long as the job */
};

/* One message handed to a handler. */
struct worker_job {
	const char *durable;
	struct db *db;   /* the thread's connection; in the transaction with WORKER_TX */
	struct arena *a; /* scratch memory, reset before each message */
	const struct envelope *ev;
	const char *subject;
	uint64_t seq;       /* stream sequence */
	uint64_t delivered; /* 1 on the first delivery */
};

typedef struct worker_verdict (*worker_handler_fn)(struct worker_job *job);

/* Consumer flags. */
#define WORKER_TX 0x1    /* one transaction with the processed_events record */
#define WORKER_EMITS 0x2 /* the handler appends to the outbox: nudge the relay after commit */

/*
 * The events of a WORKER_TX consumer (durable) that each become one
 * execution of one statement (a replica's version-guarded upsert): the
 * shell runs stmt once for all such events of a batch (db_exec_rows, in
 * stream order, so the guard still sees the versions before it), in place
 * of their handlers. row puts job's event as stmt's nparams parameters
 * into row (strings may point into job->ev, which outlives the statement)
 * and returns TK_OK, or anything else when the event is not such a row
 * (another type, data to refuse): the batch's handlers then run one by
 * one as without rows. Listed in worker_def.rows.
 */
struct worker_rows {
	const char *durable;
	int stmt;
	size_t nparams;
	int (*row)(const struct worker_job *job, struct db_val *row /* OUT */);
};

/* A consumer of the worker: durable names its registry entry (filter and
 * service come from there). */
struct worker_consumer {
	const char *durable;
	worker_handler_fn handler;
	unsigned flags;
};

/* A worker's own command-line option: set(arg) returns TK_OK, or TK_EINVAL
 * for a bad argument (usage error). arg is NULL when !has_arg. */
struct worker_option {
	const char *name;
	int has_arg;
	const char *usage; /* e.g. "[--kill-after-publish N]" */
	int (*set)(const char *arg);
};

/* What a run function gets. */
struct worker_ctx {
	const char *service; /* whose configuration: "auth" */
	struct mq *mq;       /* connected; the stream exists */
	struct db *db;       /* def->stmts prepared on it; connects lazily */
};

struct worker_def {
	const char *name; /* "relay": the program is ticketing-NAME */
	const char *const *stmts;
	size_t nstmts;
	const struct worker_consumer *consumers;
	size_t nconsumers;
	/* The body of a loop worker, NULL for none; beside the consumers'
	 * threads when there are consumers too. Returns TK_OK when it stopped
	 * because worker_stopping(), else an error. */
	int (*run)(struct worker_ctx *ctx);
	const struct worker_option *options;
	size_t noptions;
	/* The isolation level of the worker's database connections (db.h):
	 * set on each connection, so a reconnect keeps it. */
	enum db_isolation isolation;
	/* Consumers whose events are rows of one statement (worker_rows). */
	const struct worker_rows *rows;
	size_t nrows;
	/* The worker's own configuration keys (config.h), read from its
	 * service's file beside the common ones; NULL, 0 for none. */
	const struct config_key *config_keys;
	size_t nconfig_keys;
};

/*
 * worker_main: run the worker def with the command line argc/argv (see
 * the top of this file). Returns the exit status: 0 after a clean stop on
 * a signal, 1 on a failure (logged), 2 on a usage error.
 */
int worker_main(int argc, char **argv, const struct worker_def *def);

/*
 * worker_main_of: worker_main for a program that serves several services'
 * databases with one definition each (the replicator): it runs the first
 * of defs[0..ndefs) with a consumer of the service named by --service or
 * the configuration's db_name. Options are parsed with defs[0]'s, so the
 * definitions share their options. Returns as worker_main; 1 when none of
 * defs serves the service.
 */
int worker_main_of(int argc, char **argv, const struct worker_def *const *defs, size_t ndefs);

/* worker_open_db: a handle on the configured database with def's
 * statements and isolation level, as ctx->db is (a loop that needs a
 * second connection); connects lazily. Owned by the caller; db_free. */
struct db *worker_open_db(const struct worker_def *def);

/* worker_stopping: 1 once SIGTERM or SIGINT arrived. */
int worker_stopping(void);

/* worker_wait: sleep up to ms, ending early when stopping and, when
 * wakeable, on a worker_wake since the last wakeable wait (which it
 * consumes). */
void worker_wait(long ms, int wakeable);

/* worker_wake: end the current or next wakeable worker_wait. Callable from
 * any thread (e.g. a NATS callback). */
void worker_wake(void);

/* The backoff policy: min_ms doubled attempt times, at most max_ms. */
long worker_backoff_delay(long min_ms, long max_ms, unsigned attempt);

/* A backoff in progress: next gives the delay to wait now and moves on;
 * reset after a success. */
struct worker_backoff {
	unsigned attempt;
};
long worker_backoff_next(struct worker_backoff *b);
void worker_backoff_reset(struct worker_backoff *b);

/*
 * worker_record: the processed_events record of job's event, on job->db
 * (in whatever transaction it holds). WORKER_TX consumers get it from the
 * shell; a consumer without it that must not hold a transaction (one that
 * calls another system) records its events itself once handled, so the
 * checker sees each applied. TK_OK, TK_EEXIST when recorded before, or a
 * db_exec error.
 */
int worker_record(struct worker_job *job);

/* Verdict constructors. */
struct worker_verdict worker_ack(void);
struct worker_verdict worker_retry(int64_t delay_ms);
struct worker_verdict worker_dead(const char *reason);

/* worker_retry_backoff: a retry after the shell's backoff for a message
 * delivered that many times (WORKER_RETRY_MIN_MS doubling to
 * WORKER_RETRY_MAX_MS). */
struct worker_verdict worker_retry_backoff(uint64_t delivered);

/*
 * worker_verdict_of: the verdict for a handler's err.h code rc at the
 * delivered-th delivery: TK_OK acks; a transient failure (db_transient:
 * MariaDB down, read-only, full, deadlocked) retries after the backoff of
 * that delivery (WORKER_RETRY_MIN_MS .. WORKER_RETRY_MAX_MS); TK_EINVAL is
 * DEAD "apply refused the event data"; anything else (TK_EEXIST included:
 * an apply's own unique key is not "processed already") is DEAD with
 * err_str(rc).
 */
struct worker_verdict worker_verdict_of(int rc, uint64_t delivered);

#endif
