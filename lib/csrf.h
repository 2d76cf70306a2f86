/*
 * CSRF tokens bound to the session. A form carries
 *   csrf_token = base64url(HMAC-SHA256(key, binding))
 * where binding is the session id when signed in, else the value of the
 * anonymous visitor cookie (so sign-in and sign-up forms are protected too).
 * The key is shared by every service (a secret file, never in the repo).
 */
#ifndef TK_CSRF_H
#define TK_CSRF_H
#include <stddef.h>

#include <sodium.h>

#define CSRF_KEY_LEN crypto_auth_hmacsha256_KEYBYTES
#define CSRF_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */

/* csrf_token: the token for binding into out (NUL-terminated). */
void csrf_token(const unsigned char key[CSRF_KEY_LEN], const char *binding,
		char out[CSRF_TOKEN_LEN + 1]);

/* csrf_check: TK_OK when token is the token for binding (constant-time
 * compare), else TK_EAUTH. NULL or empty token or binding: TK_EAUTH. */
int csrf_check(const unsigned char key[CSRF_KEY_LEN], const char *binding, const char *token);

#endif
