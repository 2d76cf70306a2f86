# Integration tests: bash + curl against the real stack (nginx, the FastCGI
# services, MariaDB), started by scripts/dev test, which exports
# TK_TEST_BASE_URL, TK_TEST_MARIADB_SOCKET and TK_TEST_RUN_DIR. Without
# them (a plain make check, make distcheck) these tests are skipped (77).
# The scripts are executable and run directly.
TESTS += tests/integration/test_auth.sh tests/integration/test_pages.sh \
	tests/integration/test_admin.sh tests/integration/test_events.sh \
	tests/integration/test_outage.sh
EXTRA_DIST += tests/integration/lib.sh tests/integration/test_auth.sh \
	tests/integration/test_pages.sh tests/integration/test_admin.sh \
	tests/integration/test_events.sh tests/integration/test_outage.sh

# The event backbone and its fault tests (relay, NATS, replicator, MariaDB),
# and its durability under a full stream and a read-only MariaDB.
TESTS += tests/integration/test_backbone.sh tests/integration/test_durability.sh
EXTRA_DIST += tests/integration/test_backbone.sh tests/integration/test_durability.sh

# ticketingctl create-user through the auth store.
TESTS += tests/integration/test_ctl.sh
EXTRA_DIST += tests/integration/test_ctl.sh

# Negative controls of the consistency checker: each breaks one invariant,
# expects ticketingctl check to fail naming it, repairs it.
TESTS += tests/integration/test_checker.sh
EXTRA_DIST += tests/integration/test_checker.sh
