/*
 * Webhook signatures of payment providers, in the form the big processors
 * use: a header "t=<unix time>,v1=<hex HMAC-SHA256>" whose MAC covers the
 * string "<t>.<raw body>" under a secret the provider and the payments
 * service share. The sender signs with paysig_sign; the receiver checks
 * the raw body it read against the header with paysig_verify before it
 * parses a byte of the body. Several v1 entries may stand in one header
 * (a provider rolling its secret signs with the old and the new one); one
 * match is enough. The timestamp bounds replays to the tolerance window;
 * a replay inside the window is the receiver's to refuse by event id.
 * docs/PAYMENTS.md, "Webhooks", has the format and its reasons.
 */
#ifndef TK_PAYSIG_H
#define TK_PAYSIG_H
#include <stddef.h>
#include <stdint.h>

/* The shared secret: 32 random bytes (a hex key file, like csrf_key_file). */
#define PAYSIG_KEY_LEN 32
/* How far a signature's time may lie from the receiver's clock, in
 * seconds, either way: five minutes, as the processors do. */
#define PAYSIG_TOLERANCE 300
/* The longest header paysig_sign writes: "t=" 19 digits ",v1=" 64 hex. */
#define PAYSIG_HEADER_LEN (2 + 19 + 4 + 64)
/* The longest header paysig_verify reads, and the most entries in it. */
#define PAYSIG_HEADER_MAX 1024
#define PAYSIG_MAX_ENTRIES 8

/*
 * paysig_sign: the signature header of body[0..len) at time t (Unix
 * seconds, t >= 0) under key, into out (NUL-terminated). Never fails.
 */
void paysig_sign(const unsigned char key[PAYSIG_KEY_LEN], int64_t t, const char *body, size_t len,
		 char out[PAYSIG_HEADER_LEN + 1]);

/*
 * paysig_verify: check header against body[0..len) at time now with a
 * window of tolerance seconds (PAYSIG_TOLERANCE unless a test says else).
 * The header is parsed strictly: at most PAYSIG_HEADER_MAX bytes and
 * PAYSIG_MAX_ENTRIES entries "key=value" separated by single commas, no
 * spaces, keys [a-z0-9]{1,8}, exactly one t (1 to 19 digits, no sign), at
 * least one v1 (exactly 64 lower-case hex digits each); entries of other
 * schemes (v0) are skipped, as the processors do. Each v1 is compared with
 * the expected MAC in constant time (sodium_memcmp).
 * Returns TK_OK when a v1 matches and |now - t| <= tolerance; TK_EINVAL
 * when header is NULL or malformed; TK_EAUTH when no v1 matches or the
 * time lies outside the window. *t_out (OUT, may be NULL) gets t whenever
 * the header parsed.
 */
int paysig_verify(const unsigned char key[PAYSIG_KEY_LEN], const char *header, const char *body,
		  size_t len, int64_t now, long tolerance, int64_t *t_out /* OUT */);

#endif
