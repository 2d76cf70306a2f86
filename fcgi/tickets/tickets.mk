# fcgi/tickets: the tickets service's FastCGI program (listings), its
# migrations and its page templates. listing.c is also part of the
# replicator (workers/replicator/replicator.mk), which cancels listings.
pkglibexec_PROGRAMS += fcgi/tickets/ticketing-tickets
fcgi_tickets_ticketing_tickets_SOURCES = \
	fcgi/tickets/tickets.h \
	fcgi/tickets/listing.h \
	fcgi/tickets/main.c \
	fcgi/tickets/store.c \
	fcgi/tickets/listing.c \
	fcgi/tickets/input.c \
	fcgi/tickets/forms.c \
	fcgi/tickets/show.c \
	fcgi/tickets/verify.c
fcgi_tickets_ticketing_tickets_LDADD = $(TK_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/tickets/001_listings.sql \
	sql/tickets/002_events_replica.sql \
	sql/tickets/003_venues_replica.sql \
	sql/tickets/004_stock_replica.sql \
	sql/tickets/040_events_replica_organizer.sql \
	sql/tickets/041_orders_replica.sql \
	sql/tickets/042_users_replica.sql \
	sql/tickets/043_eticket_uses.sql \
	sql/tickets/044_users_replica_verified.sql \
	templates/pages/tickets/form.tpl \
	templates/pages/tickets/show.tpl \
	templates/pages/tickets/mine.tpl \
	templates/pages/tickets/refused.tpl \
	templates/pages/tickets/verify.tpl \
	templates/pages/tickets/unverified.tpl

# Input checks of the tickets service, without a server.
check_PROGRAMS += tests/unit/test_tickets_input
TESTS += tests/unit/test_tickets_input
tests_unit_test_tickets_input_SOURCES = tests/unit/test_tickets_input.c fcgi/tickets/input.c
tests_unit_test_tickets_input_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -I$(top_srcdir)/fcgi/tickets
tests_unit_test_tickets_input_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
