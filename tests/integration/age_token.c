/*
 * age_token: a session token as it will look to its verifiers SECONDS
 * from now, for tests that must see a token go stale or void without
 * waiting for it. It moves the token's renewal time and expiry SECONDS
 * back and signs it again with the stack's own session key, so nothing
 * else of the token changes (session id, user, role, name).
 *
 * Usage: age_token KEYFILE SECONDS TOKEN    (prints the aged token)
 * KEYFILE is the stack's session.key (hex Ed25519 secret key). A test
 * helper only: it is not installed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "config.h"
#include "err.h"
#include "sess.h"

int
main(int argc, char **argv)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	char out[SESS_TOKEN_MAX], *end;
	struct session s;
	long long seconds;
	int status = 2;

	if (argc != 4) {
		fprintf(stderr, "usage: age_token KEYFILE SECONDS TOKEN\n");
		goto out;
	}
	seconds = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || seconds < 0) {
		fprintf(stderr, "age_token: SECONDS must be a whole number\n");
		goto out;
	}
	status = 1;
	if (sodium_init() < 0 || config_read_hex_file(argv[1], sk, sizeof(sk)) != TK_OK ||
	    crypto_sign_ed25519_sk_to_pk(pk, sk) != 0)
		goto out;
	/* Any time before the expiry: an aged token may be void already. */
	if (sess_verify(argv[3], pk, INT64_MIN, &s) != TK_OK) {
		fprintf(stderr, "age_token: not a token of this key\n");
		goto out;
	}
	s.renew_at = s.renew_at > seconds ? s.renew_at - seconds : 0;
	s.expires = s.expires > seconds ? s.expires - seconds : 0;
	if (sess_sign(&s, sk, out, sizeof(out)) != TK_OK)
		goto out;
	printf("%s\n", out);
	status = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	return status;
}
