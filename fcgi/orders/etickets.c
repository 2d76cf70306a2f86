/*
 * The e-tickets of an order page (GET /orders/:id): a complete order shows
 * one block per unit with its signed code (lib/eticket.h) as a QR code
 * (lib/qr.h) and as text, the event's name, local start time and
 * venue, the seat and the holder's name; a refunded order shows no code
 * and says its tickets were revoked. The orders service signs with the
 * secret key of eticket_key_file; only the tickets service verifies.
 */
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "eticket.h"
#include "log.h"
#include "orders.h"
#include "qr.h"
#include "req.h"
#include "sess.h"
#include "tmpl.h"

static unsigned char *eticket_sk; /* sodium_malloc'd, read-only after init */

int
etickets_init(void)
{
	int rc = TK_ECRYPTO;

	eticket_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (eticket_sk == NULL)
		goto out;
	rc = config_read_hex_file(config_str("eticket_key_file"), eticket_sk,
				  crypto_sign_SECRETKEYBYTES);
	if (rc != TK_OK) {
		log_error("orders: cannot read eticket_key_file %s",
			  config_str("eticket_key_file"));
		goto out;
	}
	sodium_mprotect_readonly(eticket_sk);
out:
	return rc;
}

/* block: the e-ticket of unit n of order o into a new ETICKET section of
 * e. TK_OK, or the error of eticket_encode or qr_svg. */
static int
block(struct request *r, tmpl_dict *e, const struct order *o, int n, const char *item)
{
	struct eticket t = {.unit = n};
	char code[ETICKET_CODE_LEN + 1];
	struct buf svg = {0};
	tmpl_dict *b;
	int rc;

	memcpy(t.order_id, o->id, sizeof(t.order_id));
	memcpy(t.event_id, o->event_id, sizeof(t.event_id));
	memcpy(t.listing_id, o->listing_id, sizeof(t.listing_id));
	rc = eticket_encode(&t, eticket_sk, code);
	if (rc == TK_OK)
		rc = qr_svg(code, &svg, NULL);
	if (rc != TK_OK)
		goto out;
	b = tmpl_section(e, "ETICKET");
	tmpl_set_int(b, "UNIT", n);
	tmpl_set_int(b, "UNITS", o->quantity);
	/* Numbers and fixed markup only (lib/qr.h): shown unescaped. */
	tmpl_set(b, "QR_SVG", svg.data);
	tmpl_set(b, "CODE", code);
	tmpl_set(b, "EVENT_NAME", *o->event_name ? o->event_name : "The event");
	tmpl_set(b, "STARTS", o->event_starts);
	tmpl_set(b, "TIMEZONE", o->event_tz);
	tmpl_set(b, "VENUE", o->venue);
	tmpl_set(b, "CITY", o->city);
	tmpl_set(b, "ITEM", item);
	tmpl_set(b, "HOLDER", r->session->name);
out:
	buf_free(&svg);
	return rc;
}

int
etickets_show(struct request *r, tmpl_dict *d, const struct order *o, const char *item)
{
	tmpl_dict *e;
	long n;
	int rc = TK_OK;

	if (strcmp(o->state, "refunded") == 0) {
		tmpl_show(tmpl_include(d, "ETICKETS", "pages/orders/etickets.tpl"), "REVOKED");
		goto out;
	}
	/* The codes are the holder's: an admin looking at the order sees its
	 * state and refund form, never codes that would let anyone in. */
	if (strcmp(o->state, "complete") != 0 || strcmp(o->buyer_id, r->session->user_id) != 0)
		goto out;
	e = tmpl_include(d, "ETICKETS", "pages/orders/etickets.tpl");
	tmpl_set_int(e, "UNITS", o->quantity);
	e = tmpl_section(e, "VALID");
	for (n = 1; rc == TK_OK && n <= o->quantity; n++)
		rc = block(r, e, o, (int)n, item);
out:
	return rc;
}
