# lib/ declared forms: field tables read, checked and shown (fields.c) and
# the validators the services' forms share (valid.c), with their unit tests.
lib_libticketing_a_SOURCES += \
	lib/fields.c lib/fields.h \
	lib/valid.c lib/valid.h \
	lib/idem.c lib/idem.h

# The idempotency keys of create forms (idem.h), a table every emitting
# service gets (backbone_common_tables).
nobase_dist_pkgdata_DATA += \
	sql/common/idempotency_keys/001_idempotency_keys.sql \
	sql/common/idempotency_keys/002_idempotency_keys_age.sql

check_PROGRAMS += tests/unit/test_fields
TESTS += tests/unit/test_fields
tests_unit_test_fields_SOURCES = tests/unit/test_fields.c
tests_unit_test_fields_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_fields_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# Table-driven field checks shared by the services' input tests.
EXTRA_DIST += tests/unit/fields_cases.h
