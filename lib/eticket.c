/*
 * E-ticket codes (eticket.h): the payload laid out byte by byte, signed
 * with Ed25519 (libsodium, detached signature after the payload) and
 * written in base64url without padding (lib/b64.c's strict decoder). The
 * decoder checks in a fixed order and names the first check that failed,
 * so a door person reads "the code is incomplete" rather than "invalid".
 */
#include <string.h>

#include "b64.h"
#include "err.h"
#include "eticket.h"
#include "uuid.h"

/* Offsets of the fields in the payload. */
enum {
	OFF_VERSION = 0,
	OFF_ORDER = 1,
	OFF_UNIT = OFF_ORDER + UUID_BYTES,
	OFF_EVENT = OFF_UNIT + 1,
	OFF_LISTING = OFF_EVENT + UUID_BYTES,
	OFF_END = OFF_LISTING + UUID_BYTES
};

_Static_assert(OFF_END == ETICKET_PAYLOAD_LEN, "payload layout");
_Static_assert(ETICKET_CODE_LEN == (ETICKET_RAW_LEN * 4 + 2) / 3, "code length");

static const char *const refusal_texts[ETICKET__MAX] = {
    [ETICKET_OK] = "The code is valid.",
    [ETICKET_BAD_LENGTH] = "The code is incomplete or too long: check that all of it was copied.",
    [ETICKET_BAD_CHARACTER] = "The code holds characters an e-ticket code never has.",
    [ETICKET_BAD_VERSION] = "The code is of a format this platform does not issue.",
    [ETICKET_BAD_SIGNATURE] = "The code is not signed by this platform: it was altered or forged.",
    [ETICKET_BAD_FIELD] = "The code is signed but names no ticket.",
};

const char *
eticket_refusal_text(enum eticket_refusal r)
{
	return r >= 0 && r < ETICKET__MAX ? refusal_texts[r] : "The code is not valid.";
}

int
eticket_encode(const struct eticket *t, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
	       char out[ETICKET_CODE_LEN + 1])
{
	unsigned char raw[ETICKET_RAW_LEN];
	int rc = TK_EINVAL;

	out[0] = '\0';
	if (t->unit < 1 || t->unit > 255)
		goto out;
	raw[OFF_VERSION] = ETICKET_VERSION;
	raw[OFF_UNIT] = (unsigned char)t->unit;
	if (uuid_parse(t->order_id, raw + OFF_ORDER) != TK_OK ||
	    uuid_parse(t->event_id, raw + OFF_EVENT) != TK_OK ||
	    uuid_parse(t->listing_id, raw + OFF_LISTING) != TK_OK)
		goto out;
	crypto_sign_detached(raw + ETICKET_PAYLOAD_LEN, NULL, raw, ETICKET_PAYLOAD_LEN, sk);
	b64_encode(raw, sizeof(raw), out);
	rc = TK_OK;
out:
	return rc;
}

/* is_blank: a character a paste may put around a code. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum eticket_refusal
eticket_decode(const char *code, size_t len, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
	       struct eticket *t)
{
	unsigned char raw[ETICKET_RAW_LEN];
	enum eticket_refusal r;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	while (len > 0 && is_blank(*code)) {
		code++;
		len--;
	}
	while (len > 0 && is_blank(code[len - 1]))
		len--;
	if (len != ETICKET_CODE_LEN) {
		r = ETICKET_BAD_LENGTH;
		goto out;
	}
	if (b64_decode(code, len, raw, sizeof(raw), &n) != TK_OK || n != sizeof(raw)) {
		r = ETICKET_BAD_CHARACTER;
		goto out;
	}
	if (raw[OFF_VERSION] != ETICKET_VERSION) {
		r = ETICKET_BAD_VERSION;
		goto out;
	}
	if (crypto_sign_verify_detached(raw + ETICKET_PAYLOAD_LEN, raw, ETICKET_PAYLOAD_LEN, pk) !=
	    0) {
		r = ETICKET_BAD_SIGNATURE;
		goto out;
	}
	if (raw[OFF_UNIT] == 0) {
		r = ETICKET_BAD_FIELD;
		goto out;
	}
	uuid_format(raw + OFF_ORDER, t->order_id);
	uuid_format(raw + OFF_EVENT, t->event_id);
	uuid_format(raw + OFF_LISTING, t->listing_id);
	t->unit = raw[OFF_UNIT];
	r = ETICKET_OK;
out:
	return r;
}
