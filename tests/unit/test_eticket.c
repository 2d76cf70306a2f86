/*
 * Unit tests for lib/eticket.c: a code round-trips and has the documented
 * length; each refusal has its reason: a tampered byte (in the payload and
 * in the signature), another platform's key, a truncated or lengthened
 * code, a version byte this platform does not issue, characters outside
 * the alphabet, unit 0; blanks of a paste around a code are ignored.
 */
#include <string.h>

#include "cu.h"

#include "b64.h"
#include "err.h"
#include "eticket.h"

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static unsigned char other_pk[crypto_sign_PUBLICKEYBYTES], other_sk[crypto_sign_SECRETKEYBYTES];

static const struct eticket sample = {
    "018f2b6e-1c2d-7a00-8b00-0123456789ab",
    3,
    "018f2b6e-0000-7000-8000-00000000e0e0",
    "018f2b6e-ffff-7fff-bfff-ffffffffffff",
};

static int
keys_setup(void)
{
	static const unsigned char seed[crypto_sign_SEEDBYTES] = "ticketing e-ticket unit tests!!";
	static const unsigned char other_seed[crypto_sign_SEEDBYTES] =
	    "another platform's e-ticket key";

	if (sodium_init() < 0)
		return 1;
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_seed_keypair(other_pk, other_sk, other_seed);
	return 0;
}

/* decode: eticket_decode of the NUL-terminated code with pk. */
static enum eticket_refusal
decode(const char *code, struct eticket *t)
{
	return eticket_decode(code, strlen(code), pk, t);
}

static void
test_round_trip(void)
{
	char code[ETICKET_CODE_LEN + 1];
	struct eticket t;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, sk, code), TK_OK);
	CU_ASSERT_EQUAL(strlen(code), ETICKET_CODE_LEN);
	CU_ASSERT_EQUAL(decode(code, &t), ETICKET_OK);
	CU_ASSERT_STRING_EQUAL(t.order_id, sample.order_id);
	CU_ASSERT_STRING_EQUAL(t.event_id, sample.event_id);
	CU_ASSERT_STRING_EQUAL(t.listing_id, sample.listing_id);
	CU_ASSERT_EQUAL(t.unit, 3);
}

/* Every byte of the decoded code, altered in turn, is refused: the payload
 * and the signature alike. */
static void
test_tampered(void)
{
	char code[ETICKET_CODE_LEN + 1], bad[ETICKET_CODE_LEN + 1];
	unsigned char raw[ETICKET_RAW_LEN];
	struct eticket t;
	size_t n, i;
	enum eticket_refusal r;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, sk, code), TK_OK);
	CU_ASSERT_EQUAL_FATAL(b64_decode(code, strlen(code), raw, sizeof(raw), &n), TK_OK);
	for (i = 0; i < sizeof(raw); i++) {
		raw[i] ^= 0x01;
		b64_encode(raw, sizeof(raw), bad);
		r = decode(bad, &t);
		/* The version byte has a reason of its own. */
		CU_ASSERT_EQUAL(r, i == 0 ? ETICKET_BAD_VERSION : ETICKET_BAD_SIGNATURE);
		CU_ASSERT_EQUAL(t.unit, 0);
		raw[i] ^= 0x01;
	}
	/* A character changed in the text. */
	memcpy(bad, code, sizeof(bad));
	bad[40] = bad[40] == 'A' ? 'B' : 'A';
	CU_ASSERT_EQUAL(decode(bad, &t), ETICKET_BAD_SIGNATURE);
}

static void
test_wrong_key(void)
{
	char code[ETICKET_CODE_LEN + 1];
	struct eticket t;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, other_sk, code), TK_OK);
	CU_ASSERT_EQUAL(decode(code, &t), ETICKET_BAD_SIGNATURE);
	CU_ASSERT_EQUAL(eticket_decode(code, strlen(code), other_pk, &t), ETICKET_OK);
}

static void
test_length(void)
{
	char code[ETICKET_CODE_LEN + 1], longer[ETICKET_CODE_LEN + 2];
	struct eticket t;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, sk, code), TK_OK);
	CU_ASSERT_EQUAL(eticket_decode(code, ETICKET_CODE_LEN - 1, pk, &t), ETICKET_BAD_LENGTH);
	CU_ASSERT_EQUAL(eticket_decode(code, 0, pk, &t), ETICKET_BAD_LENGTH);
	CU_ASSERT_EQUAL(eticket_decode(code, 100, pk, &t), ETICKET_BAD_LENGTH);
	memcpy(longer, code, ETICKET_CODE_LEN);
	longer[ETICKET_CODE_LEN] = 'A';
	longer[ETICKET_CODE_LEN + 1] = '\0';
	CU_ASSERT_EQUAL(decode(longer, &t), ETICKET_BAD_LENGTH);
}

/* A version this platform does not issue, even when properly signed. */
static void
test_version(void)
{
	char code[ETICKET_CODE_LEN + 1];
	unsigned char raw[ETICKET_RAW_LEN];
	struct eticket t;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, sk, code), TK_OK);
	CU_ASSERT_EQUAL_FATAL(b64_decode(code, strlen(code), raw, sizeof(raw), &n), TK_OK);
	raw[0] = ETICKET_VERSION + 1;
	crypto_sign_detached(raw + ETICKET_PAYLOAD_LEN, NULL, raw, ETICKET_PAYLOAD_LEN, sk);
	b64_encode(raw, sizeof(raw), code);
	CU_ASSERT_EQUAL(decode(code, &t), ETICKET_BAD_VERSION);
	/* Signed, right version, unit 0. */
	raw[0] = ETICKET_VERSION;
	raw[1 + 16] = 0;
	crypto_sign_detached(raw + ETICKET_PAYLOAD_LEN, NULL, raw, ETICKET_PAYLOAD_LEN, sk);
	b64_encode(raw, sizeof(raw), code);
	CU_ASSERT_EQUAL(decode(code, &t), ETICKET_BAD_FIELD);
}

static void
test_characters(void)
{
	char code[ETICKET_CODE_LEN + 1], bad[ETICKET_CODE_LEN + 1];
	static const char others[] = {'+', '/', '=', ' ', '.', '\x80'};
	struct eticket t;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, sk, code), TK_OK);
	for (i = 0; i < sizeof(others); i++) {
		memcpy(bad, code, sizeof(bad));
		bad[75] = others[i];
		CU_ASSERT_EQUAL(decode(bad, &t), ETICKET_BAD_CHARACTER);
	}
	/* 114 bytes are 152 characters with no unused bits: every character
	 * of the alphabet is data, so only the signature stops a changed one. */
}

/* Blanks around a pasted code are ignored; inside, they are not. */
static void
test_blanks(void)
{
	char code[ETICKET_CODE_LEN + 1], pasted[ETICKET_CODE_LEN + 8];
	struct eticket t;

	CU_ASSERT_EQUAL_FATAL(eticket_encode(&sample, sk, code), TK_OK);
	snprintf(pasted, sizeof(pasted), " \t%s\r\n", code);
	CU_ASSERT_EQUAL(decode(pasted, &t), ETICKET_OK);
	snprintf(pasted, sizeof(pasted), "%.76s %s", code, code + 76);
	CU_ASSERT_EQUAL(decode(pasted, &t), ETICKET_BAD_LENGTH);
}

static void
test_encode_refuses(void)
{
	struct eticket t = sample;
	char code[ETICKET_CODE_LEN + 1];

	t.unit = 0;
	CU_ASSERT_EQUAL(eticket_encode(&t, sk, code), TK_EINVAL);
	t.unit = 256;
	CU_ASSERT_EQUAL(eticket_encode(&t, sk, code), TK_EINVAL);
	t = sample;
	t.order_id[0] = 'G';
	CU_ASSERT_EQUAL(eticket_encode(&t, sk, code), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(code, "");
	for (int r = 0; r <= ETICKET__MAX; r++)
		CU_ASSERT_PTR_NOT_NULL(eticket_refusal_text((enum eticket_refusal)r));
}

static const struct cu_test eticket_tests[] = {
    {"round trip and length", test_round_trip},
    {"tampered byte", test_tampered},
    {"wrong key", test_wrong_key},
    {"truncated or too long", test_length},
    {"wrong version, unit 0", test_version},
    {"characters outside the alphabet", test_characters},
    {"blanks of a paste", test_blanks},
    {"encode refuses bad fields", test_encode_refuses},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"eticket", keys_setup, NULL, eticket_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
