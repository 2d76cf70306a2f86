/*
 * payprov_client: the provider interface (lib/payprov.h) from the
 * command line, so the sandbox's tests drive the client the payments
 * service will use against the running sandbox.
 *
 * Usage: payprov_client KEYDIR BASE_URL COMMAND ARGS...
 *   checkout ORDER AMOUNT CURRENCY RETURN_URL KEY   prints "SESSION URL"
 *   capture CHARGE KEY | void CHARGE KEY            prints "ok"
 *   refund CHARGE AMOUNT KEY                        prints "REFUND_ID"
 *   verify HEADER BODYFILE                          prints "ID TYPE CHARGE AMOUNT FAILURE"
 * KEYDIR holds the stack's sandbox-api.key and webhook.secret. Exit 0 on
 * success; else it prints "error WORD" (invalid, auth, not_found,
 * conflict, io, other) and exits 1; 2 for a usage error. A test helper
 * only: it is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "err.h"
#include "payprov.h"

/* word: the printed name of error code rc. */
static const char *
word(int rc)
{
	switch (rc) {
	case TK_EINVAL:
		return "invalid";
	case TK_EAUTH:
		return "auth";
	case TK_ENOTFOUND:
		return "not_found";
	case TK_ECONFLICT:
		return "conflict";
	case TK_EIO:
		return "io";
	default:
		return "other";
	}
}

/* verify: the verify command: HEADER, the body in file path. */
static int
verify(struct payprov *p, const char *header, const char *path)
{
	struct payprov_event ev;
	char body[65536];
	FILE *f = fopen(path, "rb");
	size_t len;
	int rc;

	if (f == NULL)
		return TK_EIO;
	len = fread(body, 1, sizeof(body), f);
	fclose(f);
	rc = payprov_verify(p, header, body, len, (int64_t)time(NULL), &ev);
	if (rc == TK_OK)
		printf("%s %s %s %lld %s\n", ev.id, ev.type, ev.charge_id, (long long)ev.amount,
		       *ev.failure_code != '\0' ? ev.failure_code : "-");
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned char api_key[PAYPROV_API_KEY_LEN], secret[PAYSIG_KEY_LEN];
	struct payprov_conf conf = {"sandbox", NULL, api_key, secret};
	struct payprov *p = NULL;
	struct payprov_session s;
	char path[4096], refund[UUID_STR_LEN + 1];
	const char *cmd = argc > 3 ? argv[3] : "";
	int rc = TK_EINVAL, status = 2;

	if (sodium_init() < 0 || argc < 5)
		goto usage;
	snprintf(path, sizeof(path), "%s/sandbox-api.key", argv[1]);
	if (config_read_hex_file(path, api_key, sizeof(api_key)) != TK_OK)
		goto usage;
	snprintf(path, sizeof(path), "%s/webhook.secret", argv[1]);
	if (config_read_hex_file(path, secret, sizeof(secret)) != TK_OK)
		goto usage;
	conf.base_url = argv[2];
	if (payprov_open(&conf, &p) != TK_OK)
		goto usage;
	if (strcmp(cmd, "checkout") == 0 && argc == 9) {
		rc = payprov_checkout(p, argv[4], atoll(argv[5]), argv[6], argv[7], argv[8], &s);
		if (rc == TK_OK)
			printf("%s %s\n", s.id, s.url);
	} else if (strcmp(cmd, "capture") == 0 && argc == 6) {
		if ((rc = payprov_capture(p, argv[4], argv[5])) == TK_OK)
			puts("ok");
	} else if (strcmp(cmd, "void") == 0 && argc == 6) {
		if ((rc = payprov_void(p, argv[4], argv[5])) == TK_OK)
			puts("ok");
	} else if (strcmp(cmd, "refund") == 0 && argc == 7) {
		if ((rc = payprov_refund(p, argv[4], atoll(argv[5]), argv[6], refund)) == TK_OK)
			puts(refund);
	} else if (strcmp(cmd, "verify") == 0 && argc == 6) {
		rc = verify(p, argv[4], argv[5]);
	} else {
		goto usage;
	}
	if (rc != TK_OK)
		printf("error %s\n", word(rc));
	status = rc == TK_OK ? 0 : 1;
	goto out;
usage:
	fprintf(stderr, "usage: payprov_client KEYDIR BASE_URL checkout|capture|void|refund|verify "
			"ARGS...\n");
out:
	payprov_close(p);
	sodium_memzero(api_key, sizeof(api_key));
	sodium_memzero(secret, sizeof(secret));
	return status;
}
