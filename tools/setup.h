/*
 * ticketingctl setup (setup.c): the one set-up command of a fresh server,
 * a table of steps each of which says what it would do (--dry-run), what
 * it did, or that it found the work done. docs/deploy.md step 3.
 */
#ifndef TK_SETUP_H
#define TK_SETUP_H

/* setup_main: `setup` with its arguments (argv[0] is the command); loads
 * the administrator's configuration itself. Exit status 0, 1 (a step
 * failed or something is unreachable; the reason on stderr) or 2
 * (usage). */
int setup_main(int argc, char **argv);

#endif
