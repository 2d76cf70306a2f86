# workers/notify: the notifications worker (docs/MAIL.md) on its own
# database, ticketing_notify: the users replica and the mails, sent over
# SMTP with libcurl (lib/smtp.c); its templates under templates/mail/.
pkglibexec_PROGRAMS += workers/notify/ticketing-notify
workers_notify_ticketing_notify_SOURCES = workers/notify/notify.c workers/notify/notify.h \
	workers/notify/notices.c workers/replicator/repl.c workers/replicator/replicator.h
workers_notify_ticketing_notify_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
workers_notify_ticketing_notify_LDADD = $(TK_LIBS) $(CURL_LIBS) $(QR_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/notify/001_users_replica.sql \
	sql/notify/002_mails.sql \
	sql/notify/003_events_replica.sql \
	sql/notify/004_venues_replica.sql \
	sql/notify/005_listings_replica.sql \
	templates/mail/verify_email.txt \
	templates/mail/verify_email.html.tpl \
	templates/mail/reset_password.txt \
	templates/mail/reset_password.html.tpl \
	templates/mail/role_granted.txt \
	templates/mail/role_granted.html.tpl \
	templates/mail/role_revoked.txt \
	templates/mail/role_revoked.html.tpl \
	templates/mail/reservation_made.txt \
	templates/mail/reservation_made.html.tpl \
	templates/mail/receipt.txt \
	templates/mail/receipt.html.tpl \
	templates/mail/listing_sold.txt \
	templates/mail/listing_sold.html.tpl \
	templates/mail/reservation_expired.txt \
	templates/mail/reservation_expired.html.tpl \
	templates/mail/refunded.txt \
	templates/mail/refunded.html.tpl \
	templates/mail/event_cancelled.txt \
	templates/mail/event_cancelled.html.tpl

EXTRA_DIST += docs/MAIL.md
