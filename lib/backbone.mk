# lib/: the event backbone shared by services and workers: event envelopes
# (event.c), JetStream access (mq.c), the registry of emitters and
# consumers (backbone.c), the worker shell (worker.c), session revocation
# checks against a replica (revoke.c); the envelope and worker shell unit
# tests. The shared tables of sql/common/ are listed here rather than in a
# service's fragment because no one service owns them: the registry
# (backbone_common_tables in backbone.c) says which service gets which.
lib_libticketing_a_SOURCES += \
	lib/event.c lib/event.h \
	lib/mq.c lib/mq.h \
	lib/backbone.c lib/backbone.h \
	lib/worker.c lib/worker.h \
	lib/revoke.c lib/revoke.h
# Pruning of the shared tables' old rows (the relay runs it).
lib_libticketing_a_SOURCES += lib/prune.c lib/prune.h

nobase_dist_pkgdata_DATA += \
	sql/common/outbox/001_outbox.sql \
	sql/common/processed_events/001_processed_events.sql \
	sql/common/dead_letters/001_dead_letters.sql \
	sql/common/applied_versions/001_applied_versions.sql \
	sql/common/consumer_state/001_consumer_state.sql \
	sql/common/consumer_state/002_consumer_pending.sql \
	sql/common/worker_beats/001_worker_beats.sql \
	sql/common/worker_beats/002_worker_beats_instance.sql \
	sql/common/session_revocations/001_session_revocations.sql \
	sql/common/session_revocations/002_replicated_at.sql

check_PROGRAMS += tests/unit/test_event
TESTS += tests/unit/test_event
tests_unit_test_event_SOURCES = tests/unit/test_event.c
tests_unit_test_event_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_event_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test_worker
TESTS += tests/unit/test_worker
tests_unit_test_worker_SOURCES = tests/unit/test_worker.c
tests_unit_test_worker_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_worker_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# Skips (77) unless TK_TEST_RUN_DIR names a running stack (scripts/dev test).
check_PROGRAMS += tests/integration/test_mq
TESTS += tests/integration/test_mq
tests_integration_test_mq_SOURCES = tests/integration/test_mq.c
tests_integration_test_mq_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_integration_test_mq_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

EXTRA_DIST += docs/BACKBONE.md
