# fcgi/sandbox: the sandbox payment provider's FastCGI program (hosted
# card page, server-to-server API, webhook delivery thread), its
# migrations and its page template (docs/PAYMENTS.md).
pkglibexec_PROGRAMS += fcgi/sandbox/ticketing-sandbox
fcgi_sandbox_ticketing_sandbox_SOURCES = \
	fcgi/sandbox/sandbox.h \
	fcgi/sandbox/card.h \
	fcgi/sandbox/card.c \
	fcgi/sandbox/main.c \
	fcgi/sandbox/store.c \
	fcgi/sandbox/checkout.c \
	fcgi/sandbox/api.c \
	fcgi/sandbox/deliver.c
fcgi_sandbox_ticketing_sandbox_LDADD = $(TK_LIBS) $(CURL_LIBS)

check_PROGRAMS += tests/unit/test_sandbox_card
TESTS += tests/unit/test_sandbox_card
tests_unit_test_sandbox_card_SOURCES = tests/unit/test_sandbox_card.c fcgi/sandbox/card.c
tests_unit_test_sandbox_card_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/sandbox
tests_unit_test_sandbox_card_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_sandbox_card_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/sandbox/001_sessions.sql \
	sql/sandbox/002_charges.sql \
	sql/sandbox/003_refunds.sql \
	sql/sandbox/004_operations.sql \
	sql/sandbox/005_webhooks.sql \
	templates/pages/sandbox/checkout.tpl
