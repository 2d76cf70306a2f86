# fcgi/orders: the orders service's FastCGI program (reservations, order
# pages), its migrations and its page templates. ledger.c holds the unit
# rules it shares with the orders replicator (workers/replicator/orders.c).
ORDERS_SOURCES = \
	fcgi/orders/orders.h \
	fcgi/orders/ledger.h \
	fcgi/orders/ledger.c \
	fcgi/orders/main.c \
	fcgi/orders/store.c \
	fcgi/orders/reserve.c \
	fcgi/orders/show.c \
	fcgi/orders/etickets.c
pkglibexec_PROGRAMS += fcgi/orders/ticketing-orders
fcgi_orders_ticketing_orders_SOURCES = $(ORDERS_SOURCES)
fcgi_orders_ticketing_orders_LDADD = $(TK_LIBS) $(QR_LIBS)

# The same program whose reservation skips the stock row's lock and waits
# between check and write: the negative control of the oversell race test
# (tests/integration/test_race.sh). Built for make check only, never
# installed, and kept out of fcgi/ so no test takes it for a service.
check_PROGRAMS += tests/integration/orders_unlocked
tests_integration_orders_unlocked_SOURCES = $(ORDERS_SOURCES)
tests_integration_orders_unlocked_CFLAGS = $(AM_CFLAGS) -DORDERS_UNLOCKED_TEST
tests_integration_orders_unlocked_LDADD = $(TK_LIBS) $(QR_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/orders/001_events_replica.sql \
	sql/orders/002_listings_replica.sql \
	sql/orders/003_stock.sql \
	sql/orders/004_orders.sql \
	sql/orders/005_order_payments.sql \
	sql/orders/040_events_replica_eticket.sql \
	sql/orders/041_venues_replica.sql \
	templates/pages/orders/refused.tpl \
	templates/pages/orders/show.tpl \
	templates/pages/orders/list.tpl \
	templates/pages/orders/etickets.tpl
