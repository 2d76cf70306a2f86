/*
 * base64url without padding (RFC 4648 section 5), for tokens and cookies:
 * libsodium's constant-time codec with a strict decoder (b64.c).
 */
#ifndef TK_B64_H
#define TK_B64_H
#include <stddef.h>

/* b64_encoded_len: characters b64_encode writes for n bytes (without NUL). */
size_t b64_encoded_len(size_t n);
/* b64_encode: encode in[0..n) into out, NUL-terminated; out must hold
 * b64_encoded_len(n) + 1 bytes. */
void b64_encode(const unsigned char *in, size_t n, char *out);
/* b64_decode: decode s[0..len) into out (room for outsz bytes); *outlen gets
 * the byte count. Returns TK_OK, or TK_EINVAL on a character outside the
 * alphabet, padding, an impossible length, non-zero trailing bits, or
 * TK_ETOOBIG when out is too small. */
int b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz, size_t *outlen);

#endif
