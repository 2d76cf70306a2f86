/*
 * ticketingctl check: the consistency checker (check.c).
 */
#ifndef TK_CHECK_H
#define TK_CHECK_H

/* check_main: run `check` with its arguments (argv[0] is "check"). Exit
 * status: 0 no violation, 1 violations or an unreadable store, 2 usage. */
int check_main(int argc, char **argv);

#endif
