/*
 * E-ticket codes: one per unit of a complete order, signed by the platform
 * with Ed25519 (the orders service holds the secret key, eticket_key_file;
 * the tickets service verifies with the public key only, eticket_pub_file).
 * A code is what a door check needs and nothing personal:
 *
 *   payload (50 bytes) = version (1 byte, ETICKET_VERSION)
 *                        order id (16 bytes, the UUID's bytes)
 *                        unit number (1 byte, 1..255)
 *                        event id (16 bytes)
 *                        listing id (16 bytes)
 *   code = base64url without padding (lib/b64.h) of payload || signature
 *          (64 bytes, over the payload): ETICKET_CODE_LEN = 152 characters.
 *
 * docs/DECISIONS.md ("E-ticket codes") says why this alphabet and length.
 * The decoder is strict and says why it refused a code (enum
 * eticket_refusal); its input is untrusted: see tests/fuzz/fuzz_eticket.c.
 */
#ifndef TK_ETICKET_H
#define TK_ETICKET_H
#include <stddef.h>

#include <sodium.h>

#define ETICKET_VERSION 1
#define ETICKET_PAYLOAD_LEN 50
#define ETICKET_RAW_LEN (ETICKET_PAYLOAD_LEN + crypto_sign_BYTES)
#define ETICKET_CODE_LEN 152 /* characters, without the NUL */
#define ETICKET_UUID_LEN 36

/* What a code says. */
struct eticket {
	char order_id[ETICKET_UUID_LEN + 1];
	int unit; /* 1..255 */
	char event_id[ETICKET_UUID_LEN + 1];
	char listing_id[ETICKET_UUID_LEN + 1];
};

/* Why eticket_decode refused a code. */
enum eticket_refusal {
	ETICKET_OK,
	ETICKET_BAD_LENGTH,    /* not ETICKET_CODE_LEN characters (truncated, padded) */
	ETICKET_BAD_CHARACTER, /* a character outside base64url, or trailing bits set */
	ETICKET_BAD_VERSION,   /* a version byte this code does not know */
	ETICKET_BAD_SIGNATURE, /* tampered, or signed with another key */
	ETICKET_BAD_FIELD,     /* signed but impossible: unit 0 */
	ETICKET__MAX
};

/* eticket_refusal_text: a sentence for a door person, e.g. "The code is
 * not signed by this platform." Never NULL. */
const char *eticket_refusal_text(enum eticket_refusal r);

/*
 * eticket_encode: the code of t, signed with sk, into out (NUL-terminated,
 * ETICKET_CODE_LEN + 1 bytes). Returns TK_OK, or TK_EINVAL when an id of t
 * is not a lowercase UUID or its unit is outside 1..255.
 */
int eticket_encode(const struct eticket *t, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
		   char out[ETICKET_CODE_LEN + 1]);

/*
 * eticket_decode: check code[0..len) against pk and read it into *t.
 * Spaces, tabs and line breaks at either end are ignored (a pasted code);
 * nothing else is. Returns ETICKET_OK and fills *t, or the reason of the
 * first check that failed (*t is then zeroed). The order of the checks:
 * length, alphabet, version, signature, fields.
 */
enum eticket_refusal eticket_decode(const char *code, size_t len,
				    const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
				    struct eticket *t /* OUT */);

#endif
