# tools/: ticketingctl, the administration tool of an installation
# (schema migrations, key generation, accounts, the consistency checker,
# stream set-up and replay, backup and restore).
sbin_PROGRAMS += tools/ticketingctl
tools_ticketingctl_SOURCES = tools/ticketingctl.c tools/check.c tools/check.h \
	tools/streams.c tools/streams.h tools/accounts.c tools/accounts.h \
	tools/setup.c tools/setup.h tools/ticketingctl.h tools/backup.c tools/backup.h
# create-user runs the auth service's store and input checks; setup's
# defaults are the installation's folders and account (deploy/deploy.mk).
tools_ticketingctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/auth \
	-DTK_SETUP_CONFDIR='"$(TK_CONFDIR)"' -DTK_SETUP_KEYDIR='"$(TK_KEYDIR)"' \
	-DTK_SETUP_USER='"$(TK_USER)"'
# accounts: bcrypt hashes of the NATS passwords (libxcrypt's crypt_r).
tools_ticketingctl_LDADD = fcgi/auth/libauth.a $(TK_LIBS) -lcrypt
