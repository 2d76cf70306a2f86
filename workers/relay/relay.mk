# workers/relay: the outbox relay, one process (or more) per service
# database that emits events.
pkglibexec_PROGRAMS += workers/relay/ticketing-relay
workers_relay_ticketing_relay_SOURCES = workers/relay/relay.c
workers_relay_ticketing_relay_LDADD = $(TK_LIBS)
