# workers/replicator: replicas of other services' data, one source file per
# consuming service database. The replica tables it writes are migrations of
# the consuming service, listed in that service's fragment; the shared
# processed_events and dead_letters tables are in sql/common/ (lib/backbone.mk).
# The orders service's unit rules (fcgi/orders/ledger.c) are compiled in
# too: its replication applies them.
pkglibexec_PROGRAMS += workers/replicator/ticketing-replicator
workers_replicator_ticketing_replicator_SOURCES = \
	workers/replicator/replicator.h \
	workers/replicator/replicator.c \
	workers/replicator/repl.c \
	workers/replicator/members.h \
	workers/replicator/members.c \
	workers/replicator/payment.h \
	workers/replicator/payment.c \
	workers/replicator/stock.h \
	workers/replicator/stock.c \
	workers/replicator/events.c \
	workers/replicator/tickets.c \
	workers/replicator/orders.c \
	workers/replicator/payments.c \
	fcgi/tickets/listing.h \
	fcgi/tickets/listing.c \
	fcgi/orders/ledger.h \
	fcgi/orders/ledger.c
workers_replicator_ticketing_replicator_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/tickets \
	-I$(top_srcdir)/fcgi/orders
workers_replicator_ticketing_replicator_LDADD = $(TK_LIBS)

# The reader of stock.changed (stock.c), on its own: each refusal's reason.
check_PROGRAMS += tests/unit/test_stock
TESTS += tests/unit/test_stock
tests_unit_test_stock_SOURCES = tests/unit/test_stock.c workers/replicator/stock.c \
	workers/replicator/stock.h workers/replicator/members.c workers/replicator/members.h
tests_unit_test_stock_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
tests_unit_test_stock_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_stock_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# The reader of payment.* (payment.c), on its own: each refusal's reason.
check_PROGRAMS += tests/unit/test_payment
TESTS += tests/unit/test_payment
tests_unit_test_payment_SOURCES = tests/unit/test_payment.c workers/replicator/payment.c \
	workers/replicator/payment.h workers/replicator/members.c workers/replicator/members.h
tests_unit_test_payment_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
tests_unit_test_payment_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_payment_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
