# lib/ database: MariaDB access (db.c) on one server or the first writable
# of a list (dbhost.c), schema migrations (migrate.c) and the test of db.c
# against a live server. Each service's fragment lists its own
# numbered SQL migrations (installed under $(pkgdatadir)/sql/SERVICE).
lib_libticketing_a_SOURCES += \
	lib/db.c lib/db.h \
	lib/dbhost.c lib/dbhost.h \
	lib/dbcache.c lib/dbcache.h \
	lib/migrate.c lib/migrate.h

check_PROGRAMS += tests/unit/test_dbhost
TESTS += tests/unit/test_dbhost
tests_unit_test_dbhost_SOURCES = tests/unit/test_dbhost.c
tests_unit_test_dbhost_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_dbhost_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# Skips (77) unless TK_TEST_MARIADB_SOCKET names a server socket where
# root connects by unix_socket authentication.
check_PROGRAMS += tests/integration/test_db
TESTS += tests/integration/test_db
tests_integration_test_db_SOURCES = tests/integration/test_db.c
tests_integration_test_db_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_integration_test_db_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# The writer test_promotion.sh runs while it moves the primary
# (tests/integration/integration.mk).
check_PROGRAMS += tests/integration/promotion_writer
tests_integration_promotion_writer_SOURCES = tests/integration/promotion_writer.c
tests_integration_promotion_writer_LDADD = $(TK_LIBS)
