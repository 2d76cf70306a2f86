/*
 * Fuzz target for reading a webhook's body (lib/payprov.c payprov_verify,
 * past its signature check). The input is the body; it is signed with the
 * fixed secret (bytes 0..31) at the clock's time (1700000000), so every
 * input reaches the strict reader. payprov_verify must answer TK_OK or
 * TK_EINVAL; when it accepts, the event must hold what the reader
 * promises (a known type, UUIDs, a positive amount, a 3-letter currency);
 * when it refuses, the event must be empty. The same body under a wrong
 * signature must answer TK_EAUTH. Accepting means payprov_verify answered
 * TK_OK.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fuzz.h"
#include "payprov.h"
#include "paysig.h"
#include "uuid.h"

#define NOW 1700000000

/* provider: a client with the fixed API key and secret (no request is
 * made: payprov_verify needs neither the network nor the API). */
static struct payprov *
provider(void)
{
	static struct payprov *p;
	static unsigned char key[PAYPROV_API_KEY_LEN], secret[PAYSIG_KEY_LEN];

	if (p == NULL) {
		for (size_t i = 0; i < sizeof(secret); i++)
			secret[i] = (unsigned char)i;
		if (payprov_open(
			&(struct payprov_conf){"sandbox", "http://127.0.0.1:1", key, secret}, &p) !=
		    TK_OK)
			abort();
	}
	return p;
}

int
fuzz_accepts(const uint8_t *data, size_t size)
{
	static const struct payprov_event empty;
	unsigned char secret[PAYSIG_KEY_LEN];
	char header[PAYSIG_HEADER_LEN + 1];
	struct payprov_event ev;
	int rc;

	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)i;
	paysig_sign(secret, NOW, (const char *)data, size, header);
	rc = payprov_verify(provider(), header, (const char *)data, size, NOW, &ev);
	if (rc != TK_OK && rc != TK_EINVAL)
		abort();
	if (rc == TK_OK &&
	    ((strcmp(ev.type, "charge.authorized") != 0 && strcmp(ev.type, "charge.failed") != 0) ||
	     !uuid_valid(ev.id) || !uuid_valid(ev.session_id) || !uuid_valid(ev.charge_id) ||
	     !uuid_valid(ev.order_id) || ev.amount <= 0 || strlen(ev.currency) > 3))
		abort();
	if (rc != TK_OK && memcmp(&ev, &empty, sizeof(ev)) != 0)
		abort();
	secret[0] ^= 1;
	paysig_sign(secret, NOW, (const char *)data, size, header);
	if (payprov_verify(provider(), header, (const char *)data, size, NOW, &ev) != TK_EAUTH)
		abort();
	return rc == TK_OK;
}
