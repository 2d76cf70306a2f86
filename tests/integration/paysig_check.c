/*
 * paysig_check: verify a webhook's signature with the library's own code
 * (lib/paysig.h), as the payments service will, for the sandbox's tests.
 *
 * Usage: paysig_check SECRETFILE HEADER BODYFILE
 * SECRETFILE is the stack's webhook secret (hex); HEADER the
 * Sandbox-Signature value; BODYFILE the raw body. Exit status 0 when the
 * signature is valid now (within PAYSIG_TOLERANCE), 1 when it is not,
 * 2 on a usage or reading error. A test helper only: it is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "err.h"
#include "paysig.h"

int
main(int argc, char **argv)
{
	unsigned char key[PAYSIG_KEY_LEN];
	char body[65536];
	size_t len = 0;
	FILE *f = NULL;
	int status = 2;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: paysig_check SECRETFILE HEADER BODYFILE\n");
		goto out;
	}
	if (config_read_hex_file(argv[1], key, sizeof(key)) != TK_OK ||
	    (f = fopen(argv[3], "rb")) == NULL)
		goto out;
	len = fread(body, 1, sizeof(body), f);
	if (ferror(f))
		goto out;
	status = paysig_verify(key, argv[2], body, len, (int64_t)time(NULL), PAYSIG_TOLERANCE,
			       NULL) == TK_OK
		     ? 0
		     : 1;
out:
	if (f != NULL)
		fclose(f);
	sodium_memzero(key, sizeof(key));
	return status;
}
