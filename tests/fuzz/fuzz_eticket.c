/*
 * Fuzz target for e-ticket codes (eticket.h). The input bytes go to
 * eticket_decode under a fixed key pair. A code that verifies must encode
 * again without error, and because the decoder is strict and Ed25519
 * signing deterministic, encoding what it says must give back exactly the
 * input (blanks at either end aside), which must decode to the same
 * ticket. A refusal must leave the ticket zeroed. Any departure aborts.
 * Seed inputs signed with the same key are in tests/fuzz/corpus/eticket/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "eticket.h"
#include "fuzz.h"

/* The key pair is derived from this seed (31 characters and the NUL). */
static const unsigned char fuzz_seed[crypto_sign_SEEDBYTES] = "ticketing fuzz_eticket seed 001";
FUZZ_KEYPAIR(fuzz_seed)

/* fuzz_accepts (fuzz.h): 1 when eticket_decode accepts the input, 0 when
 * it refuses it; aborts when an accepted code does not round-trip. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	static const struct eticket zero;
	struct eticket t, again;
	char code[ETICKET_CODE_LEN + 1];
	enum eticket_refusal r;

	fuzz_keys_init();
	r = eticket_decode((const char *)data, size, fuzz_pk, &t);
	if (r != ETICKET_OK) {
		if (r >= ETICKET__MAX || memcmp(&t, &zero, sizeof(t)) != 0)
			abort();
		return 0;
	}
	if (eticket_encode(&t, fuzz_sk, code) != TK_OK)
		abort();
	if (size < ETICKET_CODE_LEN || memmem(data, size, code, ETICKET_CODE_LEN) == NULL)
		abort();
	if (eticket_decode(code, strlen(code), fuzz_pk, &again) != ETICKET_OK ||
	    memcmp(&t, &again, sizeof(t)) != 0)
		abort();
	return 1;
}
