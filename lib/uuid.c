/*
 * UUID version 7 (uuid.h, RFC 9562): 48 bits of Unix time in milliseconds,
 * then the version nibble, 12 random bits, the variant bits and 62 more
 * random bits, from libsodium's system CSPRNG. Written lowercase in the
 * canonical 8-4-4-4-12 form, so string order follows creation time to the
 * millisecond.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "err.h"
#include "uuid.h"

static const char hex[16] = "0123456789abcdef";

/* Positions of the four dashes in the canonical form. */
static int
is_dash_pos(int i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

void
uuid_v7(char out[UUID_STR_LEN + 1])
{
	unsigned char b[16];
	struct timespec ts;
	uint64_t ms;
	int i;

	if (sodium_init() < 0) {
		fprintf(stderr, "fatal: sodium_init failed\n");
		abort();
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	randombytes_buf(b + 6, sizeof(b) - 6);
	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i) & 0xff);
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	uuid_format(b, out);
}

void
uuid_format(const unsigned char b[UUID_BYTES], char out[UUID_STR_LEN + 1])
{
	int i, o = 0;

	for (i = 0; i < UUID_BYTES; i++) {
		if (is_dash_pos(o))
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
}

/* hexval: the value of a lowercase hex digit. */
static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

int
uuid_parse(const char *s, unsigned char out[UUID_BYTES])
{
	int i, o = 0;

	if (!uuid_valid(s))
		return TK_EINVAL;
	for (i = 0; i < UUID_STR_LEN; i += 2) {
		if (is_dash_pos(i))
			i++;
		out[o++] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	}
	return TK_OK;
}

int
uuid_valid(const char *s)
{
	int i, ok = 0;

	if (s == NULL)
		goto out;
	for (i = 0; i < UUID_STR_LEN; i++) {
		if (is_dash_pos(i)) {
			if (s[i] != '-')
				goto out;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			goto out;
		}
	}
	ok = s[UUID_STR_LEN] == '\0';
out:
	return ok;
}
