/*
 * Webhook signatures (paysig.h): HMAC-SHA256 over "<t>.<body>" with
 * libsodium's multi-part HMAC, written as lower-case hex, and a strict
 * parser of the "t=...,v1=..." header. Nothing here allocates; the MACs
 * are wiped after use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "paysig.h"

#define MAC_HEX (2 * crypto_auth_hmacsha256_BYTES)

/* mac_hex: the hex MAC of "<t>.<body>" under key into out. */
static void
mac_hex(const unsigned char key[PAYSIG_KEY_LEN], int64_t t, const char *body, size_t len,
	char out[MAC_HEX + 1])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char prefix[24];
	int n = snprintf(prefix, sizeof(prefix), "%" PRId64 ".", t);

	crypto_auth_hmacsha256_init(&st, key, PAYSIG_KEY_LEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (size_t)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, MAC_HEX + 1, mac, sizeof(mac));
	sodium_memzero(mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

void
paysig_sign(const unsigned char key[PAYSIG_KEY_LEN], int64_t t, const char *body, size_t len,
	    char out[PAYSIG_HEADER_LEN + 1])
{
	char mac[MAC_HEX + 1];

	if (t < 0)
		t = 0;
	mac_hex(key, t, body, len, mac);
	snprintf(out, PAYSIG_HEADER_LEN + 1, "t=%" PRId64 ",v1=%s", t, mac);
	sodium_memzero(mac, sizeof(mac));
}

/* One "key=value" entry of a header, pointing into it. */
struct entry {
	const char *key, *value;
	size_t klen, vlen;
};

/* all_of: 1 when s[0..n) is non-empty and every byte is in set. */
static int
all_of(const char *s, size_t n, const char *set)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

/* split: header into its entries; the count, or -1 when malformed. */
static int
split(const char *header, struct entry *e, int max)
{
	const char *p = header, *comma, *eq;
	size_t len;
	int n = 0;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (n == max || eq == NULL)
			return -1;
		e[n].key = p;
		e[n].klen = (size_t)(eq - p);
		e[n].value = eq + 1;
		e[n].vlen = len - e[n].klen - 1;
		if (e[n].klen > 8 ||
		    !all_of(e[n].key, e[n].klen, "abcdefghijklmnopqrstuvwxyz0123456789") ||
		    !all_of(e[n].value, e[n].vlen,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"))
			return -1;
		n++;
		if (comma == NULL)
			return n;
		p = comma + 1;
	}
}

/* is_key: entry e's key is k. */
static int
is_key(const struct entry *e, const char *k)
{
	return e->klen == strlen(k) && memcmp(e->key, k, e->klen) == 0;
}

int
paysig_verify(const unsigned char key[PAYSIG_KEY_LEN], const char *header, const char *body,
	      size_t len, int64_t now, long tolerance, int64_t *t_out)
{
	struct entry e[PAYSIG_MAX_ENTRIES];
	char want[MAC_HEX + 1];
	int64_t t = -1;
	int n, i, nv1 = 0, matched = 0, rc = TK_EINVAL;

	want[0] = '\0';
	if (header == NULL || strnlen(header, PAYSIG_HEADER_MAX + 1) > PAYSIG_HEADER_MAX)
		goto out;
	if ((n = split(header, e, PAYSIG_MAX_ENTRIES)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (is_key(&e[i], "t")) {
			if (t >= 0 || e[i].vlen > 19 ||
			    !all_of(e[i].value, e[i].vlen, "0123456789"))
				goto out;
			/* 19 digits may pass INT64_MAX: add digit by digit. */
			t = 0;
			for (size_t j = 0; j < e[i].vlen; j++) {
				if (t > (INT64_MAX - (e[i].value[j] - '0')) / 10)
					goto out;
				t = t * 10 + (e[i].value[j] - '0');
			}
		} else if (is_key(&e[i], "v1")) {
			if (e[i].vlen != MAC_HEX ||
			    !all_of(e[i].value, e[i].vlen, "0123456789abcdef"))
				goto out;
			nv1++;
		}
	}
	if (t < 0 || nv1 == 0)
		goto out;
	if (t_out != NULL)
		*t_out = t;
	rc = TK_EAUTH;
	if (now < 0 || tolerance < 0 || (now >= t ? now - t : t - now) > (int64_t)tolerance)
		goto out;
	mac_hex(key, t, body, len, want);
	for (i = 0; i < n; i++)
		if (is_key(&e[i], "v1") && sodium_memcmp(e[i].value, want, MAC_HEX) == 0)
			matched = 1;
	if (matched)
		rc = TK_OK;
out:
	sodium_memzero(want, sizeof(want));
	return rc;
}
