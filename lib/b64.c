/*
 * base64url without padding (b64.h, RFC 4648 section 5), on libsodium's
 * codec (sodium_bin2base64, sodium_base642bin), which maps characters
 * without table lookups, so the time it takes does not depend on secret
 * bytes (session tokens, CSRF MACs). The decoding is strict so that every
 * byte string has exactly one encoding: no padding, no characters of the
 * standard alphabet ('+', '/'), no whitespace, no length that leaves a lone
 * character, and no set bits in the unused low bits of the last character.
 * Signed tokens rely on that: a token that decodes has not been re-spelled.
 * libsodium rejects nearly all of that itself as long as no character is
 * ignored and nothing is left after the last one it decoded (b64_end NULL).
 * Two checks stay here: libsodium 1.0.18 decodes every byte from 0x80 up as
 * '_' (docs/PITFALLS.md), so bytes outside ASCII are refused first, without
 * a branch per byte; and the output size is checked before decoding, since
 * the library reports a short output and a bad character alike. None of this
 * needs sodium_init.
 */
#include <stddef.h>

#include <sodium.h>

#include "b64.h"
#include "err.h"

#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

size_t
b64_encoded_len(size_t n)
{
	/* The library's length counts the terminating NUL. */
	return sodium_base64_encoded_len(n, B64_VARIANT) - 1;
}

void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2base64(out, b64_encoded_len(n) + 1, in, n, B64_VARIANT);
}

int
b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz, size_t *outlen)
{
	/* Bytes decoded from the 0 to 3 characters after the last group of 4. */
	static const size_t tail[4] = {0, 0, 1, 2};
	unsigned char high = 0;
	size_t i, n = 0;
	int rc = TK_EINVAL;

	if (len % 4 == 1)
		goto out;
	for (i = 0; i < len; i++)
		high |= (unsigned char)s[i];
	if (high & 0x80)
		goto out;
	if (len / 4 * 3 + tail[len % 4] > outsz) {
		rc = TK_ETOOBIG;
		goto out;
	}
	if (sodium_base642bin(out, outsz, s, len, NULL, &n, NULL, B64_VARIANT) != 0)
		goto out;
	rc = TK_OK;
out:
	if (outlen != NULL)
		*outlen = rc == TK_OK ? n : 0;
	return rc;
}
