# fcgi/payments: the payments service's FastCGI program (checkout, return
# page, provider webhooks), its migrations and its page template
# (docs/PAYMENTS.md). provider.c and payment.c are shared with the
# settlement worker (workers/settlement).
PAYMENTS_SHARED_SOURCES = \
	fcgi/payments/provider.h \
	fcgi/payments/provider.c \
	fcgi/payments/payment.h \
	fcgi/payments/payment.c
pkglibexec_PROGRAMS += fcgi/payments/ticketing-payments
fcgi_payments_ticketing_payments_SOURCES = $(PAYMENTS_SHARED_SOURCES) \
	fcgi/payments/payments.h \
	fcgi/payments/main.c \
	fcgi/payments/store.c \
	fcgi/payments/checkout.c \
	fcgi/payments/webhook.c
fcgi_payments_ticketing_payments_LDADD = $(TK_LIBS) $(CURL_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/payments/001_orders_replica.sql \
	sql/payments/002_payments.sql \
	sql/payments/003_webhook_events.sql \
	templates/pages/payments/notice.tpl
