# workers/replicator: replicas of other services' data, one source file per
# consuming service database, and the replication tables of the events
# service's database.
sbin_PROGRAMS += workers/replicator/ticketing-replicator
workers_replicator_ticketing_replicator_SOURCES = \
	workers/replicator/replicator.h \
	workers/replicator/replicator.c \
	workers/replicator/events.c
workers_replicator_ticketing_replicator_LDADD = $(TK_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/events/021_processed_events.sql \
	sql/events/022_dead_letters.sql \
	sql/events/023_users_replica.sql \
	sql/events/024_session_revocations.sql
