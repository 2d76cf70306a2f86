/*
 * The table of notices (notify.h): each mail the worker sends is one entry
 * here, one pair of templates under templates/mail/, and, when its event
 * comes on a subject no consumer of the worker reads yet, one consumer
 * (docs/MAIL.md, "Adding a mail").
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "eticket.h"
#include "event.h"
#include "money.h"
#include "notify.h"
#include "qr.h"
#include "text.h"
#include "tmpl.h"
#include "worker.h"

/* A token as the link carries it: 32 random bytes in base64url. */
#define TOKEN_LEN 43
/* Pixels per module of a receipt's QR codes: a 152-character code is 57
 * modules, 65 with the quiet zone, so 260 pixels square. */
#define QR_MAIL_SCALE 4

int
notify_role_rank(const char *role)
{
	if (role == NULL)
		return -1;
	if (strcmp(role, "member") == 0)
		return 0;
	if (strcmp(role, "organizer") == 0)
		return 1;
	if (strcmp(role, "admin") == 0)
		return 2;
	return -1;
}

static const char *
member(const struct notice_in *in, const char *key)
{
	return json_string_value(json_object_get(in->job->ev->data, key));
}

/* --- account tokens (account_token.issued) -------------------------------- */

static int
when_verify(const struct notice_in *in)
{
	const char *p = member(in, "purpose");

	return p != NULL && strcmp(p, "verify_email") == 0;
}

static int
when_reset(const struct notice_in *in)
{
	const char *p = member(in, "purpose");

	return p != NULL && strcmp(p, "reset_password") == 0;
}

/* token_data: what renders a token mail: the sealed token (never opened
 * here), its deadline, whose it is. */
static int
token_data(const struct notice_in *in, json_t *out)
{
	static const char *const keys[] = {"id", "user_id", "purpose", "expires_at", "sealed"};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (member(in, keys[i]) == NULL ||
		    json_object_set_new(out, keys[i], json_string(member(in, keys[i]))) != 0)
			return TK_EINVAL;
	return TK_OK;
}

static const char *
data_str(const struct notice_render *r, const char *key)
{
	const char *s = json_string_value(json_object_get(r->data, key));

	return s != NULL ? s : "";
}

/* set_expiry: EXPIRES_AT as "2026-11-30 08:14 UTC" from the event format. */
static void
set_expiry(struct notice_render *r, const char *t)
{
	char out[32];

	if (strlen(t) != EVENT_TIME_LEN) {
		tmpl_set(r->d, "EXPIRES_AT", t);
		return;
	}
	memcpy(out, t, 10);
	out[10] = ' ';
	memcpy(out + 11, t + 11, 5);
	strcpy(out + 16, " UTC");
	tmpl_set(r->d, "EXPIRES_AT", out);
}

/*
 * fill_token: open the sealed token with the worker's key pair and set
 * LINK to base_url + path + "?token=" + the token. The clear token lives
 * only in this stack frame (wiped) and in the dictionary, which the
 * caller frees right after rendering.
 */
static int
fill_token(struct notice_render *r, const char *path)
{
	unsigned char sealed[crypto_box_SEALBYTES + TOKEN_LEN], token[TOKEN_LEN + 1];
	const char *s = data_str(r, "sealed");
	struct buf link = {0};
	size_t n, i;
	int rc = TK_ECRYPTO;

	if (b64_decode(s, strlen(s), sealed, sizeof(sealed), &n) != TK_OK || n != sizeof(sealed)) {
		r->why = "the sealed token does not decode";
		goto out;
	}
	if (crypto_box_seal_open(token, sealed, sizeof(sealed), r->pk, r->sk) != 0) {
		r->why = "the sealed token does not open with this worker's key";
		goto out;
	}
	token[TOKEN_LEN] = '\0';
	for (i = 0; i < TOKEN_LEN; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
			   token[i]) == NULL ||
		    token[i] == '\0') {
			r->why = "the sealed token is not a base64url token";
			goto out;
		}
	buf_printf(&link, "%s%s?token=%s", r->base_url, path, (const char *)token);
	tmpl_set(r->d, "LINK", link.data);
	set_expiry(r, data_str(r, "expires_at"));
	rc = TK_OK;
out:
	sodium_memzero(token, sizeof(token));
	if (link.data != NULL)
		sodium_memzero(link.data, link.len);
	buf_free(&link);
	return rc;
}

static int
fill_verify(struct notice_render *r)
{
	return fill_token(r, "/auth/email/verify");
}

static int
fill_reset(struct notice_render *r)
{
	return fill_token(r, "/auth/password/reset");
}

/* --- roles (user.updated) --------------------------------------------------- */

/* The role changed from what the replica held (the event is newer). */
static int
role_delta(const struct notice_in *in)
{
	int now = notify_role_rank(member(in, "role"));
	int before = in->prior != NULL ? notify_role_rank(in->prior->role) : -1;

	return now < 0 || before < 0 ? 0 : now - before;
}

static int
when_granted(const struct notice_in *in)
{
	return role_delta(in) > 0;
}

static int
when_revoked(const struct notice_in *in)
{
	return role_delta(in) < 0;
}

static int
role_data(const struct notice_in *in, json_t *out)
{
	if (json_object_set_new(out, "role", json_string(member(in, "role"))) != 0 ||
	    json_object_set_new(out, "previous_role", json_string(in->prior->role)) != 0)
		return TK_EINVAL;
	return TK_OK;
}

static int
fill_role(struct notice_render *r)
{
	struct buf link = {0};
	const char *role = data_str(r, "role");

	tmpl_set(r->d, "ROLE", role);
	tmpl_set(r->d, "PREVIOUS_ROLE", data_str(r, "previous_role"));
	if (strcmp(role, "organizer") == 0 || strcmp(role, "admin") == 0)
		tmpl_show(r->d, strcmp(role, "admin") == 0 ? "ADMIN" : "ORGANIZER");
	buf_printf(&link, "%s/auth/account", r->base_url);
	tmpl_set(r->d, "ACCOUNT_LINK", link.data);
	buf_free(&link);
	return TK_OK;
}

/* --- the marketplace (order.*) ---------------------------------------------- */

static int
reason_is(const struct notice_in *in, const char *reason)
{
	const char *r = member(in, "reason");

	return r != NULL && strcmp(r, reason) == 0;
}

static int
when_expired(const struct notice_in *in)
{
	return reason_is(in, "expired");
}

static int
when_event_cancelled(const struct notice_in *in)
{
	return reason_is(in, "event_cancelled");
}

/* order_data: what every order mail renders: the order's members and its
 * context (struct notice_in), copied, so the mail says what was true when
 * the event was applied. */
static int
order_data(const struct notice_in *in, json_t *out)
{
	static const char *const keys[] = {"id",       "event_id",   "ticket_id",
					   "currency", "expires_at", "reason"};
	static const char *const ints[] = {"quantity", "amount"};
	json_t *data = in->job->ev->data;
	size_t i;

	if (in->context == NULL || json_object_update(out, in->context) != 0)
		return TK_EINVAL;
	/* An order event from before the payments has no reason: "". */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_set_new(
			out, keys[i],
			json_string(member(in, keys[i]) ? member(in, keys[i]) : "")) != 0)
			return TK_EINVAL;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (json_object_set(out, ints[i], json_object_get(data, ints[i])) != 0)
			return TK_EINVAL;
	return TK_OK;
}

/* sale_data: order_data and the platform's fee at the time of the sale:
 * the seller's earnings by money_earnings, as /tickets/mine counts them. */
static int
sale_data(const struct notice_in *in, json_t *out)
{
	long fee_bp = config_int("platform_fee_basis_points");
	json_int_t amount = json_integer_value(json_object_get(in->job->ev->data, "amount"));
	int64_t earned = money_earnings(amount, fee_bp);

	if (order_data(in, out) != TK_OK ||
	    json_object_set_new(out, "fee_basis_points", json_integer(fee_bp)) != 0 ||
	    json_object_set_new(out, "fee", json_integer(amount - earned)) != 0 ||
	    json_object_set_new(out, "earnings", json_integer(earned)) != 0)
		return TK_EINVAL;
	return TK_OK;
}

static int64_t
data_int(const struct notice_render *r, const char *key)
{
	return json_integer_value(json_object_get(r->data, key));
}

/* set_money: key as a page shows minor units of the mail's currency. */
static void
set_money(struct notice_render *r, const char *key, int64_t minor)
{
	const struct money_currency *c = money_currency_find(data_str(r, "currency"));
	char out[MONEY_TEXT_MAX];

	tmpl_set(r->d, key,
		 money_format(minor, c != NULL ? c : money_currency(), out, sizeof(out)));
}

/* fill_order: what every order mail shows: the event, its start at the
 * venue (as the order page: "2026-12-01 20:00 (Europe/Paris)"), the
 * venue, the seats, quantity and amount, the deadline, the links. */
static int
fill_order(struct notice_render *r)
{
	const char *starts = data_str(r, "starts");

	tmpl_set(r->d, "EVENT", data_str(r, "event_name"));
	if (*starts != '\0')
		tmpl_set(tmpl_section(r->d, "WHEN"), "STARTS",
			 arena_printf(r->a, "%s (%s)", starts, data_str(r, "timezone")));
	tmpl_set(r->d, "VENUE", data_str(r, "venue"));
	tmpl_set(r->d, "CITY", data_str(r, "city"));
	tmpl_set(r->d, "ITEM",
		 text_seat(r->a, data_str(r, "section"), data_str(r, "row"), data_str(r, "seat")));
	tmpl_set_int(r->d, "QUANTITY", data_int(r, "quantity"));
	set_money(r, "AMOUNT", data_int(r, "amount"));
	set_expiry(r, data_str(r, "expires_at"));
	tmpl_set(r->d, "ORDER_LINK",
		 arena_printf(r->a, "%s/orders/%s", r->base_url, data_str(r, "id")));
	tmpl_set(r->d, "LISTING_LINK",
		 arena_printf(r->a, "%s/tickets/%s", r->base_url, data_str(r, "ticket_id")));
	tmpl_set(r->d, "MINE_LINK", arena_printf(r->a, "%s/tickets/mine", r->base_url));
	/* The refund's and the cancellation's reasons, and whether money moved. */
	if (strcmp(data_str(r, "reason"), "event_cancelled") == 0)
		tmpl_show(r->d, "EVENT_CANCELLED");
	else
		tmpl_show(r->d, "ADMIN");
	return TK_OK;
}

/* eticket: unit n of the order of r into a new ETICKET section: its code
 * signed as the order page signs it (lib/eticket.h), and its QR code as an
 * inline PNG referenced by CID. */
static int
eticket(struct notice_render *r, int n)
{
	struct eticket t = {.unit = n};
	char code[ETICKET_CODE_LEN + 1];
	struct buf png = {0};
	const char *cid = arena_printf(r->a, "eticket-%d.%s@ticketing", n, data_str(r, "id"));
	tmpl_dict *b;
	int rc;

	snprintf(t.order_id, sizeof(t.order_id), "%s", data_str(r, "id"));
	snprintf(t.event_id, sizeof(t.event_id), "%s", data_str(r, "event_id"));
	snprintf(t.listing_id, sizeof(t.listing_id), "%s", data_str(r, "ticket_id"));
	rc = eticket_encode(&t, r->eticket_sk, code);
	if (rc == TK_OK)
		rc = qr_png(code, QR_MAIL_SCALE, &png, NULL);
	if (rc == TK_OK)
		rc = notify_image_add(r, cid, "image/png", arena_printf(r->a, "eticket-%d.png", n),
				      &png);
	buf_free(&png);
	if (rc != TK_OK) {
		r->why = "an e-ticket cannot be made";
		return rc;
	}
	b = tmpl_section(r->d, "ETICKET");
	tmpl_set_int(b, "UNIT", n);
	tmpl_set_int(b, "UNITS", data_int(r, "quantity"));
	tmpl_set(b, "CODE", code);
	tmpl_set(b, "CID", cid);
	return TK_OK;
}

/* fill_receipt: fill_order and one e-ticket per unit. */
static int
fill_receipt(struct notice_render *r)
{
	int64_t n, units = data_int(r, "quantity");
	int rc = fill_order(r);

	if (r->eticket_sk == NULL) {
		r->why = "no eticket_key_file: the e-tickets cannot be signed";
		return TK_ECONFIG;
	}
	for (n = 1; rc == TK_OK && n <= units; n++)
		rc = eticket(r, (int)n);
	return rc;
}

/* fill_sale: fill_order, the fee and the earnings. */
static int
fill_sale(struct notice_render *r)
{
	int64_t bp = data_int(r, "fee_basis_points");

	set_money(r, "FEE", data_int(r, "fee"));
	set_money(r, "EARNINGS", data_int(r, "earnings"));
	if (bp > 0)
		tmpl_set(tmpl_section(r->d, "FEE_SHOWN"), "FEE_PERCENT",
			 arena_printf(r->a, "%lld.%02lld", (long long)(bp / 100),
				      (long long)(bp % 100)));
	return fill_order(r);
}

/* fill_cancelled: fill_order, and whether money was taken: a reservation
 * (order.cancelled) was never charged, a paid order (its refund asked)
 * gets its money back. */
static int
fill_cancelled(struct notice_render *r)
{
	tmpl_show(r->d, data_int(r, "charged") ? "CHARGED" : "NOT_CHARGED");
	return fill_order(r);
}

/* cancelled_data: order_data, and charged: 1 for a paid order. */
static int
cancelled_data(const struct notice_in *in, json_t *out)
{
	int charged = strcmp(in->job->ev->type, "order.refund_requested") == 0;

	if (order_data(in, out) != TK_OK ||
	    json_object_set_new(out, "charged", json_integer(charged)) != 0)
		return TK_EINVAL;
	return TK_OK;
}

/* --- the table ------------------------------------------------------------ */

const struct notice notices[] = {
    {"account_token.issued", "verify_email", when_verify, NOTICE_TO_EVENT, NULL, token_data,
     fill_verify},
    {"account_token.issued", "reset_password", when_reset, NOTICE_TO_EVENT, NULL, token_data,
     fill_reset},
    {"user.updated", "role_granted", when_granted, NOTICE_TO_USER, "id", role_data, fill_role},
    {"user.updated", "role_revoked", when_revoked, NOTICE_TO_USER, "id", role_data, fill_role},
    {"order.created", "reservation_made", NULL, NOTICE_TO_USER, "buyer_id", order_data, fill_order},
    {"order.completed", "receipt", NULL, NOTICE_TO_USER, "buyer_id", order_data, fill_receipt},
    {"order.completed", "listing_sold", NULL, NOTICE_TO_USER, "seller_id", sale_data, fill_sale},
    {"order.cancelled", "reservation_expired", when_expired, NOTICE_TO_USER, "buyer_id", order_data,
     fill_order},
    {"order.refunded", "refunded", NULL, NOTICE_TO_USER, "buyer_id", order_data, fill_order},
    /* One kind, two events: both entries share data and fill. */
    {"order.cancelled", "event_cancelled", when_event_cancelled, NOTICE_TO_USER, "buyer_id",
     cancelled_data, fill_cancelled},
    {"order.refund_requested", "event_cancelled", when_event_cancelled, NOTICE_TO_USER, "buyer_id",
     cancelled_data, fill_cancelled},
};
const size_t nnotices = sizeof(notices) / sizeof(notices[0]);
