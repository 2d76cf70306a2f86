# lib/ cryptography: base64url, session tokens, CSRF tokens, password
# hashing, UUIDs.
lib_libticketing_a_SOURCES += \
	lib/b64.c lib/b64.h \
	lib/sess.c lib/sess.h \
	lib/csrf.c lib/csrf.h \
	lib/pw.c lib/pw.h \
	lib/uuid.c lib/uuid.h

check_PROGRAMS += tests/unit/test_crypto
TESTS += tests/unit/test_crypto
tests_unit_test_crypto_SOURCES = tests/unit/test_crypto.c
tests_unit_test_crypto_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_crypto_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# Webhook signatures of payment providers, and the provider interface
# with its sandbox client (libcurl: programs that call it link
# $(CURL_LIBS)); docs/PAYMENTS.md.
lib_libticketing_a_SOURCES += lib/paysig.c lib/paysig.h lib/payprov.c lib/payprov.h
check_PROGRAMS += tests/unit/test_paysig
TESTS += tests/unit/test_paysig
tests_unit_test_paysig_SOURCES = tests/unit/test_paysig.c
tests_unit_test_paysig_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_paysig_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# E-ticket codes (signed with Ed25519 by the orders service, verified by
# the tickets service; docs/DECISIONS.md "E-ticket codes").
lib_libticketing_a_SOURCES += lib/eticket.c lib/eticket.h
check_PROGRAMS += tests/unit/test_eticket
TESTS += tests/unit/test_eticket
tests_unit_test_eticket_SOURCES = tests/unit/test_eticket.c
tests_unit_test_eticket_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_eticket_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
