/*
 * Fuzz target for session tokens (sess.h). The input bytes, as a
 * NUL-terminated string, go to sess_verify under a fixed key pair and a
 * fixed clock. A token that verifies must sign again without error, and
 * because decoding is strict and Ed25519 signing deterministic, re-signing
 * its session must give back exactly the input, which must verify to the
 * same session. Any departure aborts. Seed inputs signed with the same key
 * are in tests/fuzz/corpus/token/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "fuzz.h"
#include "sess.h"
#include "xalloc.h"

/* The key pair is derived from this seed (31 characters and the NUL). */
static const unsigned char fuzz_seed[crypto_sign_SEEDBYTES] = "ticketing fuzz_token fixed seed";
/* The fixed clock: 2023-11-14T22:13:20Z. */
#define FUZZ_NOW ((int64_t)1700000000)
FUZZ_KEYPAIR(fuzz_seed)

/* 1 when a and b hold the same session, field by field. */
static int
same_session(const struct session *a, const struct session *b)
{
	return strcmp(a->sid, b->sid) == 0 && strcmp(a->user_id, b->user_id) == 0 &&
	       a->role == b->role && a->renew_at == b->renew_at && a->expires == b->expires &&
	       strcmp(a->name, b->name) == 0;
}

/* fuzz_accepts (fuzz.h): 1 when sess_verify accepts the input, 0 when it
 * rejects it; aborts when a verified token does not round-trip through
 * sess_sign. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct session s, again;
	char tok[SESS_TOKEN_MAX];
	char *input = xmalloc(size + 1);
	int accepted = 0;

	fuzz_keys_init();
	memcpy(input, data, size);
	input[size] = '\0';
	if (sess_verify(input, fuzz_pk, FUZZ_NOW, &s) == TK_OK) {
		accepted = 1;
		if (sess_sign(&s, fuzz_sk, tok, sizeof(tok)) != TK_OK)
			abort();
		if (strcmp(tok, input) != 0)
			abort();
		if (sess_verify(tok, fuzz_pk, FUZZ_NOW, &again) != TK_OK ||
		    !same_session(&s, &again))
			abort();
	}
	free(input);
	return accepted;
}
