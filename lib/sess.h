/*
 * Session tokens. The auth service signs them with its Ed25519 secret key;
 * every service verifies them with the public key, without calling auth.
 * The token travels in the session cookie. Format (all ASCII, cookie-safe):
 *
 *   base64url(payload) "." base64url(signature over the payload bytes)
 *
 * payload = "2|" sid "|" user_id "|" role "|" renew_at "|" expires "|" name
 * where sid is 32 lowercase hex characters, user_id a lowercase UUID,
 * role one of "member", "organizer", "admin", renew_at and expires decimal
 * Unix times with renew_at <= expires, and name the member's display name
 * (UTF-8, 1..SESS_NAME_MAX bytes, may hold '|' since it is last). The
 * decoder is strict: anything else is refused. The input is untrusted: see
 * tests/fuzz/fuzz_token.c.
 *
 * A token is short-lived (docs/DECISIONS.md "Fail-closed revocation"):
 * from renew_at on it is stale, and a service other than auth sends a GET
 * to auth to have it renewed; at expires (the idle timeout, or the end of
 * the session if sooner) it is void everywhere.
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
	int64_t renew_at; /* Unix time from which the token is stale */
	int64_t expires;  /* Unix time from which the token is void */
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
 * tampered or expired token (*out is then zeroed). The calling thread
 * remembers the last few tokens whose signature held (with pk), so the
 * same bytes verified again skip the signature check (sess.c).
 */
int sess_verify(const char *token, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], int64_t now,
		struct session *out);

/* sess_stale: 1 when s is due for renewal at time now (renew_at reached),
 * else 0. */
int sess_stale(const struct session *s, int64_t now);

/*
 * sess_set_times: give s, issued at time now for a session that ends at
 * end, its renewal time (now + renew_s) and its expiry (now + idle_s, the
 * idle timeout), neither later than end. renew_s and idle_s must be >= 0.
 */
void sess_set_times(struct session *s, int64_t now, int64_t end, int64_t renew_s, int64_t idle_s);

#endif
