# lib/ mail: message composition (mail.c, pure) and delivery over SMTP
# with libcurl (smtp.c: programs that call it link $(CURL_LIBS)); the
# notifications worker's (workers/notify, docs/MAIL.md).
lib_libticketing_a_SOURCES += lib/mail.c lib/mail.h

check_PROGRAMS += tests/unit/test_mail
TESTS += tests/unit/test_mail
tests_unit_test_mail_SOURCES = tests/unit/test_mail.c
tests_unit_test_mail_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_mail_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
lib_libticketing_a_SOURCES += lib/smtp.c lib/smtp.h

# The SMTP outcomes (smtp_classify) without a server; the worker's
# integration test (tests/integration/test_notify.sh) meets real ones.
check_PROGRAMS += tests/unit/test_smtp
TESTS += tests/unit/test_smtp
tests_unit_test_smtp_SOURCES = tests/unit/test_smtp.c
tests_unit_test_smtp_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_smtp_LDADD = $(TK_LIBS) $(CURL_LIBS) $(CUNIT_LIBS)
