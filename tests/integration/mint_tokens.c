/*
 * mint_tokens: COUNT session tokens of COUNT distinct new members, signed
 * with the stack's own session key, one a line. For a test that needs
 * many signed-in members at once (the oversell race) without paying an
 * Argon2id hash per sign-up: services other than auth know a member only
 * by a verified token (and the revocation replica), so these sessions are
 * what a sign-up would give them. Each has a fresh session id and user id
 * (UUIDv7), role member, and the lifetime of a fresh sign-in.
 *
 * With CSRF_KEYFILE (the stack's CSRF key), each line also carries the
 * CSRF token bound to that session, after a space: what a form rendered
 * for the session would hold, so a benchmark need not fetch a page per
 * member (bench/reserve.sh).
 *
 * The environment's MINT_USERS (user ids, comma-separated) gives the
 * first tokens those members' ids, in order, rather than new ones: a
 * benchmark's seller must be an account the tickets service knows as
 * verified (bench/lib.sh verified_accounts).
 *
 * Usage: mint_tokens KEYFILE COUNT [CSRF_KEYFILE]
 * A test helper only: it is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "csrf.h"
#include "err.h"
#include "sess.h"
#include "uuid.h"

int
main(int argc, char **argv)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], ck[CSRF_KEY_LEN];
	char out[SESS_TOKEN_MAX], csrf[CSRF_TOKEN_LEN + 1], *end;
	struct session s;
	const char *users;
	long count, i;
	size_t n;
	int64_t now = (int64_t)time(NULL);
	int status = 2;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: mint_tokens KEYFILE COUNT [CSRF_KEYFILE]\n");
		goto out;
	}
	count = strtol(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || count < 1 || count > 100000) {
		fprintf(stderr, "mint_tokens: COUNT must be a whole number from 1 to 100000\n");
		goto out;
	}
	status = 1;
	if (sodium_init() < 0 || config_read_hex_file(argv[1], sk, sizeof(sk)) != TK_OK)
		goto out;
	if (argc == 4 && config_read_hex_file(argv[3], ck, sizeof(ck)) != TK_OK)
		goto out;
	users = getenv("MINT_USERS");
	for (i = 0; i < count; i++) {
		s = (struct session){.role = ROLE_MEMBER};
		sess_new_sid(s.sid);
		n = users != NULL ? strcspn(users, ",") : 0;
		if (n == SESS_UUID_LEN) {
			memcpy(s.user_id, users, n);
			s.user_id[n] = '\0';
		} else if (n > 0) {
			fprintf(stderr, "mint_tokens: MINT_USERS holds something not a user id\n");
			goto out;
		} else {
			uuid_v7(s.user_id);
		}
		if (users != NULL)
			users = users[n] == ',' ? users + n + 1 : NULL;
		snprintf(s.name, sizeof(s.name), "Buyer %ld", i + 1);
		/* The times of a fresh sign-in with the stack's defaults. */
		sess_set_times(&s, now, now + 43200, 300, 1800);
		if (sess_sign(&s, sk, out, sizeof(out)) != TK_OK)
			goto out;
		if (argc == 4) {
			csrf_token(ck, s.sid, csrf);
			printf("%s %s\n", out, csrf);
		} else
			printf("%s\n", out);
	}
	status = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(ck, sizeof(ck));
	return status;
}
