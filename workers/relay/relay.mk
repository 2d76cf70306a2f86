# workers/relay: the outbox relay, one process (or more) per service
# database that emits events.
pkglibexec_PROGRAMS += workers/relay/ticketing-relay
workers_relay_ticketing_relay_SOURCES = workers/relay/relay.c
workers_relay_ticketing_relay_LDADD = $(TK_LIBS)

# The relay's claim and marking against a live MariaDB: two relays'
# transactions and a writer step by step. Skips (77) unless
# TK_TEST_MARIADB_SOCKET names a server socket where root connects by
# unix_socket authentication.
check_PROGRAMS += tests/integration/test_relay_locks
TESTS += tests/integration/test_relay_locks
tests_integration_test_relay_locks_SOURCES = tests/integration/test_relay_locks.c
tests_integration_test_relay_locks_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_integration_test_relay_locks_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
