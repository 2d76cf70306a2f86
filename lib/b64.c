/*
 * base64url without padding (b64.h, RFC 4648 section 5). The decoder is
 * strict so that every byte string has exactly one encoding: no padding, no
 * characters of the standard alphabet ('+', '/'), no whitespace, no length
 * that leaves a lone character, and no set bits in the unused low bits of
 * the last character. Signed tokens rely on that: a token that decodes has
 * not been re-spelled.
 */
#include <stddef.h>

#include "b64.h"
#include "err.h"

static const char alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The 6-bit value of base64url character c, or -1 outside the alphabet. */
static int
b64_value(unsigned char c)
{
	int v = -1;

	if (c >= 'A' && c <= 'Z')
		v = c - 'A';
	else if (c >= 'a' && c <= 'z')
		v = c - 'a' + 26;
	else if (c >= '0' && c <= '9')
		v = c - '0' + 52;
	else if (c == '-')
		v = 62;
	else if (c == '_')
		v = 63;
	return v;
}

size_t
b64_encoded_len(size_t n)
{
	static const size_t tail[3] = {0, 2, 3};

	return n / 3 * 4 + tail[n % 3];
}

void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i = 0, o = 0;
	unsigned long w;

	for (; i + 3 <= n; i += 3) {
		w = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[w >> 18 & 63];
		out[o++] = alphabet[w >> 12 & 63];
		out[o++] = alphabet[w >> 6 & 63];
		out[o++] = alphabet[w & 63];
	}
	if (n - i == 1) {
		w = (unsigned long)in[i] << 16;
		out[o++] = alphabet[w >> 18 & 63];
		out[o++] = alphabet[w >> 12 & 63];
	} else if (n - i == 2) {
		w = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		out[o++] = alphabet[w >> 18 & 63];
		out[o++] = alphabet[w >> 12 & 63];
		out[o++] = alphabet[w >> 6 & 63];
	}
	out[o] = '\0';
}

int
b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz, size_t *outlen)
{
	static const size_t tail[4] = {0, 0, 1, 2};
	size_t need, i, o = 0;
	unsigned long w = 0;
	int bits = 0, v, rc = TK_EINVAL;

	if (outlen != NULL)
		*outlen = 0;
	if (len % 4 == 1)
		goto out;
	need = len / 4 * 3 + tail[len % 4];
	if (need > outsz) {
		rc = TK_ETOOBIG;
		goto out;
	}
	for (i = 0; i < len; i++) {
		v = b64_value((unsigned char)s[i]);
		if (v < 0)
			goto out;
		w = (w << 6 | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(w >> bits & 0xff);
		}
	}
	/* The 2 or 4 bits left over after the last whole byte must be zero. */
	if ((w & ((1UL << bits) - 1)) != 0)
		goto out;
	if (outlen != NULL)
		*outlen = o;
	rc = TK_OK;
out:
	return rc;
}
