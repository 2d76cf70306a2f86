# fcgi/events: the events service's FastCGI program (venues, events, home
# page, search), its migrations and its page templates.
pkglibexec_PROGRAMS += fcgi/events/ticketing-events
fcgi_events_ticketing_events_SOURCES = \
	fcgi/events/events.h \
	fcgi/events/main.c \
	fcgi/events/store.c \
	fcgi/events/input.c \
	fcgi/events/avail.c \
	fcgi/events/home.c \
	fcgi/events/show.c \
	fcgi/events/event_forms.c \
	fcgi/events/venue_forms.c
fcgi_events_ticketing_events_LDADD = $(TK_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/events/001_venues.sql \
	sql/events/002_events.sql \
	sql/events/023_users_replica.sql \
	sql/events/024_venues_listing.sql \
	sql/events/025_stock_replica.sql \
	templates/pages/events/list.tpl \
	templates/pages/events/home.tpl \
	templates/pages/events/search.tpl \
	templates/pages/events/show.tpl \
	templates/pages/events/form.tpl \
	templates/pages/events/cancel.tpl \
	templates/pages/venues/list.tpl \
	templates/pages/venues/form.tpl

# Input checks of the events service, without a server.
check_PROGRAMS += tests/unit/test_events_input
TESTS += tests/unit/test_events_input
tests_unit_test_events_input_SOURCES = tests/unit/test_events_input.c fcgi/events/input.c
tests_unit_test_events_input_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -I$(top_srcdir)/fcgi/events
tests_unit_test_events_input_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# What the catalogue says of an event's tickets, without a server.
check_PROGRAMS += tests/unit/test_avail
TESTS += tests/unit/test_avail
tests_unit_test_avail_SOURCES = tests/unit/test_avail.c fcgi/events/avail.c
tests_unit_test_avail_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -I$(top_srcdir)/fcgi/events
tests_unit_test_avail_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

EXTRA_DIST += scripts/seed-demo
