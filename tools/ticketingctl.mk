# tools/: ticketingctl, the administration tool of an installation
# (schema migrations, key generation, accounts, the consistency checker,
# stream set-up and replay).
sbin_PROGRAMS += tools/ticketingctl
tools_ticketingctl_SOURCES = tools/ticketingctl.c tools/check.c tools/check.h \
	tools/streams.c tools/streams.h
tools_ticketingctl_LDADD = $(TK_LIBS)
