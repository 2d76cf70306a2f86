/*
 * Session tokens (sess.h): a "|"-separated payload and its Ed25519
 * signature, each in base64url, joined by ".". Signing checks every field
 * against the format so that only tokens the verifier accepts are issued.
 * Verification trusts nothing before the signature holds, and then parses
 * the payload strictly: exactly one spelling of each field is accepted, so a
 * payload that verifies re-encodes to the same bytes. The input is untrusted
 * (tests/fuzz/fuzz_token.c).
 *
 * Checking the signature is most of a signed-in request's CPU in a
 * service, and a browser sends the same token on every request: each
 * thread keeps the last VERIFIED_SLOTS tokens whose signature held, byte
 * for byte with the key that verified them, and the session each carries.
 * A token equal in every byte to one of them, with the same key, holds
 * the same signature and payload, so only the times are checked again.
 * The remembered tokens are other members' secrets: a token is compared
 * with them in constant time (sodium_memcmp), so how long a refusal takes
 * says nothing about how many of its first bytes match one of them.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "err.h"
#include "sess.h"
#include "uuid.h"

#define SESS_VERSION "2"
#define SESS_ROLE_MAX 9            /* "organizer" */
#define SESS_EXPIRES_DIGITS_MAX 19 /* INT64_MAX has 19 digits */
/* The longest payload, "2|" sid "|" uuid "|" role "|" renew_at "|" expires
 * "|" name, and a NUL. */
#define SESS_PAYLOAD_MAX                                                                           \
	(sizeof(SESS_VERSION "|") - 1 + SESS_SID_LEN + 1 + SESS_UUID_LEN + 1 + SESS_ROLE_MAX + 1 + \
	 2 * (SESS_EXPIRES_DIGITS_MAX + 1) + SESS_NAME_MAX + 1)
/* An upper bound on the base64url length of n bytes. */
#define SESS_B64_LEN(n) (((n) + 2) / 3 * 4)
_Static_assert(SESS_B64_LEN(SESS_PAYLOAD_MAX - 1) + 1 + SESS_B64_LEN(crypto_sign_BYTES) <
		   SESS_TOKEN_MAX,
	       "the longest session token and its NUL must fit in SESS_TOKEN_MAX");

static const char *const role_names[ROLE__MAX] = {
    [ROLE_MEMBER] = "member",
    [ROLE_ORGANIZER] = "organizer",
    [ROLE_ADMIN] = "admin",
};

static const char hex[16] = "0123456789abcdef";

/* The role named by s[0..n), into *out. TK_OK or TK_EINVAL. */
static int
role_parse_n(const char *s, size_t n, enum role *out)
{
	int r, rc = TK_EINVAL;

	for (r = 0; r < ROLE__MAX; r++) {
		if (strlen(role_names[r]) == n && memcmp(role_names[r], s, n) == 0) {
			*out = (enum role)r;
			rc = TK_OK;
			break;
		}
	}
	return rc;
}

/* 1 when s[0..n) is a session id: exactly SESS_SID_LEN lowercase hex. */
static int
sid_valid(const char *s, size_t n)
{
	size_t i;
	int ok = 0;

	if (n != SESS_SID_LEN)
		goto out;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			goto out;
	ok = 1;
out:
	return ok;
}

/*
 * 1 when s[0..n) is a display name: 1..SESS_NAME_MAX bytes of well-formed
 * UTF-8 (shortest form, no surrogates, nothing above U+10FFFF) holding no
 * control character (C0, DEL or C1; NUL included).
 */
static int
name_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, extra;
	uint32_t cp, min;
	int ok = 0;

	if (n < 1 || n > SESS_NAME_MAX)
		goto out;
	while (i < n) {
		if (u[i] < 0x80) {
			cp = u[i];
			extra = 0;
			min = 0;
		} else if ((u[i] & 0xe0) == 0xc0) {
			cp = u[i] & 0x1f;
			extra = 1;
			min = 0x80;
		} else if ((u[i] & 0xf0) == 0xe0) {
			cp = u[i] & 0x0f;
			extra = 2;
			min = 0x800;
		} else if ((u[i] & 0xf8) == 0xf0) {
			cp = u[i] & 0x07;
			extra = 3;
			min = 0x10000;
		} else {
			goto out;
		}
		if (extra > n - i - 1)
			goto out;
		for (k = 1; k <= extra; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				goto out;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto out;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			goto out;
		i += extra + 1;
	}
	ok = 1;
out:
	return ok;
}

/* s[0..n) as a time (renew_at, expires): decimal digits, no sign, no leading zero
 * (except "0" itself), within int64. TK_OK or TK_EINVAL. */
static int
time_parse(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;
	int d, rc = TK_EINVAL;

	if (n < 1 || n > SESS_EXPIRES_DIGITS_MAX || (s[0] == '0' && n > 1))
		goto out;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto out;
		d = s[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			goto out;
		v = v * 10 + d;
	}
	*out = v;
	rc = TK_OK;
out:
	return rc;
}

/* The next "|"-terminated field at *p (before end) into f[0..*flen);
 * advances *p past the "|". Returns 0 when no "|" is left. */
static int
next_field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char *bar = memchr(*p, '|', (size_t)(end - *p));
	int found = 0;

	if (bar != NULL) {
		*f = *p;
		*flen = (size_t)(bar - *p);
		*p = bar + 1;
		found = 1;
	}
	return found;
}

/* Parse a payload whose signature already holds into *s. TK_OK or
 * TK_EAUTH. */
static int
payload_parse(const char *payload, size_t len, struct session *s)
{
	const char *p = payload, *end = payload + len, *f;
	size_t n;
	int rc = TK_EAUTH;

	if (!next_field(&p, end, &f, &n) || n != strlen(SESS_VERSION) ||
	    memcmp(f, SESS_VERSION, n) != 0)
		goto out;
	if (!next_field(&p, end, &f, &n) || !sid_valid(f, n))
		goto out;
	memcpy(s->sid, f, n);
	s->sid[n] = '\0';
	if (!next_field(&p, end, &f, &n) || n != SESS_UUID_LEN)
		goto out;
	memcpy(s->user_id, f, n);
	s->user_id[n] = '\0';
	if (!uuid_valid(s->user_id))
		goto out;
	if (!next_field(&p, end, &f, &n) || role_parse_n(f, n, &s->role) != TK_OK)
		goto out;
	if (!next_field(&p, end, &f, &n) || time_parse(f, n, &s->renew_at) != TK_OK)
		goto out;
	if (!next_field(&p, end, &f, &n) || time_parse(f, n, &s->expires) != TK_OK ||
	    s->renew_at > s->expires)
		goto out;
	/* The name is the rest and may itself hold "|". */
	n = (size_t)(end - p);
	if (!name_valid(p, n))
		goto out;
	memcpy(s->name, p, n);
	s->name[n] = '\0';
	rc = TK_OK;
out:
	return rc;
}

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : NULL;
}

int
role_parse(const char *s, enum role *out)
{
	int rc = TK_EINVAL;

	if (s != NULL)
		rc = role_parse_n(s, strlen(s), out);
	return rc;
}

void
sess_new_sid(char out[SESS_SID_LEN + 1])
{
	unsigned char b[SESS_SID_LEN / 2];
	size_t i;

	if (sodium_init() < 0) {
		fprintf(stderr, "fatal: sodium_init failed\n");
		abort();
	}
	randombytes_buf(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0x0f];
	}
	out[SESS_SID_LEN] = '\0';
	sodium_memzero(b, sizeof(b));
}

int
sess_sign(const struct session *s, const unsigned char sk[crypto_sign_SECRETKEYBYTES], char *out,
	  size_t outsz)
{
	char payload[SESS_PAYLOAD_MAX];
	unsigned char sig[crypto_sign_BYTES];
	const char *role;
	size_t plen, off;
	int n, rc = TK_EINVAL;

	if (s == NULL || sk == NULL || out == NULL)
		goto out;
	role = role_name(s->role);
	if (!sid_valid(s->sid, strnlen(s->sid, SESS_SID_LEN + 1)) || !uuid_valid(s->user_id) ||
	    role == NULL || s->renew_at < 0 || s->renew_at > s->expires ||
	    !name_valid(s->name, strnlen(s->name, SESS_NAME_MAX + 1)))
		goto out;
	n = snprintf(payload, sizeof(payload), SESS_VERSION "|%s|%s|%s|%" PRId64 "|%" PRId64 "|%s",
		     s->sid, s->user_id, role, s->renew_at, s->expires, s->name);
	if (n < 0 || (size_t)n >= sizeof(payload)) {
		rc = TK_EINTERNAL;
		goto out;
	}
	plen = (size_t)n;
	if (b64_encoded_len(plen) + 1 + b64_encoded_len(sizeof(sig)) + 1 > outsz) {
		rc = TK_ETOOBIG;
		goto out;
	}
	if (crypto_sign_detached(sig, NULL, (const unsigned char *)payload, plen, sk) != 0) {
		rc = TK_ECRYPTO;
		goto out;
	}
	b64_encode((const unsigned char *)payload, plen, out);
	off = b64_encoded_len(plen);
	out[off++] = '.';
	b64_encode(sig, sizeof(sig), out + off);
	rc = TK_OK;
out:
	return rc;
}

#define VERIFIED_SLOTS 4

/* A token whose signature held, and what it carries. */
struct verified {
	int valid;
	unsigned long used; /* the thread's count of lookups at the last hit */
	size_t len;
	char token[SESS_TOKEN_MAX + 1];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	struct session s;
};

static __thread struct verified verified[VERIFIED_SLOTS];
static __thread unsigned long lookups;

/* verified_find: the slot of token (len bytes) verified with pk, or NULL. */
static struct verified *
verified_find(const char *token, size_t len, const unsigned char *pk)
{
	size_t i;

	lookups++;
	for (i = 0; i < VERIFIED_SLOTS; i++)
		if (verified[i].valid && verified[i].len == len &&
		    sodium_memcmp(verified[i].token, token, len) == 0 &&
		    memcmp(verified[i].pk, pk, crypto_sign_PUBLICKEYBYTES) == 0) {
			verified[i].used = lookups;
			return &verified[i];
		}
	return NULL;
}

/* verified_keep: remember token (len bytes) verified with pk carrying s,
 * in place of the least recently used slot. */
static void
verified_keep(const char *token, size_t len, const unsigned char *pk, const struct session *s)
{
	struct verified *v = &verified[0];
	size_t i;

	for (i = 1; i < VERIFIED_SLOTS; i++)
		if (verified[i].used < v->used)
			v = &verified[i];
	memcpy(v->token, token, len);
	v->len = len;
	memcpy(v->pk, pk, crypto_sign_PUBLICKEYBYTES);
	v->s = *s;
	v->used = lookups;
	v->valid = 1;
}

int
sess_verify(const char *token, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], int64_t now,
	    struct session *out)
{
	unsigned char payload[SESS_TOKEN_MAX];
	unsigned char sig[crypto_sign_BYTES];
	struct verified *seen;
	struct session s;
	const char *dot;
	size_t len, plen, siglen;
	int rc = TK_EAUTH;

	memset(&s, 0, sizeof(s));
	if (token == NULL || pk == NULL)
		goto out;
	len = strnlen(token, SESS_TOKEN_MAX + 1);
	if (len > SESS_TOKEN_MAX)
		goto out;
	seen = verified_find(token, len, pk);
	if (seen != NULL) {
		s = seen->s;
		goto times;
	}
	dot = memchr(token, '.', len);
	if (dot == NULL)
		goto out;
	if (b64_decode(token, (size_t)(dot - token), payload, sizeof(payload), &plen) != TK_OK)
		goto out;
	if (b64_decode(dot + 1, len - (size_t)(dot + 1 - token), sig, sizeof(sig), &siglen) !=
		TK_OK ||
	    siglen != sizeof(sig))
		goto out;
	if (crypto_sign_verify_detached(sig, payload, plen, pk) != 0)
		goto out;
	if (payload_parse((const char *)payload, plen, &s) != TK_OK)
		goto out;
	verified_keep(token, len, pk, &s);
times:
	if (s.expires <= now)
		goto out;
	rc = TK_OK;
out:
	if (out != NULL) {
		if (rc == TK_OK)
			*out = s;
		else
			memset(out, 0, sizeof(*out));
	}
	return rc;
}

int
sess_stale(const struct session *s, int64_t now)
{
	return s->renew_at <= now;
}

void
sess_set_times(struct session *s, int64_t now, int64_t end, int64_t renew_s, int64_t idle_s)
{
	s->renew_at = now + renew_s < end ? now + renew_s : end;
	s->expires = now + idle_s < end ? now + idle_s : end;
	if (s->renew_at > s->expires)
		s->renew_at = s->expires;
}
