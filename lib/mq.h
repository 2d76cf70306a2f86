/*
 * NATS JetStream through cnats: the only code that calls the cnats API;
 * services and workers use these functions. natsStatus is
 * translated here: TK_EIO means NATS is unreachable, timed out or refused
 * the request for the moment (retry later); TK_ECONFIG a bad setting.
 *
 * A struct mq is one connection that reconnects forever (a process keeps
 * it for its whole life; it is thread-safe) plus its JetStream context.
 * Streams and durable pull consumers are declared by configuration tables
 * and created or updated idempotently at start-up (mq_ensure_*).
 *
 * Units: every time below is in milliseconds or seconds as named; the
 * nanoseconds JetStream wants are computed here.
 */
#ifndef TK_MQ_H
#define TK_MQ_H
#include <stddef.h>
#include <stdint.h>

struct mq;
struct mq_pull;
struct mq_msg; /* a fetched JetStream message */

/* The event stream every service publishes to, and its subjects. */
#define MQ_STREAM "TICKETING"
#define MQ_STREAM_SUBJECTS "ticketing.>"
/* Core-NATS subject a service nudges after committing outbox rows of its
 * database db_name: MQ_NUDGE_PREFIX db_name. Outside the stream. */
#define MQ_NUDGE_PREFIX "tk_nudge.outbox."
/* A connection as NATS user U receives its replies (PubAcks, API answers,
 * fetched messages) on inboxes under MQ_INBOX_PREFIX U, so U's account may
 * subscribe to MQ_INBOX_PREFIX U ".>" alone and never read another
 * program's replies (tools/accounts.c). Anonymous connections keep the
 * library's "_INBOX". */
#define MQ_INBOX_PREFIX "_INBOX."

struct mq_stream_conf {
	const char *name;
	const char *subjects; /* one subject filter, e.g. "ticketing.>" */
	int64_t max_age_s;    /* limits retention: 0 = keep forever */
	int64_t max_bytes;    /* -1 = no limit */
	int64_t duplicates_s; /* de-duplication window for Nats-Msg-Id */
	int discard_new;      /* at a limit refuse new messages (else drop the oldest) */
	int replicas;         /* copies kept by a JetStream cluster (1, or 0 for the
			       * server's default of 1: no cluster); its consumers
			       * keep as many (they follow the stream) */
};

struct mq_consumer_conf {
	const char *stream;
	const char *durable; /* the consumer's name */
	const char *filter;  /* subject filter, e.g. "ticketing.user.*" */
	int64_t ack_wait_ms; /* redelivered when not acked within this */
	int64_t max_deliver; /* deliveries before the server gives up */
	int64_t max_ack_pending;
};

/* mq_stream_default: the TICKETING stream's settings (file storage, no
 * age limit, 512 MiB with discard-new: a full stream refuses publishes
 * rather than dropping a message a consumer may not have read; 2 h
 * duplicate window; 1 replica, which ticketingctl's stream_replicas
 * raises on a cluster). */
extern const struct mq_stream_conf mq_stream_default;

/* The servers one nats_url may name at most. */
#define MQ_SERVERS_MAX 16

/*
 * mq_connect: a connection to url (e.g. nats://127.0.0.1:4222, or a
 * cluster's servers separated by commas: nats://a:4222,nats://b:4222,
 * at most MQ_SERVERS_MAX) named name
 * (shown by the server), as NATS user user with password (user NULL or
 * "": anonymous; a user gets inboxes of its own, MQ_INBOX_PREFIX). It
 * reconnects forever; when the server is down at start
 * the connection is made in the background and TK_OK is still returned
 * (so is a refused user: the server's refusal is logged and retried).
 * Owned by the caller; mq_close. TK_ECONFIG for a bad url.
 */
int mq_connect(const char *url, const char *user, const char *password, const char *name,
	       struct mq **out /* OUT */);
/* mq_connect_configured: mq_connect with the loaded configuration's
 * nats_url, nats_user and nats_password. */
int mq_connect_configured(const char *name, struct mq **out /* OUT */);
/* mq_close: close and free. Accepts NULL. */
void mq_close(struct mq *mq);
/* mq_connected: 1 while the connection is up, else 0. */
int mq_connected(struct mq *mq);
/* mq_wait_connected: wait up to timeout_ms for the connection to be up
 * (for short-lived tools). TK_OK or TK_EIO. */
int mq_wait_connected(struct mq *mq, int64_t timeout_ms);

/* mq_ensure_stream / mq_ensure_consumer: create, or update to conf when
 * it exists with other settings. TK_OK, TK_EIO (server down), TK_ECONFIG
 * (the server refused the settings; logged). Consumers are durable, pull,
 * explicit ack, deliver all. */
int mq_ensure_stream(struct mq *mq, const struct mq_stream_conf *conf);
int mq_ensure_consumer(struct mq *mq, const struct mq_consumer_conf *conf);

/*
 * mq_publish: publish len bytes of data on subject into JetStream with
 * Nats-Msg-Id msg_id and wait up to timeout_ms for the PubAck. TK_OK once
 * the stream has it (a duplicate of an earlier msg_id counts as stored;
 * *duplicate, when not NULL, says so); TK_ELIMIT when the stream refused
 * it because it is full (discard-new); TK_EIO otherwise. Retry either with
 * the same msg_id.
 */
int mq_publish(struct mq *mq, const char *subject, const char *msg_id, const void *data, size_t len,
	       int64_t timeout_ms, int *duplicate /* OUT, may be NULL */);

/* One message of mq_publish_batch, and what became of it. */
struct mq_out {
	const char *subject;
	const char *msg_id; /* its Nats-Msg-Id */
	const void *data;
	size_t len;
	int rc;        /* OUT: as mq_publish's */
	int duplicate; /* OUT: with TK_OK, stored before under msg_id */
};

/*
 * mq_publish_batch: publish out[0..n) as mq_publish does each, but all at
 * once (asynchronously, at most a window of them in flight) and wait up to
 * timeout_ms for all their PubAcks. Each out[i].rc says what became of
 * message i: TK_OK (stored; .duplicate as mq_publish's *duplicate),
 * TK_ELIMIT (the stream is full), TK_EIO (refused, not sent or not
 * answered in time: maybe stored, retry with the same msg_id). Messages
 * are sent in order, but a failed one may be followed by stored ones.
 * Returns TK_OK when every message is stored, else TK_EIO. One batch at a
 * time per connection (callers wait for each other).
 */
int mq_publish_batch(struct mq *mq, struct mq_out *out, size_t n, int64_t timeout_ms);

/* mq_notify: a fire-and-forget core-NATS message (not stored) on subject.
 * Never blocks; while disconnected it is buffered or dropped. */
int mq_notify(struct mq *mq, const char *subject);

/* mq_listen: call cb(arg) on a library thread for every core-NATS message
 * on subject (a wake-up: the message content is ignored). */
int mq_listen(struct mq *mq, const char *subject, void (*cb)(void *arg), void *arg);

/* mq_pull_open: bind to the existing durable consumer of stream (see
 * mq_ensure_consumer) whose filter is filter. Owned by the caller. */
int mq_pull_open(struct mq *mq, const char *stream, const char *durable, const char *filter,
		 struct mq_pull **out /* OUT */);
void mq_pull_close(struct mq_pull *p);

/* A fetched batch; msgs[0..count) in stream order. */
struct mq_batch {
	int count;
	struct mq_msg **msgs;
};

/*
 * mq_fetch: up to max messages, waiting up to timeout_ms for the first.
 * TK_OK with count >= 0 (0 when none came in time; free with
 * mq_batch_free), TK_EIO while the server is unreachable (sleep and retry).
 */
int mq_fetch(struct mq_pull *p, int max, int64_t timeout_ms, struct mq_batch *out /* OUT */);
/* mq_batch_free: release the messages (acked or not). Accepts an empty one. */
void mq_batch_free(struct mq_batch *b);

/* Message accessors. */
const char *mq_msg_data(struct mq_msg *m, size_t *len /* OUT */);
const char *mq_msg_subject(struct mq_msg *m);
/* mq_msg_delivered: how many times the server delivered it (1 = first);
 * mq_msg_seq its stream sequence. 0 when unknown. */
uint64_t mq_msg_delivered(struct mq_msg *m);
uint64_t mq_msg_seq(struct mq_msg *m);
/* mq_msg_id: its Nats-Msg-Id header (the publisher's event id), or NULL
 * when it has none; valid as long as m. */
const char *mq_msg_id(struct mq_msg *m);

/* mq_ack: done with it. mq_nak: redeliver after delay_ms (0: at once).
 * mq_term: never redeliver (a poison message). TK_OK or TK_EIO. */
int mq_ack(struct mq_msg *m);
int mq_nak(struct mq_msg *m, int64_t delay_ms);
int mq_term(struct mq_msg *m);

/* mq_delete_consumer: remove durable consumer of stream (its position is
 * lost). TK_OK, TK_ENOTFOUND (there was none) or TK_EIO. */
int mq_delete_consumer(struct mq *mq, const char *stream, const char *durable);

/* What a stream holds now. */
struct mq_stream_state {
	uint64_t msgs, bytes;
	uint64_t first_seq, last_seq; /* last_seq counts every message ever stored */
	int64_t max_bytes;            /* its limit; -1 none */
	int64_t max_age_s;            /* 0 none */
	int discard_new;
	int replicas;       /* configured (admin.conf's stream_replicas) */
	int nodes, current; /* nodes keeping it now (leader and followers), and
			       those of them current: with every message */
};

/* mq_stream_state: the state of stream. TK_OK, TK_ENOTFOUND (no such
 * stream) or TK_EIO. */
int mq_stream_state(struct mq *mq, const char *stream, struct mq_stream_state *out /* OUT */);

/* What a durable consumer has done. */
struct mq_consumer_state {
	uint64_t pending;     /* not yet delivered */
	uint64_t ack_pending; /* delivered, not acknowledged */
	uint64_t ack_floor;   /* stream sequence up to which everything is acknowledged */
	int64_t max_deliver;  /* its delivery limit; -1 none */
	int nodes, current;   /* as in struct mq_stream_state */
};

/* mq_consumer_state: the state of durable consumer on stream. TK_OK,
 * TK_ENOTFOUND (no such consumer) or TK_EIO. */
int mq_consumer_state(struct mq *mq, const char *stream, const char *durable,
		      struct mq_consumer_state *out /* OUT */);

/* mq_purge_before: remove every message of stream whose sequence is below
 * seq. TK_OK, TK_ENOTFOUND or TK_EIO. */
int mq_purge_before(struct mq *mq, const char *stream, uint64_t seq);

/* A message the stream stores, read back by its sequence. */
struct mq_stored {
	char msg_id[64]; /* its Nats-Msg-Id ("" when it has none) */
	char subject[200];
	int64_t time_ns; /* when the stream stored it, ns since the epoch (UTC) */
};

/* mq_stream_msg: the message of stream at sequence seq into *out.
 * TK_OK, TK_ENOTFOUND (no message there: deleted, purged or beyond the
 * end) or TK_EIO. */
int mq_stream_msg(struct mq *mq, const char *stream, uint64_t seq, struct mq_stored *out /* OUT */);

/*
 * mq_stream_each: fn(arg, seq, m) for every message stream holds from
 * sequence first to last (deleted and purged ones are passed over), in
 * sequence order. Stops at the first call that returns other than TK_OK
 * and returns that; else TK_OK, or TK_EIO when a read failed.
 */
int mq_stream_each(struct mq *mq, const char *stream, uint64_t first, uint64_t last,
		   int (*fn)(void *arg, uint64_t seq, const struct mq_stored *m), void *arg);

/* mq_delete_stream: remove stream with every message and consumer it has
 * (a restore's rebuild, ticketingctl republish --rebuild). TK_OK,
 * TK_ENOTFOUND (there was none) or TK_EIO. */
int mq_delete_stream(struct mq *mq, const char *stream);

/* mq_delete_msg: remove the message at sequence seq from stream (a repair
 * and test tool: consumers that had not read it never will). TK_OK,
 * TK_ENOTFOUND (no message there) or TK_EIO. */
int mq_delete_msg(struct mq *mq, const char *stream, uint64_t seq);

/*
 * mq_nudge_outbox: after committing outbox rows, wake the relay of this
 * process's database (config db_name) with a core-NATS message on a
 * process-wide connection, which the first call starts opening from config
 * nats_url on a thread of its own. Never blocks (not even on that first
 * connect) and never fails the caller: a nudge before the connection is up
 * is dropped (the relay also polls). Does nothing when nats_url is empty
 * or nudges were not enabled. Thread-safe.
 */
void mq_nudge_outbox(void);

/* mq_nudge_enable: let mq_nudge_outbox nudge in this process. Called at
 * start-up by the long-running programs (the application and worker
 * shells); a short-lived tool leaves nudges off, so that it never exits
 * while the connecting thread runs, and the relay's poll picks up what it
 * wrote. */
void mq_nudge_enable(void);

#endif
