/*
 * Fuzz target for webhook signatures (lib/paysig.c). The input is the
 * header, a newline, and the body; the key is fixed (bytes 0..31) and the
 * clock stands at 1700000000. paysig_verify must answer TK_OK, TK_EINVAL
 * or TK_EAUTH; when it accepts, the header must hold the MAC paysig_sign
 * makes for that body at its time. Whatever the input, the body signed at
 * the clock's time must verify, and the same header must fail for the
 * body with its first byte changed. Accepting means paysig_verify
 * answered TK_OK.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fuzz.h"
#include "paysig.h"

#define NOW 1700000000

int
fuzz_accepts(const uint8_t *data, size_t size)
{
	unsigned char key[PAYSIG_KEY_LEN];
	char signed_header[PAYSIG_HEADER_LEN + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl != NULL ? (size_t)(nl - data) : size, blen;
	char *header = malloc(hlen + 1), *body;
	int64_t t = -1;
	int rc;

	if (header == NULL)
		abort();
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	memcpy(header, data, hlen);
	header[hlen] = '\0';
	blen = nl != NULL ? size - hlen - 1 : 0;
	body = malloc(blen + 1);
	if (body == NULL)
		abort();
	if (blen > 0)
		memcpy(body, nl + 1, blen);
	body[blen] = '\0';

	rc = paysig_verify(key, header, body, blen, NOW, PAYSIG_TOLERANCE, &t);
	if (rc != TK_OK && rc != TK_EINVAL && rc != TK_EAUTH)
		abort();
	if (rc == TK_OK) {
		paysig_sign(key, t, body, blen, signed_header);
		/* "t=<t>,v1=" is followed by the MAC: it must be in header. */
		if (strstr(header, strstr(signed_header, "v1=")) == NULL)
			abort();
		if (blen > 0) {
			body[0] ^= 0x20;
			if (paysig_verify(key, header, body, blen, NOW, PAYSIG_TOLERANCE, NULL) ==
			    TK_OK)
				abort();
			body[0] ^= 0x20;
		}
	}
	paysig_sign(key, NOW, body, blen, signed_header);
	if (paysig_verify(key, signed_header, body, blen, NOW, PAYSIG_TOLERANCE, NULL) != TK_OK)
		abort();
	free(header);
	free(body);
	return rc == TK_OK;
}
