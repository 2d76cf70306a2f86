/*
 * The backbone registry: one table of which service emits which subjects
 * and one of which service keeps which data through which durable
 * consumer. Everything that needs to know the shape of the event backbone
 * reads these tables: the stream and consumer set-up (backbone_setup, run
 * by `ticketingctl setup-backbone`), the worker shell (lib/worker.c) that
 * finds a consumer's filter and service here, the consistency checker
 * (tools/check.c), and the migration tool, which applies the shared
 * tables of sql/common/ to the services that need them
 * (backbone_common_tables).
 *
 * Adding a consumer: one line in backbone_consumers (lib/backbone.c), its
 * handler in the worker's consumer table, and `ticketingctl
 * setup-backbone` creates it.
 */
#ifndef TK_BACKBONE_H
#define TK_BACKBONE_H
#include <stddef.h>
#include <stdint.h>

#include "mq.h"

/* A service whose outbox the relay publishes: subjects is the filter of
 * what it emits (every event type of its aggregates). */
struct backbone_emitter {
	const char *service;
	const char *subjects;
};

/*
 * A durable consumer: it applies the events on filter to the database of
 * service. keeps names the shared table of sql/common/ it fills, if any
 * (NULL when its tables are the service's own). A replica checked by
 * `ticketingctl check` is described by the queries below: each gives
 * (key, version, content) rows of the source (in src_service) and of the
 * copy (in service's replica_table); NULL when it keeps no replica.
 * worker names the program that consumes it (workers/WORKER, NATS user
 * WORKER-SERVICE); NULL means the replicator.
 */
struct backbone_consumer {
	const char *durable;
	const char *service;
	const char *filter;
	const char *worker;
	const char *keeps;
	const char *replica_table;
	const char *src_service, *src_sql, *replica_sql;
};

extern const struct backbone_emitter backbone_emitters[];
extern const size_t backbone_nemitters;
extern const struct backbone_consumer backbone_consumers[];
extern const size_t backbone_nconsumers;

/* backbone_consumer_find: the registry entry of durable, or NULL. */
const struct backbone_consumer *backbone_consumer_find(const char *durable);

/* backbone_worker: the program that consumes k: k->worker, or
 * "replicator" when that is NULL. */
const char *backbone_worker(const struct backbone_consumer *k);

/* backbone_emits / backbone_consumes: 1 when service has an entry in the
 * emitters / is the service of some consumer, else 0. */
int backbone_emits(const char *service);
int backbone_consumes(const char *service);

/*
 * backbone_common_tables: the names of the shared tables (sql/common/NAME.sql)
 * service needs, in the order they are applied, into names[0..max); returns
 * how many. An emitter needs "outbox" and "idempotency_keys" (the keys of
 * its create forms, lib/idem.h); a consumer's service needs
 * "processed_events", "dead_letters", "applied_versions" and
 * "consumer_state" and each table its consumers keep; either needs
 * "worker_beats" (the heartbeats of its workers).
 */
size_t backbone_common_tables(const char *service, const char **names /* OUT */, size_t max);

/* backbone_services: every service the registry names (an emitter, a
 * consumer's service or a replica's source), once each, in registry order,
 * into names[0..max); returns how many. */
size_t backbone_services(const char **names /* OUT */, size_t max);

/*
 * backbone_filter_like: the SQL LIKE pattern that matches the subjects of
 * the NATS subject filter filter ("ticketing.user.*" -> "ticketing.user.%";
 * '*' and '>' are accepted only as the last token; '_', which subject
 * tokens may hold, is escaped: "account\_token") into out (size bytes).
 * TK_OK, or TK_EINVAL when the filter has a wildcard elsewhere, a '%' or a
 * backslash, or out is too small.
 */
int backbone_filter_like(const char *filter, char *out, size_t size);

/* backbone_consumer_conf: the JetStream settings of consumer c (stream
 * MQ_STREAM, explicit ack, unlimited redelivery, the default ack wait of
 * 30 s). */
struct mq_consumer_conf backbone_consumer_conf(const struct backbone_consumer *c);

/*
 * backbone_setup: create the stream sc, or update it to sc, and every
 * consumer of the registry, or update it, with an ack wait of ack_wait_ms
 * (0: the default of backbone_consumer_conf; a short one lets a crash
 * test see an unacked delivery come back within seconds). TK_OK, TK_EIO (NATS unreachable) or
 * TK_ECONFIG (JetStream refused a setting, or sc's byte limit is below what the stream holds, which
 * JetStream would meet by dropping messages; logged).
 */
int backbone_setup(struct mq *mq, const struct mq_stream_conf *sc, int64_t ack_wait_ms);

#endif
