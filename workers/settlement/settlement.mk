# workers/settlement: the settlement worker of the payments database
# (capture, void and refund at the provider after the orders service's
# decisions; docs/PAYMENTS.md). It shares the provider client and the
# payment events with the payments service (fcgi/payments).
pkglibexec_PROGRAMS += workers/settlement/ticketing-settlement
workers_settlement_ticketing_settlement_SOURCES = workers/settlement/settlement.c \
	$(PAYMENTS_SHARED_SOURCES)
workers_settlement_ticketing_settlement_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/payments
workers_settlement_ticketing_settlement_LDADD = $(TK_LIBS) $(CURL_LIBS)
