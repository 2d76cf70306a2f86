# lib/ core: errors, allocation, arenas, buffers, configuration, logging.
lib_libticketing_a_SOURCES += \
	lib/err.c lib/err.h \
	lib/xalloc.c lib/xalloc.h \
	lib/arena.c lib/arena.h \
	lib/buf.c lib/buf.h \
	lib/config.c lib/config.h \
	lib/log.c lib/log.h \
	lib/clock.h \
	lib/money.c lib/money.h

EXTRA_DIST += tests/unit/cu.h
check_PROGRAMS += tests/unit/test_core
TESTS += tests/unit/test_core
tests_unit_test_core_SOURCES = tests/unit/test_core.c
tests_unit_test_core_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_core_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test_money
TESTS += tests/unit/test_money
tests_unit_test_money_SOURCES = tests/unit/test_money.c
tests_unit_test_money_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_money_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
