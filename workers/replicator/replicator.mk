# workers/replicator: the replication engine and its targets (one per
# consuming service database). The replication tables it writes are
# migrations of the consuming service, listed in that service's fragment.
sbin_PROGRAMS += workers/replicator/ticketing-replicator
workers_replicator_ticketing_replicator_SOURCES = \
	workers/replicator/replicator.h \
	workers/replicator/engine.c \
	workers/replicator/targets.c \
	workers/replicator/events.c
workers_replicator_ticketing_replicator_LDADD = $(TK_LIBS)
