/*
 * ticketing-replicator: keeps a service's replicas of other services' data
 * (users_replica, session_revocations, ...) by applying their events. It
 * is a consuming worker of the shell (lib/worker.h): each consumer's
 * handler is an apply function that runs inside the shell's transaction
 * with the event's processed_events record (WORKER_TX), so an event is
 * applied exactly once, and guards by version, so a replica row only
 * moves forward and a replay from the first message gives the sources'
 * state.
 *
 * One file per consuming service database holds its statement table, its
 * apply functions and its struct worker_def (events.c). Adding a
 * replicated table: its migration, a line in the backbone registry
 * (lib/backbone.c) and an apply function with its line in that file's
 * consumer table.
 */
#ifndef TK_REPLICATOR_H
#define TK_REPLICATOR_H

struct worker_def;

/* events.c: replication into the events service's database. */
extern const struct worker_def repl_events;

#endif
