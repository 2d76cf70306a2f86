# tools/: ticketingctl, the administration tool of an installation
# (schema migrations, key generation, accounts).
sbin_PROGRAMS += tools/ticketingctl
tools_ticketingctl_SOURCES = tools/ticketingctl.c
tools_ticketingctl_LDADD = $(TK_LIBS)
