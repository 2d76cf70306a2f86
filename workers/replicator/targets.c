/*
 * The replication targets this program knows: one per consuming service
 * database. Add a service by adding its struct repl_target here.
 */
#include "replicator.h"

const struct repl_target *const repl_targets[] = {
    &repl_target_events,
};

const size_t repl_ntargets = sizeof(repl_targets) / sizeof(repl_targets[0]);
