/*
 * open_token: the token of an account_token.issued event, opened as the
 * notifications worker opens it (the Mail contract): "sealed" is
 * base64url without padding of crypto_box_seal(token, notify.pk), and
 * notify.sk (32 raw bytes) opens it. Tests read the event from auth's
 * outbox and follow the real link with what this prints.
 *
 * Usage: open_token NOTIFY_SK_FILE SEALED    (prints the token)
 * A test helper only: it is not installed.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "err.h"

int
main(int argc, char **argv)
{
	unsigned char sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sealed[512], token[512];
	size_t n = 0;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: open_token NOTIFY_SK_FILE SEALED\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	f = fopen(argv[1], "rb");
	if (f == NULL || fread(sk, 1, sizeof(sk), f) != sizeof(sk)) {
		fprintf(stderr, "open_token: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	crypto_scalarmult_base(pk, sk);
	if (b64_decode(argv[2], strlen(argv[2]), sealed, sizeof(sealed), &n) != TK_OK ||
	    n <= crypto_box_SEALBYTES || crypto_box_seal_open(token, sealed, n, pk, sk) != 0) {
		fprintf(stderr, "open_token: the sealed token does not open\n");
		return 1;
	}
	printf("%.*s\n", (int)(n - crypto_box_SEALBYTES), (const char *)token);
	return 0;
}
