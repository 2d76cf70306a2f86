/*
 * Unit tests for the cryptographic pieces of lib/: base64url (b64.c),
 * session tokens (sess.c), CSRF tokens (csrf.c), password hashing (pw.c)
 * and UUIDs (uuid.c). The password tests run real Argon2id hashes with the
 * interactive limits, so they take a second or two.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cu.h"
#include <sodium.h>

#include "b64.h"
#include "csrf.h"
#include "err.h"
#include "pw.h"
#include "sess.h"
#include "uuid.h"
#include "xalloc.h"

#define FUTURE ((int64_t)4102444800) /* 2100-01-01 */
#define RENEW ((int64_t)4102444000)  /* FUTURE - 800 s */
#define NOW ((int64_t)1700000000)
#define SID "0123456789abcdef0123456789abcdef"
#define USER "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

static unsigned char test_pk[crypto_sign_PUBLICKEYBYTES];
static unsigned char test_sk[crypto_sign_SECRETKEYBYTES];

static int
suite_init(void)
{
	int rc = -1;

	if (sodium_init() < 0)
		goto out;
	crypto_sign_keypair(test_pk, test_sk);
	rc = 0;
out:
	return rc;
}

static void
session_fill(struct session *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->sid, SID, sizeof(SID));
	memcpy(s->user_id, USER, sizeof(USER));
	s->role = ROLE_ORGANIZER;
	s->renew_at = RENEW;
	s->expires = FUTURE;
	snprintf(s->name, sizeof(s->name), "%s", name);
}

/* A token over an arbitrary payload, signed with the test key: lets the
 * tests reach the payload parser with a valid signature. */
static void
sign_raw(const char *payload, size_t plen, char *out)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t off;

	crypto_sign_detached(sig, NULL, (const unsigned char *)payload, plen, test_sk);
	b64_encode((const unsigned char *)payload, plen, out);
	off = strlen(out);
	out[off++] = '.';
	b64_encode(sig, sizeof(sig), out + off);
}

static int
session_is_zero(const struct session *s)
{
	static const struct session zero;

	return memcmp(s, &zero, sizeof(zero)) == 0;
}

/* sess_verify of a signed payload at time now; TK_EINTERNAL when a refusal
 * left *out dirty. */
static int
verify_raw_at(const char *payload, int64_t now)
{
	char tok[4096];
	struct session s;
	int rc;

	sign_raw(payload, strlen(payload), tok);
	rc = sess_verify(tok, test_pk, now, &s);
	if (rc != TK_OK && !session_is_zero(&s))
		rc = TK_EINTERNAL;
	return rc;
}

static int
verify_raw(const char *payload)
{
	return verify_raw_at(payload, NOW);
}

/* ---- b64 ---- */

static void
test_b64_vectors(void)
{
	static const struct {
		const char *in;
		const char *out;
	} v[] = {
	    {"", ""},
	    {"f", "Zg"},
	    {"fo", "Zm8"},
	    {"foo", "Zm9v"},
	    {"foob", "Zm9vYg"},
	    {"fooba", "Zm9vYmE"},
	    {"foobar", "Zm9vYmFy"},
	    {"\xfb\xff\xbf", "-_-_"},
	};
	char enc[32];
	unsigned char dec[32];
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b64_encode((const unsigned char *)v[i].in, strlen(v[i].in), enc);
		CU_ASSERT_STRING_EQUAL(enc, v[i].out);
		CU_ASSERT_EQUAL(b64_encoded_len(strlen(v[i].in)), strlen(v[i].out));
		CU_ASSERT_EQUAL(b64_decode(v[i].out, strlen(v[i].out), dec, sizeof(dec), &n),
				TK_OK);
		CU_ASSERT_EQUAL(n, strlen(v[i].in));
		CU_ASSERT(memcmp(dec, v[i].in, n) == 0);
	}
}

static void
test_b64_round_trip(void)
{
	unsigned char in[70], dec[70];
	char enc[100];
	size_t n, len, got;

	for (n = 0; n <= 70; n++) {
		randombytes_buf(in, sizeof(in));
		b64_encode(in, n, enc);
		len = strlen(enc);
		CU_ASSERT_EQUAL(len, b64_encoded_len(n));
		CU_ASSERT_EQUAL(len % 4 == 1, 0);
		CU_ASSERT_PTR_NULL(strpbrk(enc, "=+/"));
		got = 9999;
		CU_ASSERT_EQUAL(b64_decode(enc, len, dec, n, &got), TK_OK);
		CU_ASSERT_EQUAL(got, n);
		CU_ASSERT(memcmp(in, dec, n) == 0);
		if (n > 0)
			CU_ASSERT_EQUAL(b64_decode(enc, len, dec, n - 1, &got), TK_ETOOBIG);
	}
}

static void
test_b64_reject(void)
{
	static const char *bad[] = {
	    "Zg==",  /* padding */
	    "Zg=",   /* padding */
	    "Zm8=",  /* padding */
	    "ab+c",  /* standard alphabet */
	    "ab/c",  /* standard alphabet */
	    "Z",     /* len % 4 == 1 */
	    "A",     /* len % 4 == 1, even with zero bits */
	    "Zm9vY", /* len % 4 == 1 */
	    "Zm9vA", /* len % 4 == 1, even with zero bits */
	    "Zh",    /* trailing bits 0001 */
	    "Zm9",   /* trailing bits 01 */
	    "Zm9vYh",
	    "Zm 9",
	    "Zm9\n",
	    "Zm.v",
	    /* A valid prefix followed by characters that are not decoded. */
	    "QQ A",
	    "Zm8 ",
	    "Zm9vYg..",
	    "Zm9vYmE=",
	};
	unsigned char out[16];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(b64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n),
				TK_EINVAL);
	/* A NUL inside the given length is outside the alphabet too. */
	CU_ASSERT_EQUAL(b64_decode("Zm\0v", 4, out, sizeof(out), &n), TK_EINVAL);
	/* Every one of the 256 byte values: exactly the 64 of the alphabet pass. */
	{
		char s[4] = "AAAA";
		int c, ok = 0;

		for (c = 0; c < 256; c++) {
			s[3] = (char)c;
			if (b64_decode(s, 4, out, sizeof(out), &n) == TK_OK)
				ok++;
		}
		CU_ASSERT_EQUAL(ok, 64);
	}
}

/* ---- sessions ---- */

static void
test_role_names(void)
{
	enum role r, got;

	for (r = 0; r < ROLE__MAX; r++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(role_name(r));
		CU_ASSERT_EQUAL(role_parse(role_name(r), &got), TK_OK);
		CU_ASSERT_EQUAL(got, r);
	}
	CU_ASSERT_STRING_EQUAL(role_name(ROLE_MEMBER), "member");
	CU_ASSERT_STRING_EQUAL(role_name(ROLE_ORGANIZER), "organizer");
	CU_ASSERT_STRING_EQUAL(role_name(ROLE_ADMIN), "admin");
	CU_ASSERT_PTR_NULL(role_name(ROLE__MAX));
	CU_ASSERT_EQUAL(role_parse("Admin", &got), TK_EINVAL);
	CU_ASSERT_EQUAL(role_parse("admin ", &got), TK_EINVAL);
	CU_ASSERT_EQUAL(role_parse("", &got), TK_EINVAL);
	CU_ASSERT_EQUAL(role_parse(NULL, &got), TK_EINVAL);
}

static void
test_sess_new_sid(void)
{
	char a[SESS_SID_LEN + 1], b[SESS_SID_LEN + 1];

	sess_new_sid(a);
	sess_new_sid(b);
	CU_ASSERT_EQUAL(strlen(a), SESS_SID_LEN);
	CU_ASSERT_EQUAL(strspn(a, "0123456789abcdef"), SESS_SID_LEN);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

static void
test_sess_round_trip(void)
{
	struct session s, got;
	char tok[SESS_TOKEN_MAX];
	enum role r;

	for (r = 0; r < ROLE__MAX; r++) {
		session_fill(&s, "Alice Example");
		s.role = r;
		CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
		CU_ASSERT(strlen(tok) <= SESS_TOKEN_MAX);
		CU_ASSERT_PTR_NOT_NULL(strchr(tok, '.'));
		CU_ASSERT_PTR_NULL(strchr(strchr(tok, '.') + 1, '.'));
		CU_ASSERT_EQUAL(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					    "0123456789-_."),
				strlen(tok));
		memset(&got, 0x55, sizeof(got));
		CU_ASSERT_EQUAL_FATAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
		CU_ASSERT_STRING_EQUAL(got.sid, SID);
		CU_ASSERT_STRING_EQUAL(got.user_id, USER);
		CU_ASSERT_EQUAL(got.role, r);
		CU_ASSERT_EQUAL(got.renew_at, RENEW);
		CU_ASSERT_EQUAL(got.expires, FUTURE);
		CU_ASSERT_STRING_EQUAL(got.name, "Alice Example");
	}
}

/* A stale token (renewal time reached) still verifies until it expires. */
static void
test_sess_stale(void)
{
	struct session s, got;
	char tok[SESS_TOKEN_MAX];

	session_fill(&s, "Stale");
	s.renew_at = NOW;
	s.expires = NOW + 600;
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	CU_ASSERT_EQUAL_FATAL(sess_verify(tok, test_pk, NOW - 1, &got), TK_OK);
	CU_ASSERT_EQUAL(sess_stale(&got, NOW - 1), 0);
	CU_ASSERT_EQUAL_FATAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
	CU_ASSERT_EQUAL(sess_stale(&got, NOW), 1);
	CU_ASSERT_EQUAL_FATAL(sess_verify(tok, test_pk, NOW + 599, &got), TK_OK);
	CU_ASSERT_EQUAL(sess_stale(&got, NOW + 599), 1);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW + 600, &got), TK_EAUTH);
	/* renew_at equal to expires is a token never fresh before it dies. */
	s.renew_at = s.expires;
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
}

/* sess_set_times: renewal and idle expiry from now, both cut at the end of
 * the session. */
static void
test_sess_set_times(void)
{
	struct session s;

	session_fill(&s, "Times");
	sess_set_times(&s, NOW, NOW + 43200, 300, 1800);
	CU_ASSERT_EQUAL(s.renew_at, NOW + 300);
	CU_ASSERT_EQUAL(s.expires, NOW + 1800);
	/* Near the end of the session: the idle expiry is cut first. */
	sess_set_times(&s, NOW, NOW + 1000, 300, 1800);
	CU_ASSERT_EQUAL(s.renew_at, NOW + 300);
	CU_ASSERT_EQUAL(s.expires, NOW + 1000);
	/* Closer still: both end with the session. */
	sess_set_times(&s, NOW, NOW + 100, 300, 1800);
	CU_ASSERT_EQUAL(s.renew_at, NOW + 100);
	CU_ASSERT_EQUAL(s.expires, NOW + 100);
	/* A renewal period longer than the idle timeout is cut to it. */
	sess_set_times(&s, NOW, NOW + 43200, 3600, 1800);
	CU_ASSERT_EQUAL(s.renew_at, NOW + 1800);
	CU_ASSERT_EQUAL(s.expires, NOW + 1800);
}

static void
test_sess_names(void)
{
	static const char *names[] = {
	    "a|b||c|",
	    "|",
	    "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\xab",
	    "x",
	};
	struct session s, got;
	char tok[SESS_TOKEN_MAX], longest[SESS_NAME_MAX + 1];
	size_t i;
	static const char ticket[] = "\xf0\x9f\x8e\xab"; /* U+1F3AB, 4 bytes */

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		session_fill(&s, names[i]);
		CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
		CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
		CU_ASSERT_STRING_EQUAL(got.name, names[i]);
	}
	memset(longest, 'n', SESS_NAME_MAX);
	longest[SESS_NAME_MAX] = '\0';
	session_fill(&s, longest);
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
	CU_ASSERT_STRING_EQUAL(got.name, longest);
	/* The longest name in 4-byte characters fills SESS_NAME_MAX exactly. */
	for (i = 0; i + 4 <= SESS_NAME_MAX; i += 4)
		memcpy(longest + i, ticket, 4);
	longest[i] = '\0';
	session_fill(&s, longest);
	s.renew_at = INT64_MAX; /* and the longest times: the longest token */
	s.expires = INT64_MAX;
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	CU_ASSERT(strlen(tok) < SESS_TOKEN_MAX);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
	CU_ASSERT_STRING_EQUAL(got.name, longest);
}

static void
test_sess_tamper(void)
{
	struct session s, got;
	char tok[SESS_TOKEN_MAX], t[SESS_TOKEN_MAX];
	size_t i, len;
	int c, accepted = 0, dirty = 0;

	session_fill(&s, "Tamper | Test");
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	/* Verified first, so the thread remembers it: a near copy is not it. */
	CU_ASSERT_EQUAL_FATAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
	len = strlen(tok);
	for (i = 0; i < len; i++) {
		for (c = 0; c < 256; c++) {
			if (c == (unsigned char)tok[i])
				continue;
			memcpy(t, tok, len + 1);
			t[i] = (char)c;
			memset(&got, 0x55, sizeof(got));
			if (sess_verify(t, test_pk, NOW, &got) != TK_EAUTH)
				accepted++;
			else if (!session_is_zero(&got))
				dirty++;
		}
	}
	CU_ASSERT_EQUAL(accepted, 0);
	CU_ASSERT_EQUAL(dirty, 0);
	/* Dropping or appending a character is refused too. */
	memcpy(t, tok, len + 1);
	t[len - 1] = '\0';
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	memcpy(t, tok, len + 1);
	t[len] = 'A';
	t[len + 1] = '\0';
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	/* The untouched token still verifies. */
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
}

static void
test_sess_expired(void)
{
	struct session s, got;
	char tok[SESS_TOKEN_MAX];

	session_fill(&s, "Expiring");
	s.renew_at = NOW - 10;
	s.expires = NOW;
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_EAUTH);
	CU_ASSERT(session_is_zero(&got));
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW + 1, &got), TK_EAUTH);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW - 1, &got), TK_OK);
	/* The extremes of the expiry field. */
	s.expires = INT64_MAX;
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_OK);
	CU_ASSERT_EQUAL(got.expires, INT64_MAX);
	s.renew_at = 0;
	s.expires = 0;
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, -1, &got), TK_OK);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, 0, &got), TK_EAUTH);
}

static void
test_sess_wrong_key(void)
{
	unsigned char pk2[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
	struct session s, got;
	char tok[SESS_TOKEN_MAX];

	crypto_sign_keypair(pk2, sk2);
	session_fill(&s, "Mallory");
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, sk2, tok, sizeof(tok)), TK_OK);
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_EAUTH);
	CU_ASSERT(session_is_zero(&got));
	CU_ASSERT_EQUAL(sess_verify(tok, pk2, NOW, &got), TK_OK);
	/* Remembered as verified with pk2 only. */
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, &got), TK_EAUTH);
	CU_ASSERT(session_is_zero(&got));
}

/* The thread remembers verified tokens: each token still gives back its
 * own session, whichever was verified before, past the slots it keeps. */
static void
test_sess_remembered(void)
{
	struct session s, got;
	char tok[10][SESS_TOKEN_MAX], name[32];
	int i, round, wrong = 0;

	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "Member %d", i);
		session_fill(&s, name);
		s.sid[0] = (char)('0' + i);
		s.role = i % 2 ? ROLE_MEMBER : ROLE_ADMIN;
		CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok[i], sizeof(tok[i])), TK_OK);
	}
	for (round = 0; round < 3; round++)
		for (i = 0; i < 10; i++) {
			int k = round == 1 ? i % 2 : i; /* two tokens in turn */

			snprintf(name, sizeof(name), "Member %d", k);
			if (sess_verify(tok[k], test_pk, NOW, &got) != TK_OK ||
			    strcmp(got.name, name) != 0 || got.sid[0] != '0' + k ||
			    got.role != (k % 2 ? ROLE_MEMBER : ROLE_ADMIN))
				wrong++;
		}
	CU_ASSERT_EQUAL(wrong, 0);
	/* A remembered token still dies at its expiry. */
	CU_ASSERT_EQUAL(sess_verify(tok[0], test_pk, FUTURE, &got), TK_EAUTH);
	CU_ASSERT(session_is_zero(&got));
}

static void
test_sess_bad_fields(void)
{
	static const char *bad[] = {
	    "2|0123456789ABCDEF0123456789abcdef|" USER
	    "|member|4102444000|4102444800|Al", /* upper sid */
	    "2|0123456789abcdef0123456789abcde|" USER
	    "|member|4102444000|4102444800|Al", /* short sid */
	    "2|0123456789abcdef0123456789abcdef0|" USER "|member|4102444000|4102444800|Al",
	    "2|0123456789abcdeg0123456789abcdef|" USER "|member|4102444000|4102444800|Al",
	    "2|" SID "|0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B|member|4102444000|4102444800|Al",
	    "2|" SID "|0190a1b2c3d47e5f8a9b0c1d2e3f4a5b|member|4102444000|4102444800|Al",
	    "2|" SID "|" USER "|superuser|4102444000|4102444800|Al",
	    "2|" SID "|" USER "|Admin|4102444000|4102444800|Al",
	    "2|" SID "|" USER "||4102444000|4102444800|Al",
	    "2|" SID "|" USER "|member|4102444000|04102444800|Al", /* leading zero */
	    "2|" SID "|" USER "|member|4102444000|00|Al",
	    "2|" SID "|" USER "|member|4102444000|+4102444800|Al",
	    "2|" SID "|" USER "|member|4102444000|-1|Al",
	    "2|" SID "|" USER "|member|4102444000| 4102444800|Al",
	    "2|" SID "|" USER "|member|4102444000|4102444800x|Al",
	    "2|" SID "|" USER "|member|4102444000||Al",
	    "2|" SID "|" USER "|member|4102444000|9223372036854775808|Al", /* INT64_MAX + 1 */
	    "2|" SID "|" USER "|member|4102444000|99999999999999999999|Al",
	    "2|" SID "|" USER "|member|4102444000|4102444800|",                 /* empty name */
	    "2|" SID "|" USER "|member|4102444000|4102444800|Al\x01",           /* control */
	    "2|" SID "|" USER "|member|4102444000|4102444800|Al\nice",          /* control */
	    "2|" SID "|" USER "|member|4102444000|4102444800|\x7f",             /* DEL */
	    "2|" SID "|" USER "|member|4102444000|4102444800|A\xc2\x85",        /* C1 control */
	    "2|" SID "|" USER "|member|4102444000|4102444800|A\xff",            /* not UTF-8 */
	    "2|" SID "|" USER "|member|4102444000|4102444800|A\xc3",            /* truncated */
	    "2|" SID "|" USER "|member|4102444000|4102444800|\xc0\xaf",         /* overlong */
	    "2|" SID "|" USER "|member|4102444000|4102444800|\xed\xa0\x80",     /* surrogate */
	    "2|" SID "|" USER "|member|4102444000|4102444800|\xf4\x90\x80\x80", /* > U+10FFFF */
	    "2|" SID "|" USER "|member|4102444000|4102444800",                  /* six fields */
	    "2|" SID "|" USER "|member|4102444800|Al",                          /* five fields */
	    "2|" SID "|" USER "|member",
	    "2|" SID,
	    "1",
	    "",
	    "1|" SID "|" USER "|member|4102444800|Al",            /* version 1 */
	    "3|" SID "|" USER "|member|4102444000|4102444800|Al", /* version */
	    "2|" SID "|" USER "|member|4102444801|4102444800|Al", /* renew after expiry */
	    "2|" SID "|" USER "|member|04102444000|4102444800|Al",
	    "2|" SID "|" USER "|member|-1|4102444800|Al",
	    "2|" SID "|" USER "|member|x|4102444800|Al",
	    "|" SID "|" USER "|member|4102444000|4102444800|Al",
	    "01|" SID "|" USER "|member|4102444000|4102444800|Al",
	    "2||" SID "|" USER "|member|4102444000|4102444800|Al",
	};
	char payload[SESS_TOKEN_MAX];
	size_t i, head;

	/* The same construction with good fields verifies. */
	CU_ASSERT_EQUAL(verify_raw("2|" SID "|" USER "|member|4102444000|4102444800|Al"), TK_OK);
	CU_ASSERT_EQUAL(verify_raw("2|" SID "|" USER "|member|4102444000|4102444800|A|l"), TK_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(verify_raw(bad[i]), TK_EAUTH);
		if (verify_raw(bad[i]) != TK_EAUTH)
			fprintf(stderr, "accepted: %s\n", bad[i]);
	}
	/* An expiry past INT64_MAX is refused as malformed, not wrapped into
	 * the past (the earliest possible now shows the difference). */
	CU_ASSERT_EQUAL(
	    verify_raw_at("2|" SID "|" USER "|member|4102444000|9223372036854775807|Al", INT64_MIN),
	    TK_OK);
	CU_ASSERT_EQUAL(
	    verify_raw_at("2|" SID "|" USER "|member|4102444000|9223372036854775808|Al", INT64_MIN),
	    TK_EAUTH);
	CU_ASSERT_EQUAL(
	    verify_raw_at("2|" SID "|" USER "|member|4102444000|9999999999999999999|Al", INT64_MIN),
	    TK_EAUTH);
	/* A name of SESS_NAME_MAX + 1 bytes, then SESS_NAME_MAX. */
	head = (size_t)snprintf(payload, sizeof(payload), "2|%s|%s|member|4102444000|4102444800|",
				SID, USER);
	memset(payload + head, 'n', SESS_NAME_MAX + 1);
	payload[head + SESS_NAME_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(verify_raw(payload), TK_EAUTH);
	payload[head + SESS_NAME_MAX] = '\0';
	CU_ASSERT_EQUAL(verify_raw(payload), TK_OK);
	/* A signed token longer than SESS_TOKEN_MAX. */
	memset(payload + head, 'n', sizeof(payload) - head - 1);
	payload[sizeof(payload) - 1] = '\0';
	CU_ASSERT_EQUAL(verify_raw(payload), TK_EAUTH);
}

static void
test_sess_malformed(void)
{
	static const char *bad[] = {"", ".", "..", "abc", "abc.", ".abc", "a.b.c", "====.===="};
	struct session s, got;
	char tok[SESS_TOKEN_MAX], t[SESS_TOKEN_MAX * 2 + 2];
	char *dot;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(sess_verify(bad[i], test_pk, NOW, &got), TK_EAUTH);
	CU_ASSERT_EQUAL(sess_verify(NULL, test_pk, NOW, &got), TK_EAUTH);
	CU_ASSERT(session_is_zero(&got));

	session_fill(&s, "Shape");
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	dot = strchr(tok, '.');
	/* Signature alone, payload alone, swapped halves, doubled token. */
	CU_ASSERT_EQUAL(sess_verify(dot, test_pk, NOW, &got), TK_EAUTH);
	snprintf(t, sizeof(t), "%.*s", (int)(dot - tok), tok);
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	snprintf(t, sizeof(t), "%s.%.*s", dot + 1, (int)(dot - tok), tok);
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	snprintf(t, sizeof(t), "%s%s", tok, tok);
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	snprintf(t, sizeof(t), "%s=", tok);
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	/* Longer than SESS_TOKEN_MAX: refused before decoding. */
	memset(t, 'A', sizeof(t) - 1);
	t[sizeof(t) - 1] = '\0';
	CU_ASSERT_EQUAL(sess_verify(t, test_pk, NOW, &got), TK_EAUTH);
	/* out may be NULL. */
	CU_ASSERT_EQUAL(sess_verify(tok, test_pk, NOW, NULL), TK_OK);
	CU_ASSERT_EQUAL(sess_verify("x", test_pk, NOW, NULL), TK_EAUTH);
}

static void
test_sess_sign_refuses(void)
{
	struct session s;
	char tok[SESS_TOKEN_MAX];
	size_t need;

	session_fill(&s, "Ok");
	s.sid[0] = 'A';
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "Ok");
	s.sid[5] = '\0';
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "Ok");
	s.user_id[0] = 'G';
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "Ok");
	s.role = ROLE__MAX;
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "Ok");
	s.renew_at = -1;
	s.expires = -1;
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "Ok");
	s.renew_at = s.expires + 1; /* renewal after the expiry */
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "");
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "tab\there");
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "bad \xff");
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	session_fill(&s, "Ok");
	memset(s.name, 'n', sizeof(s.name)); /* no NUL within the array */
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_EINVAL);
	CU_ASSERT_EQUAL(sess_sign(NULL, test_sk, tok, sizeof(tok)), TK_EINVAL);

	/* Exactly enough room, and one byte less. */
	session_fill(&s, "Ok");
	CU_ASSERT_EQUAL_FATAL(sess_sign(&s, test_sk, tok, sizeof(tok)), TK_OK);
	need = strlen(tok) + 1;
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, need), TK_OK);
	CU_ASSERT_EQUAL(sess_sign(&s, test_sk, tok, need - 1), TK_ETOOBIG);
}

/* ---- csrf ---- */

static void
test_csrf(void)
{
	unsigned char key[CSRF_KEY_LEN], key2[CSRF_KEY_LEN];
	char a[CSRF_TOKEN_LEN + 1], a2[CSRF_TOKEN_LEN + 1], b[CSRF_TOKEN_LEN + 1];
	char t[CSRF_TOKEN_LEN + 2];

	randombytes_buf(key, sizeof(key));
	randombytes_buf(key2, sizeof(key2));
	csrf_token(key, "binding-a", a);
	csrf_token(key, "binding-a", a2);
	csrf_token(key, "binding-b", b);
	CU_ASSERT_EQUAL(strlen(a), CSRF_TOKEN_LEN);
	CU_ASSERT_EQUAL(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789-_"),
			CSRF_TOKEN_LEN);
	CU_ASSERT_STRING_EQUAL(a, a2);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", a), TK_OK);
	CU_ASSERT_EQUAL(csrf_check(key, "binding-b", b), TK_OK);
	CU_ASSERT_EQUAL(csrf_check(key, "binding-b", a), TK_EAUTH);
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", b), TK_EAUTH);
	CU_ASSERT_EQUAL(csrf_check(key2, "binding-a", a), TK_EAUTH);
	memcpy(t, a, sizeof(a));
	t[10] = t[10] == 'A' ? 'B' : 'A';
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", t), TK_EAUTH);
	/* Wrong lengths: one short, one long. */
	memcpy(t, a, sizeof(a));
	t[CSRF_TOKEN_LEN - 1] = '\0';
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", t), TK_EAUTH);
	memcpy(t, a, sizeof(a));
	t[CSRF_TOKEN_LEN] = 'A';
	t[CSRF_TOKEN_LEN + 1] = '\0';
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", t), TK_EAUTH);
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", ""), TK_EAUTH);
	CU_ASSERT_EQUAL(csrf_check(key, "binding-a", NULL), TK_EAUTH);
	CU_ASSERT_EQUAL(csrf_check(key, "", a), TK_EAUTH);
	CU_ASSERT_EQUAL(csrf_check(key, NULL, a), TK_EAUTH);
	/* Even the token of the empty binding does not pass for it. */
	csrf_token(key, "", t);
	CU_ASSERT_EQUAL(strlen(t), CSRF_TOKEN_LEN);
	CU_ASSERT_EQUAL(csrf_check(key, "", t), TK_EAUTH);
}

/* ---- passwords ---- */

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs before any pw_init: the default bound applies. */
static void
test_pw_default(void)
{
	char h[PW_HASH_LEN];

	CU_ASSERT_EQUAL_FATAL(pw_hash("correct horse battery", h), TK_OK);
	CU_ASSERT_EQUAL(pw_verify(h, "correct horse battery"), TK_OK);
	CU_ASSERT_EQUAL(pw_in_flight_max(), 1);
}

static void
test_pw_hash_verify(void)
{
	char h[PW_HASH_LEN], h2[PW_HASH_LEN], pw[PW_MAX_BYTES + 2];

	CU_ASSERT_EQUAL(pw_init(0), TK_EINVAL);
	CU_ASSERT_EQUAL_FATAL(pw_init(2), TK_OK);
	CU_ASSERT_EQUAL_FATAL(pw_hash("demo-password-123", h), TK_OK);
	CU_ASSERT_EQUAL(strncmp(h, "$argon2id$", 10), 0);
	CU_ASSERT_EQUAL(pw_verify(h, "demo-password-123"), TK_OK);
	CU_ASSERT_EQUAL(pw_verify(h, "demo-password-124"), TK_EAUTH);
	CU_ASSERT_EQUAL(pw_verify(h, ""), TK_EAUTH);
	CU_ASSERT_EQUAL(pw_verify(h, NULL), TK_EAUTH);
	CU_ASSERT_EQUAL(pw_verify(NULL, "demo-password-123"), TK_EAUTH);
	CU_ASSERT_EQUAL(pw_verify("not a hash", "demo-password-123"), TK_EAUTH);
	CU_ASSERT_EQUAL(pw_verify("", "demo-password-123"), TK_EAUTH);
	/* A fresh salt each time. */
	CU_ASSERT_EQUAL_FATAL(pw_hash("demo-password-123", h2), TK_OK);
	CU_ASSERT_STRING_NOT_EQUAL(h, h2);
	CU_ASSERT_EQUAL(pw_verify(h2, "demo-password-123"), TK_OK);

	/* PW_MAX_BYTES bytes is the longest accepted. */
	memset(pw, 'p', PW_MAX_BYTES);
	pw[PW_MAX_BYTES] = '\0';
	CU_ASSERT_EQUAL_FATAL(pw_hash(pw, h), TK_OK);
	CU_ASSERT_EQUAL(pw_verify(h, pw), TK_OK);
	pw[PW_MAX_BYTES] = 'p';
	pw[PW_MAX_BYTES + 1] = '\0';
	CU_ASSERT_EQUAL(pw_hash(pw, h2), TK_EINVAL);
	CU_ASSERT_EQUAL(pw_verify(h, pw), TK_EAUTH);
	CU_ASSERT_EQUAL(pw_hash(NULL, h2), TK_EINVAL);
}

/* counting_gate: a gate of pw_verify_gated that counts its calls and
 * answers what it is told. */
struct gate_state {
	int calls;
	int answer;
};

static int
counting_gate(void *arg)
{
	struct gate_state *g = arg;

	g->calls++;
	CU_ASSERT_EQUAL(pw_in_flight_max(), 1); /* the slot is taken */
	return g->answer;
}

static void
test_pw_gate(void)
{
	char h[PW_HASH_LEN], pw[PW_MAX_BYTES + 2];
	struct gate_state g = {0, TK_OK};

	CU_ASSERT_EQUAL_FATAL(pw_hash("a stored password", h), TK_OK);
	CU_ASSERT_EQUAL_FATAL(pw_init(2), TK_OK);
	CU_ASSERT_EQUAL(pw_verify_gated(h, "a stored password", counting_gate, &g), TK_OK);
	CU_ASSERT_EQUAL(pw_verify_gated(h, "a wrong password", counting_gate, &g), TK_EAUTH);
	CU_ASSERT_EQUAL(g.calls, 2);
	/* A refusing gate wins, even over the right password. */
	g.answer = TK_ELIMIT;
	CU_ASSERT_EQUAL(pw_verify_gated(h, "a stored password", counting_gate, &g), TK_ELIMIT);
	CU_ASSERT_EQUAL(g.calls, 3);
	/* An over-long password passes the gate too, then fails unhashed. */
	g.answer = TK_OK;
	memset(pw, 'p', PW_MAX_BYTES + 1);
	pw[PW_MAX_BYTES + 1] = '\0';
	CU_ASSERT_EQUAL(pw_verify_gated(h, pw, counting_gate, &g), TK_EAUTH);
	CU_ASSERT_EQUAL(g.calls, 4);
	CU_ASSERT_EQUAL(pw_verify_gated(h, "a stored password", NULL, NULL), TK_OK);
}

static void
test_pw_dummy_hash(void)
{
	char h[PW_HASH_LEN];
	const char *dummy = pw_dummy_hash();
	double t0, t_verify, t_dummy;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dummy);
	CU_ASSERT_PTR_EQUAL(pw_dummy_hash(), dummy);
	CU_ASSERT_EQUAL_FATAL(pw_hash("a stored password", h), TK_OK);
	/* The same algorithm and limits as a stored hash. */
	CU_ASSERT_EQUAL(strncmp(dummy, h, strlen("$argon2id$v=19$m=65536,t=2,p=1$")), 0);
	t0 = now_seconds();
	CU_ASSERT_EQUAL(pw_verify(h, "a wrong password"), TK_EAUTH);
	t_verify = now_seconds() - t0;
	t0 = now_seconds();
	CU_ASSERT_EQUAL(pw_verify(dummy, "a wrong password"), TK_EAUTH);
	t_dummy = now_seconds() - t0;
	CU_ASSERT(t_dummy > t_verify * 0.3);
	CU_ASSERT(t_dummy < t_verify * 3.0 + 0.05);
}

struct pw_job {
	int id;
	int hash_rc;
	int verify_rc;
	int wrong_rc;
};

static void *
pw_worker(void *arg)
{
	struct pw_job *j = arg;
	char h[PW_HASH_LEN], pw[32];

	snprintf(pw, sizeof(pw), "password-of-thread-%d", j->id);
	j->hash_rc = pw_hash(pw, h);
	j->verify_rc = pw_verify(h, pw);
	pw[0] = 'P';
	j->wrong_rc = pw_verify(h, pw);
	return NULL;
}

/* Run n threads of hash + two verifications with the bound set to limit;
 * returns the peak concurrency observed. */
static int
pw_run_threads(int n, int limit)
{
	pthread_t th[8];
	struct pw_job jobs[8];
	int i;

	CU_ASSERT_EQUAL_FATAL(pw_init(limit), TK_OK);
	CU_ASSERT_EQUAL(pw_in_flight_max(), 0);
	for (i = 0; i < n; i++) {
		jobs[i].id = i;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, pw_worker, &jobs[i]), 0);
	}
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(jobs[i].hash_rc, TK_OK);
		CU_ASSERT_EQUAL(jobs[i].verify_rc, TK_OK);
		CU_ASSERT_EQUAL(jobs[i].wrong_rc, TK_EAUTH);
	}
	return pw_in_flight_max();
}

static void
test_pw_concurrency(void)
{
	/* Eight threads, two slots: never more than two at once, and two were
	 * in use (the others waited, they did not run one by one by chance). */
	CU_ASSERT_EQUAL(pw_run_threads(8, 2), 2);
	CU_ASSERT_EQUAL(pw_run_threads(3, 1), 1);
	/* With room for all of them, the counter sees real overlap. */
	CU_ASSERT(pw_run_threads(4, 8) >= 2);
	CU_ASSERT_EQUAL_FATAL(pw_init(2), TK_OK);
}

/* ---- uuids ---- */

static void
test_uuid_shape(void)
{
	char u[UUID_STR_LEN + 1], ts_hex[13];
	struct timespec ts;
	int64_t ms, now_ms;
	int i;

	for (i = 0; i < 100; i++) {
		uuid_v7(u);
		CU_ASSERT_EQUAL(strlen(u), UUID_STR_LEN);
		CU_ASSERT(u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-');
		CU_ASSERT_EQUAL(u[14], '7');
		CU_ASSERT_PTR_NOT_NULL(strchr("89ab", u[19]));
		CU_ASSERT_EQUAL(strspn(u, "0123456789abcdef-"), UUID_STR_LEN);
		CU_ASSERT(uuid_valid(u));
	}
	/* The first 48 bits are the current Unix time in milliseconds. */
	memcpy(ts_hex, u, 8);
	memcpy(ts_hex + 8, u + 9, 4);
	ts_hex[12] = '\0';
	ms = (int64_t)strtoll(ts_hex, NULL, 16);
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	CU_ASSERT(ms <= now_ms && ms > now_ms - 5000);
}

static int
cmp_uuid(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
test_uuid_unique(void)
{
	enum { N = 10000 };
	char(*ids)[UUID_STR_LEN + 1] = xcalloc(N, sizeof(*ids));
	int i, dup = 0;

	for (i = 0; i < N; i++)
		uuid_v7(ids[i]);
	qsort(ids, N, sizeof(*ids), cmp_uuid);
	for (i = 1; i < N; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			dup++;
	CU_ASSERT_EQUAL(dup, 0);
	free(ids);
}

static void
test_uuid_monotonic(void)
{
	char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];
	struct timespec pause = {0, 2 * 1000 * 1000};
	int i;

	for (i = 0; i < 5; i++) {
		uuid_v7(a);
		nanosleep(&pause, NULL);
		uuid_v7(b);
		/* The time prefix (first 13 characters) grows, and so does the
		 * whole string. */
		CU_ASSERT(strncmp(a, b, 13) < 0);
		CU_ASSERT(strcmp(a, b) < 0);
	}
}

static void
test_uuid_valid(void)
{
	static const char *good[] = {
	    "00000000-0000-0000-0000-000000000000",
	    "ffffffff-ffff-ffff-ffff-ffffffffffff",
	    "123e4567-e89b-42d3-a456-426614174000", /* version 4 */
	    "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
	};
	static const char *bad[] = {
	    "",
	    "123E4567-e89b-42d3-a456-426614174000",  /* uppercase */
	    "123e4567-e89b-42d3-a456-42661417400",   /* 35 */
	    "123e4567-e89b-42d3-a456-4266141740000", /* 37 */
	    "123e4567-e89b-42d3-a456-426614174000\n",
	    " 123e4567-e89b-42d3-a456-426614174000",
	    "123e4567e89b-42d3-a456-426614174000-",
	    "123e4567-e89b42d3-a456-4266141740-00",
	    "123e4567-e89b-42d3-a456-42661417400g",
	    "{23e4567-e89b-42d3-a456-426614174000",
	    "123e4567_e89b_42d3_a456_426614174000",
	    "123e4567e89b42d3a456426614174000",
	    "------------------------------------",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(uuid_valid(good[i]), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(uuid_valid(bad[i]), 0);
	CU_ASSERT_EQUAL(uuid_valid(NULL), 0);
}

static const struct cu_test b64_tests[] = {
    {"known vectors", test_b64_vectors},
    {"round trips 0..70", test_b64_round_trip},
    {"strict rejection", test_b64_reject},
    {NULL, NULL},
};

static const struct cu_test sess_tests[] = {
    {"role names", test_role_names},
    {"new sid", test_sess_new_sid},
    {"sign then verify", test_sess_round_trip},
    {"stale tokens verify until they expire", test_sess_stale},
    {"renewal and idle times", test_sess_set_times},
    {"names with | and UTF-8", test_sess_names},
    {"every single-byte tamper refused", test_sess_tamper},
    {"expiry", test_sess_expired},
    {"wrong key", test_sess_wrong_key},
    {"remembered tokens", test_sess_remembered},
    {"bad fields under a good signature", test_sess_bad_fields},
    {"malformed tokens", test_sess_malformed},
    {"sign refuses bad sessions", test_sess_sign_refuses},
    {NULL, NULL},
};

static const struct cu_test csrf_tests[] = {
    {"tokens and checks", test_csrf},
    {NULL, NULL},
};

static const struct cu_test pw_tests[] = {
    {"default bound without pw_init", test_pw_default},
    {"hash and verify", test_pw_hash_verify},
    {"gate", test_pw_gate},
    {"dummy hash", test_pw_dummy_hash},
    {"concurrency bound", test_pw_concurrency},
    {NULL, NULL},
};

static const struct cu_test uuid_tests[] = {
    {"v7 shape", test_uuid_shape},
    {"unique over 10000", test_uuid_unique},
    {"time prefix grows", test_uuid_monotonic},
    {"uuid_valid edge cases", test_uuid_valid},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"b64", NULL, NULL, b64_tests},         {"sess", suite_init, NULL, sess_tests},
    {"csrf", suite_init, NULL, csrf_tests}, {"pw", suite_init, NULL, pw_tests},
    {"uuid", NULL, NULL, uuid_tests},       {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
