/*
 * seal_token: what auth puts in an account_token.issued event's "sealed"
 * member (the mail contract, docs/MAIL.md): TOKEN sealed with
 * crypto_box_seal to the public key in PKFILE (32 raw bytes), in base64url
 * without padding, on one line. For tests that play the event before auth
 * emits it (tests/integration/test_notify.sh).
 *
 * Usage: seal_token PKFILE TOKEN
 * A test helper only: it is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"

int
main(int argc, char **argv)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], *sealed;
	char *out;
	size_t len, n;
	FILE *f;

	if (argc != 3 || sodium_init() < 0) {
		fputs("usage: seal_token PKFILE TOKEN\n", stderr);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL || fread(pk, 1, sizeof(pk), f) != sizeof(pk)) {
		fprintf(stderr, "seal_token: %s does not hold a 32-byte key\n", argv[1]);
		return 1;
	}
	fclose(f);
	len = strlen(argv[2]);
	n = crypto_box_SEALBYTES + len;
	sealed = malloc(n);
	out = malloc(b64_encoded_len(n) + 1);
	if (sealed == NULL || out == NULL ||
	    crypto_box_seal(sealed, (const unsigned char *)argv[2], len, pk) != 0)
		return 1;
	b64_encode(sealed, n, out);
	puts(out);
	free(sealed);
	free(out);
	return 0;
}
