/*
 * sealed_token: the token of an account_token.issued event (the mail
 * contract, docs/MAIL.md), sealed and opened as auth and the notifications
 * worker do: "sealed" is base64url without padding of
 * crypto_box_seal(token, notify.pk); notify.sk (32 raw bytes) opens it,
 * with the public key crypto_scalarmult_base derives from it.
 *
 *   sealed_token seal PKFILE TOKEN   prints the sealed member, for tests
 *                                    that play the event themselves
 *                                    (tests/integration/test_notify.sh)
 *   sealed_token open SKFILE SEALED  prints the token, for tests that read
 *                                    the event from auth's outbox and
 *                                    follow the real link (lib.sh)
 *
 * A test helper only: it is not installed.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "err.h"

#define TOKEN_MAX 256

/* read_key: the 32 raw bytes of file path into key; 0, or -1 (said). */
static int
read_key(const char *path, unsigned char key[32])
{
	FILE *f = fopen(path, "rb");
	int ok = f != NULL && fread(key, 1, 32, f) == 32;

	if (f != NULL)
		fclose(f);
	if (!ok)
		fprintf(stderr, "sealed_token: %s does not hold a 32-byte key\n", path);
	return ok ? 0 : -1;
}

static int
seal(const char *pkfile, const char *token)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sealed[crypto_box_SEALBYTES + TOKEN_MAX];
	char out[2 * sizeof(sealed)];
	size_t len = strlen(token);

	if (len > TOKEN_MAX || read_key(pkfile, pk) != 0 ||
	    crypto_box_seal(sealed, (const unsigned char *)token, len, pk) != 0)
		return 1;
	b64_encode(sealed, crypto_box_SEALBYTES + len, out);
	puts(out);
	return 0;
}

static int
open_sealed(const char *skfile, const char *text)
{
	unsigned char sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sealed[crypto_box_SEALBYTES + TOKEN_MAX], token[TOKEN_MAX];
	size_t n = 0;

	if (read_key(skfile, sk) != 0)
		return 1;
	crypto_scalarmult_base(pk, sk);
	if (b64_decode(text, strlen(text), sealed, sizeof(sealed), &n) != TK_OK ||
	    n <= crypto_box_SEALBYTES || crypto_box_seal_open(token, sealed, n, pk, sk) != 0) {
		fprintf(stderr, "sealed_token: the sealed token does not open\n");
		return 1;
	}
	printf("%.*s\n", (int)(n - crypto_box_SEALBYTES), (const char *)token);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 4 || sodium_init() < 0 ||
	    (strcmp(argv[1], "seal") != 0 && strcmp(argv[1], "open") != 0)) {
		fputs("usage: sealed_token seal PKFILE TOKEN | open SKFILE SEALED\n", stderr);
		return 2;
	}
	return strcmp(argv[1], "seal") == 0 ? seal(argv[2], argv[3])
					    : open_sealed(argv[2], argv[3]);
}
