/*
 * Session tokens. The auth service signs them with its Ed25519 secret key;
 * every service verifies them with the public key, without calling auth.
 * The token travels in the session cookie. Format (all ASCII, cookie-safe):
 *
 *   base64url(payload) "." base64url(signature over the payload bytes)
 *
 * payload = "1|" sid "|" user_id "|" role "|" expires "|" name
 * where sid is 32 lowercase hex characters, user_id a lowercase UUID,
 * role one of "member", "organizer", "admin", expires a decimal Unix time
 * and name the member's display name (UTF-8, 1..SESS_NAME_MAX bytes, may hold '|'
 * since it is last). The decoder is strict: anything else is refused. The
 * input is untrusted: see tests/fuzz/fuzz_token.c.
 */
#ifndef TK_SESS_H
#define TK_SESS_H
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define SESS_SID_LEN 32
#define SESS_UUID_LEN 36
#define SESS_NAME_MAX 400 /* bytes: 100 characters of up to 4 bytes */
#define SESS_TOKEN_MAX 1024

enum role { ROLE_MEMBER, ROLE_ORGANIZER, ROLE_ADMIN, ROLE__MAX };

struct session {
	char sid[SESS_SID_LEN + 1];
	char user_id[SESS_UUID_LEN + 1];
	enum role role;
	int64_t expires; /* Unix time */
	char name[SESS_NAME_MAX + 1];
};

/* role_name / role_parse: "member", "organizer", "admin". role_name returns
 * NULL for a value outside the enum. role_parse returns TK_OK and sets *out,
 * or TK_EINVAL. */
const char *role_name(enum role r);
int role_parse(const char *s, enum role *out);

/* sess_new_sid: 32 random lowercase hex characters and a NUL. */
void sess_new_sid(char out[SESS_SID_LEN + 1]);

/*
 * sess_sign: the token for s into out (NUL-terminated). Returns TK_OK, or
 * TK_EINVAL when a field of s is out of its format, TK_ETOOBIG when out is
 * too small (SESS_TOKEN_MAX is always enough).
 */
int sess_sign(const struct session *s, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
	      char *out, size_t outsz);

/*
 * sess_verify: decode token, check the signature with pk and that it has not
 * expired at time now. Returns TK_OK and fills *out, or TK_EAUTH for any bad,
 * tampered or expired token (*out is then zeroed).
 */
int sess_verify(const char *token, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], int64_t now,
		struct session *out);

#endif
