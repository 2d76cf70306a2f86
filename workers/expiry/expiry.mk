# workers/expiry: the expiry worker of the orders database (schedule of
# reservation deadlines, expiration.complete), and the schedule's migration.
pkglibexec_PROGRAMS += workers/expiry/ticketing-expiry
workers_expiry_ticketing_expiry_SOURCES = workers/expiry/expiry.c
workers_expiry_ticketing_expiry_LDADD = $(TK_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/orders/020_expiry_schedule.sql
