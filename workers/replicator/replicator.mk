# workers/replicator: replicas of other services' data, one source file per
# consuming service database, and the events service's own replica table.
sbin_PROGRAMS += workers/replicator/ticketing-replicator
workers_replicator_ticketing_replicator_SOURCES = \
	workers/replicator/replicator.h \
	workers/replicator/replicator.c \
	workers/replicator/events.c
workers_replicator_ticketing_replicator_LDADD = $(TK_LIBS)

nobase_dist_pkgdata_DATA += sql/events/023_users_replica.sql
