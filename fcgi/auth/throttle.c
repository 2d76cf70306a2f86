/*
 * Throttling of password guesses: the policy of sign-in and of the
 * current password on the account page (docs/DECISIONS.md, "Password
 * guesses"). Attempts are counted per account and client address, the
 * account named by a hash of the email as typed, so an email without an
 * account is throttled exactly like one with: a 429 tells nothing about
 * whether an address exists. One address's guesses never hold up the
 * account's owner at another address. The first signin_free_failures
 * attempts pass; after each further one the address waits twice as long,
 * from two seconds up to signin_max_delay. Over all addresses an account
 * takes signin_account_max_failures attempts an hour; past that only the
 * addresses it signed in from in the last 90 days may try (ASVS V2.2.1),
 * which known and unknown emails alike lack. An attempt is counted before its
 * verification, inside the verification slot, so guesses waiting for a
 * slot cannot pass a limit the guesses before them reached; the right
 * password forgets the count.
 */
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "config.h"
#include "err.h"
#include "pw.h"
#include "store.h"

#define ADDR_MAX 100

void
throttle_init(struct store *st, const char *email, struct throttle *t)
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	memset(t, 0, sizeof(*t));
	t->email = email;
	crypto_hash_sha256(digest, (const unsigned char *)email, strlen(email));
	sodium_bin2hex(t->account, sizeof(t->account), digest, sizeof(digest));
	t->addr = st->remote_addr != NULL ? st->remote_addr : "";
	if (strlen(t->addr) > ADDR_MAX)
		t->addr = "(long)";
}

int64_t
throttle_delay(int64_t n)
{
	int64_t cap = config_int("signin_max_delay"), d = 2;

	n -= config_int("signin_free_failures");
	if (n <= 0)
		return 0;
	while (--n > 0 && d < cap)
		d *= 2;
	return d < cap ? d : cap;
}

struct charge {
	struct store *st;
	struct throttle *t;
};

/* charge: the gate of pw_verify_gated. */
static int
charge(void *arg)
{
	struct charge *c = arg;

	return store_throttle_charge(c->st, c->t);
}

int
throttle_verify(struct store *st, struct throttle *t, const char *hash, const char *password)
{
	struct charge c = {st, t};
	int rc;

	/* Refused before queueing for a slot: a flood of blocked guesses
	 * never waits in the hash queue. The charge in the slot decides. */
	rc = store_throttle_peek(st, t);
	if (rc != TK_OK)
		goto out;
	if (hash == NULL)
		hash = pw_dummy_hash();
	rc = TK_ECRYPTO;
	if (hash == NULL)
		goto out;
	rc = pw_verify_gated(hash, password, charge, &c);
out:
	return rc;
}

int
throttle_limit(struct store *st, const char *scope, const char *subject, const char *addr,
	       int64_t max, int64_t window, long *retry_after)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	char account[65];

	/* "scope\n" never starts a normalised email: sign-in's rows (the
	 * hash of the email alone) and these never meet. */
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)scope, strlen(scope));
	crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)subject, strlen(subject));
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(account, sizeof(account), digest, sizeof(digest));
	if (addr == NULL)
		addr = "";
	if (strlen(addr) > ADDR_MAX)
		addr = "(long)";
	return store_limit_take(st, account, addr, max, window, retry_after);
}
