# lib/: the event backbone shared by services and workers: event envelopes
# (event.c), JetStream access (mq.c), session revocation checks against a
# replica (revoke.c); the envelope unit tests.
lib_libticketing_a_SOURCES += \
	lib/event.c lib/event.h \
	lib/mq.c lib/mq.h \
	lib/revoke.c lib/revoke.h

check_PROGRAMS += tests/unit/test_event
TESTS += tests/unit/test_event
tests_unit_test_event_SOURCES = tests/unit/test_event.c
tests_unit_test_event_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_event_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# Skips (77) unless TK_TEST_RUN_DIR names a running stack (scripts/dev test).
check_PROGRAMS += tests/integration/test_mq
TESTS += tests/integration/test_mq
tests_integration_test_mq_SOURCES = tests/integration/test_mq.c
tests_integration_test_mq_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_integration_test_mq_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
