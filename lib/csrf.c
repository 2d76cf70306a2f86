/*
 * CSRF tokens (csrf.h): HMAC-SHA256 of the binding string (session id or
 * anonymous visitor id) under the shared key, written as 43 characters of
 * base64url. Nothing is stored server-side; a check recomputes the token and
 * compares in constant time.
 */
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "csrf.h"
#include "err.h"

void
csrf_token(const unsigned char key[CSRF_KEY_LEN], const char *binding, char out[CSRF_TOKEN_LEN + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	if (binding == NULL)
		binding = "";
	crypto_auth_hmacsha256(mac, (const unsigned char *)binding, strlen(binding), key);
	b64_encode(mac, sizeof(mac), out);
	sodium_memzero(mac, sizeof(mac));
}

int
csrf_check(const unsigned char key[CSRF_KEY_LEN], const char *binding, const char *token)
{
	char want[CSRF_TOKEN_LEN + 1];
	int rc = TK_EAUTH;

	if (binding == NULL || binding[0] == '\0' || token == NULL)
		goto out;
	if (strnlen(token, CSRF_TOKEN_LEN + 1) != CSRF_TOKEN_LEN)
		goto out;
	csrf_token(key, binding, want);
	if (sodium_memcmp(want, token, CSRF_TOKEN_LEN) == 0)
		rc = TK_OK;
	sodium_memzero(want, sizeof(want));
out:
	return rc;
}
