/*
 * The work of ticketingctl's subcommands that other commands reuse
 * (setup.c runs them as steps of a server's set-up): key generation, the
 * passwords of the key folder, the migrations of one service, adding an
 * account. Each reports its failures on stderr.
 */
#ifndef TK_TICKETINGCTL_H
#define TK_TICKETINGCTL_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct arena;
struct store;
struct user;

/* The key folder and an arena for the passwords read from it, the
 * argument of ticketingctl_key_password. */
struct ticketingctl_key_dir {
	const char *dir;
	struct arena *a;
};

/*
 * ticketingctl_write_file: data[0..len) to path, whole or not at all
 * (through a hidden temporary file beside it, synced), with mode and group
 * gid ((gid_t)-1: the caller's); replacing an existing path when replace,
 * else failing with TK_EEXIST. TK_OK, TK_EEXIST or TK_EIO (with a message
 * on stderr in both failures).
 */
int ticketingctl_write_file(const char *path, const char *data, size_t len, mode_t mode, gid_t gid,
			    int replace);

/*
 * ticketingctl_keygen: `keygen [--force] dir`: make dir (0700, parents
 * 0755) and write every key group (session and e-ticket key pairs, CSRF
 * key, notify's crypto_box pair, the sandbox provider's API key and
 * webhook secret) that is missing, or all of them with force. *made
 * (OUT) counts the groups written. TK_OK, TK_EINVAL (half a key pair
 * there, without force), TK_EIO or TK_ECRYPTO.
 */
int ticketingctl_keygen(const char *dir, int force, int *made);

/* ticketingctl_keys_missing: how many of keygen's key groups have no file
 * in dir. */
size_t ticketingctl_keys_missing(const char *dir);

/*
 * ticketingctl_key_password: an accounts_password_fn (arg: struct
 * ticketingctl_key_dir): the password in file of the key folder, as hex;
 * made (random, 0600) when missing. NULL after a message on stderr.
 */
const char *ticketingctl_key_password(void *arg, const char *file);

/*
 * ticketingctl_migrate: `migrate SERVICE` on the loaded configuration:
 * the shared tables the backbone registry gives service, then its own;
 * *total (OUT) counts the files applied, or with count_only those pending
 * (nothing is applied). TK_OK or migrate_run's (migrate_pending's) error.
 */
int ticketingctl_migrate(const char *service, int count_only, int *total);

/*
 * ticketingctl_add_user: read the password from the first line of pw_in,
 * check it as the sign-up form does, hash it and create u (email, name,
 * role and email_verified set and checked by the caller; id and
 * password_hash are set here, in st's arena) through the auth store.
 * TK_OK, TK_EINVAL (no acceptable password), TK_ECRYPTO, or
 * store_create_user's error (TK_EEXIST: the email is taken).
 */
int ticketingctl_add_user(struct store *st, struct user *u, FILE *pw_in);

#endif
