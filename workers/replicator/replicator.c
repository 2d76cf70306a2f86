/*
 * The replicator's entry point: the shell runs the replication of the
 * service whose configuration it is given.
 *
 * Usage: ticketing-replicator --config FILE [--service NAME]
 * FILE is the consuming service's configuration (db_*, nats_url). A
 * replay (the whole stream applied again into empty replicas) is
 * `ticketingctl replay SERVICE` with the replicator stopped, then a start.
 */
#include "replicator.h"
#include "worker.h"

/* One definition per consuming service database: the shell runs the one
 * with consumers of the configured service. */
static const struct worker_def *const targets[] = {
    &repl_events,
    &repl_tickets,
    &repl_orders,
    &repl_payments,
};

int
main(int argc, char **argv)
{
	return worker_main_of(argc, argv, targets, sizeof(targets) / sizeof(targets[0]));
}
