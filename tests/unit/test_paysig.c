/*
 * Unit tests for lib/paysig.c: the webhook signature header against a
 * vector computed with openssl (`printf '1700000000.{"id":"evt_1"}' |
 * openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f`), the strict
 * parse, several v1 entries, the tolerance window both ways, and every
 * alteration of body, time or MAC refused.
 */
#include <string.h>

#include "cu.h"

#include "err.h"
#include "paysig.h"

#define BODY "{\"id\":\"evt_1\"}"
#define T 1700000000
#define MAC "bff28c5e551bb3c9a6cac4401c536705cef0aaf74d88d0fb8c0414f281d08eb6"
#define OTHER "0000000000000000000000000000000000000000000000000000000000000000"

static unsigned char key[PAYSIG_KEY_LEN];

static int
key_setup(void)
{
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	return 0;
}

/* verify: paysig_verify of header over BODY at now, default window. */
static int
verify(const char *header, int64_t now)
{
	return paysig_verify(key, header, BODY, strlen(BODY), now, PAYSIG_TOLERANCE, NULL);
}

static void
test_sign_vector(void)
{
	char h[PAYSIG_HEADER_LEN + 1];

	paysig_sign(key, T, BODY, strlen(BODY), h);
	CU_ASSERT_STRING_EQUAL(h, "t=1700000000,v1=" MAC);
	CU_ASSERT_EQUAL(verify(h, T), TK_OK);
}

static void
test_window(void)
{
	int64_t t = 0;

	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC, T + 300), TK_OK);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC, T - 300), TK_OK);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC, T + 301), TK_EAUTH);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC, T - 301), TK_EAUTH);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC, -1), TK_EAUTH);
	CU_ASSERT_EQUAL(
	    paysig_verify(key, "t=1700000000,v1=" MAC, BODY, strlen(BODY), T + 10, 5, &t),
	    TK_EAUTH);
	CU_ASSERT_EQUAL(t, T);
}

static void
test_altered(void)
{
	const char *body = "{\"id\":\"evt_2\"}";

	CU_ASSERT_EQUAL(paysig_verify(key, "t=1700000000,v1=" MAC, body, strlen(body), T,
				      PAYSIG_TOLERANCE, NULL),
			TK_EAUTH);
	/* The time is under the MAC: moving it breaks the signature. */
	CU_ASSERT_EQUAL(verify("t=1700000001,v1=" MAC, T), TK_EAUTH);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" OTHER, T), TK_EAUTH);
	key[0] ^= 1;
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" MAC, T), TK_EAUTH);
	key[0] ^= 1;
}

static void
test_several(void)
{
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" OTHER ",v1=" MAC, T), TK_OK);
	CU_ASSERT_EQUAL(verify("v1=" MAC ",t=1700000000", T), TK_OK);
	CU_ASSERT_EQUAL(verify("t=1700000000,v0=abc,v1=" MAC, T), TK_OK);
	CU_ASSERT_EQUAL(verify("t=1700000000,v0=" MAC, T), TK_EINVAL);
	CU_ASSERT_EQUAL(verify("t=1700000000,v1=" OTHER ",v1=" OTHER, T), TK_EAUTH);
}

static void
test_malformed(void)
{
	static const char *const bad[] = {
	    "",
	    "t=1700000000",
	    "v1=" MAC,
	    "t=1700000000,v1=" MAC ",",
	    ",t=1700000000,v1=" MAC,
	    "t=1700000000,,v1=" MAC,
	    "t=1700000000, v1=" MAC,
	    "t =1700000000,v1=" MAC,
	    "t=+1700000000,v1=" MAC,
	    "t=-1,v1=" MAC,
	    "t=1700000000,t=1700000000,v1=" MAC,
	    "t=99999999999999999999,v1=" MAC,
	    "t=9999999999999999999,v1=" MAC,
	    "t=1700000000,v1=" MAC "0",
	    "t=1700000000,v1=BFF28C5E551BB3C9A6CAC4401C536705CEF0AAF74D88D0FB8C0414F281D08EB6",
	    "t=1700000000,v1=",
	    "t=1700000000,v1",
	    "t=1700000000,V1=" MAC,
	    "t=1700000000,v1=" MAC ",a=1,b=2,c=3,d=4,e=5,f=6,g=7",
	    "t=1700000000;v1=" MAC,
	    NULL,
	};
	size_t i;

	CU_ASSERT_EQUAL(verify(NULL, T), TK_EINVAL);
	for (i = 0; bad[i] != NULL; i++)
		CU_ASSERT_EQUAL(verify(bad[i], T), TK_EINVAL);
}

static const struct cu_test paysig_tests[] = {
    {"sign matches openssl's HMAC", test_sign_vector},
    {"five minutes either way", test_window},
    {"altered body, time, MAC or key", test_altered},
    {"several v1, other schemes skipped", test_several},
    {"malformed headers", test_malformed},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"paysig", key_setup, NULL, paysig_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
