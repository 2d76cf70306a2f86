/*
 * ticketingctl's stream administration (streams.c): the set-up step of the
 * event backbone and the replay of a service's consumers.
 */
#ifndef TK_STREAMS_H
#define TK_STREAMS_H

/* streams_setup_main: `setup-backbone` with its arguments (argv[0] is the
 * command); the configuration is loaded. Exit status 0, 1 or 2 (usage). */
int streams_setup_main(int argc, char **argv);

/* streams_replay_main: `replay SERVICE`, same conventions. */
int streams_replay_main(int argc, char **argv);

#endif
