/*
 * ticketingctl's stream administration (streams.c): the set-up step of the
 * event backbone, the replay of a service's consumers, the stream's status
 * and pruning what every consumer acknowledged.
 */
#ifndef TK_STREAMS_H
#define TK_STREAMS_H

#include <stddef.h>

#include "config.h"
#include "mq.h"

/* The administrator's keys of the event stream, known to every command
 * that reads admin.conf (config_load's program table):
 *   stream_replicas   copies of the stream (and of its consumers) a
 *                     JetStream cluster keeps, 1..5; 1 for a single server
 *                     [1] (docs/deploy.md "Past one machine") */
extern const struct config_key streams_keys[];
extern const size_t streams_nkeys;

/* streams_conf: the stream's settings: mq_stream_default with the
 * configured stream_replicas (the configuration is loaded with
 * streams_keys). */
struct mq_stream_conf streams_conf(void);

/* streams_connect: *mq, a connection to the configured NATS (nats_url,
 * nats_user, nats_password) that is up within 10 s. TK_OK, or TK_ECONFIG
 * (no nats_url) or TK_EIO after a message naming the URL on stderr. */
int streams_connect(struct mq **mq);

/* streams_setup_main: `setup-backbone` with its arguments (argv[0] is the
 * command); the configuration is loaded. Exit status 0, 1 or 2 (usage). */
int streams_setup_main(int argc, char **argv);

/* streams_replay_main: `replay SERVICE`, same conventions. */
int streams_replay_main(int argc, char **argv);

/* streams_status_main: `stream-status`, same conventions. */
int streams_status_main(int argc, char **argv);

/* streams_prune_main: `prune-stream`, same conventions. */
int streams_prune_main(int argc, char **argv);

/* streams_delete_msg_main: `delete-stream-message SEQ`, same conventions:
 * removes one message, for repairs and the checker's negative controls. */
int streams_delete_msg_main(int argc, char **argv);

/* streams_publish_main: `publish`, same conventions: one envelope from
 * standard input (checked by event_decode) onto its subject, with its
 * event_id as Nats-Msg-Id; prints "published" or "duplicate" (the stream
 * had it). */
int streams_publish_main(int argc, char **argv);

/* streams_republish_main: `republish [--rebuild] [SERVICE...]`, same
 * conventions: the sent outbox rows of SERVICE (default: every emitting
 * service) published again with their event ids as Nats-Msg-Id, except
 * those the stream holds; with --rebuild, the stream and its consumers
 * are first deleted and made again empty (services and workers stopped),
 * and every row is published. Prints per service what was published, what
 * the stream held and what it dropped as a duplicate. */
int streams_republish_main(int argc, char **argv);

#endif
