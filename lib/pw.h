/*
 * Password hashing: Argon2id through libsodium's crypto_pwhash_str with the
 * interactive limits. At most a configured number of hashes run at once in
 * a process, so memory stays bounded however many requests arrive.
 */
#ifndef TK_PW_H
#define TK_PW_H
#include <sodium.h>

#define PW_HASH_LEN crypto_pwhash_STRBYTES
#define PW_MIN_LEN 12
#define PW_MAX_LEN 128   /* characters (code points) */
#define PW_MAX_BYTES 512 /* bytes: pw_hash refuses longer input */

/* pw_init: allow at most max_concurrent hashes at once (>= 1). Call once
 * before threads start. Returns TK_OK, TK_EINVAL when max_concurrent < 1,
 * or TK_ECRYPTO if sodium_init fails. */
int pw_init(int max_concurrent);

/* pw_in_flight_max: the most hashes and verifications seen running at once
 * since pw_init (or process start). For tests of the concurrency bound. */
int pw_in_flight_max(void);

/* pw_hash: hash password into out. Returns TK_OK, TK_EINVAL when password is
 * NULL or longer than PW_MAX_BYTES bytes (refused before hashing), or
 * TK_ECRYPTO. */
int pw_hash(const char *password, char out[PW_HASH_LEN]);

/* pw_verify: TK_OK when password matches hash, TK_EAUTH otherwise. */
int pw_verify(const char *hash, const char *password);

/*
 * pw_verify_gated: pw_verify with a gate: once the verification slot is
 * taken, and before any hashing, gate(arg) runs (a throttle that counts the
 * attempt); when it returns other than TK_OK, that is returned and nothing
 * is verified. So guesses waiting for a slot cannot pass a limit that the
 * guesses before them reached. The gate runs for every password, also one
 * over PW_MAX_BYTES (then TK_EAUTH follows without hashing). gate may be
 * NULL.
 */
int pw_verify_gated(const char *hash, const char *password, int (*gate)(void *arg), void *arg);

/* pw_dummy_hash: an Argon2id hash of a random password nobody knows, made
 * once per process with the same limits as pw_hash: verifying against it
 * costs what verifying against a stored hash costs (an unknown email at
 * sign-in). NULL if hashing failed. Owned by the module. */
const char *pw_dummy_hash(void);

#endif
