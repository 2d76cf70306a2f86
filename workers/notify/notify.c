/*
 * ticketing-notify: the notifications worker (docs/MAIL.md). A worker of
 * the shell (lib/worker.h) on its own database, ticketing_notify, with
 * consumers that decide which mails to send and a loop that sends them:
 *
 *   notify-users           ticketing.user.*  keeps users_replica (address,
 *                          name, role, version; applied by version) and,
 *                          when a user.updated changes the role the
 *                          replica held, writes the role mail
 *   notify-account-tokens  ticketing.account_token.*  writes the address
 *                          verification or password reset mail of an
 *                          account_token.issued
 *   notify-orders          ticketing.order.*  writes the marketplace mails
 *                          (reservation made, receipt, listing sold,
 *                          reservation expired, refunded, event
 *                          cancelled), with what the replicas below say of
 *                          the order's listing, event and venue copied in;
 *                          while a replica lacks a row the order's mails
 *                          need, the event is retried, never mailed with
 *                          holes
 *   notify-events, notify-venues, notify-tickets  ticketing.event.*,
 *                          ticketing.venue.*, ticketing.ticket.*  keep
 *                          events_replica, venues_replica and
 *                          listings_replica with the replicator's applies
 *                          (workers/replicator/repl.c, compiled in)
 *
 * All run in the shell's transaction with the event's processed_events
 * record (WORKER_TX): a mail row is written exactly once per event,
 * whatever dies when, and its Message-ID, <EVENT_ID.KIND@host>, is unique
 * in the table besides. Which event makes which mail is the table of
 * notices.c.
 *
 * The loop (the main thread) takes the due rows of mails and, one at a
 * time, claims each (its row locked FOR UPDATE SKIP LOCKED in a
 * transaction of its own, so two instances of the worker never send the
 * same mail: the twin skips it; a crash rolls the claim back at once),
 * renders it from its templates (mail/KIND.txt, mail/KIND.html.tpl) and
 * its data, sends it over SMTP (lib/smtp.h), and records the outcome in
 * that transaction before its commit: sent; a transient failure due
 * again after a backoff that doubles from mail_retry_min_seconds to
 * mail_retry_max_seconds, given up (failed) after mail_give_up_seconds;
 * a permanent one (5xx to the recipient or content, a mail that cannot
 * render) failed at once. A crash between the server's acceptance and
 * the record sends that one mail again, with the same Message-ID
 * (docs/DECISIONS.md, "Mail: at least once, one duplicate at most per
 * crash"). The token of a
 * verification or reset link stays sealed to this worker's key in the
 * row; it is opened only while the mail is rendered, and the rendered
 * message is never stored. So are a receipt's e-ticket codes: signed
 * while it is rendered with eticket_key_file, as the order page signs
 * them, never in a row or on the stream.
 *
 * Usage: ticketing-notify --config FILE [--kill-after-apply N]
 *        [--kill-after-send N]
 * FILE is the notify configuration (its database account, NATS, the
 * settings below). --kill-after-send (fault tests) SIGKILLs the process
 * right after the server accepted its Nth mail, before recording it.
 *
 * Settings (besides the common ones; base_url makes the links and the
 * Message-IDs' host, template_dir holds templates/mail/):
 *   smtp_url            smtp://HOST:PORT or smtps://HOST:PORT
 *   smtp_tls            none, try (STARTTLS when offered) or all [try]
 *   smtp_user           AUTH user; empty: no AUTH [""]
 *   smtp_password_file  file holding the AUTH password [""]
 *   mail_from           the sender address (required)
 *   mail_from_name      the sender's display name [Ticketing]
 *   notify_key_file     the crypto_box secret key, 32 raw bytes (required)
 *   eticket_key_file    the e-tickets' Ed25519 secret key, hex (the orders
 *                       service's): receipts fail to render without it
 *   platform_fee_basis_points  the fee a sale mail takes from the amount
 *   mail_retry_min_seconds, mail_retry_max_seconds, mail_give_up_seconds
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "log.h"
#include "mail.h"
#include "notify.h"
#include "replicator.h"
#include "smtp.h"
#include "tmpl.h"
#include "uuid.h"
#include "worker.h"
#include "xalloc.h"

/* Rows the loop takes per round (ST_DUE's LIMIT). */
#define BATCH 20
/* The longest sleep of the loop: how late a mail the consumers wrote (and
 * woke the loop for before their commit) may be found. */
#define MAX_SLEEP_MS 500
#define NAME_MAX_CHARS 100
#define TOKEN_LEN 43
/* The oldest order event that still gets its mails, in seconds. */
#define ORDER_MAIL_MAX_AGE_S 86400

enum stmt {
	ST_USER_GET = WORKER_ST__FIRST,
	ST_USER_UPSERT,
	ST_USER_ADDR,
	ST_MAIL_INSERT,
	ST_DUE,
	ST_CLAIM,
	ST_SENT,
	ST_RETRY,
	ST_FAILED,
	ST_NEXT,
	ST_EVENT_UPSERT,
	ST_VENUE_UPSERT,
	ST_LISTING_UPSERT,
	ST_ORDER_CONTEXT,
	ST__MAX
};

#define IF_NEWER(col) col " = IF(VALUES(version) > version, VALUES(" col "), " col "), "

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_USER_GET] = "SELECT role, email, name, email_verified, version FROM users_replica"
		    " WHERE id = ? FOR UPDATE",
    [ST_USER_UPSERT] =
	"INSERT INTO users_replica (id, email, email_verified, name, role,"
	" version) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " IF_NEWER("email")
	    IF_NEWER("email_verified") IF_NEWER("name")
		IF_NEWER("role") "version = GREATEST(version, VALUES(version))",
    [ST_USER_ADDR] = "SELECT email, name FROM users_replica WHERE id = ?",
    /* A second row for the same Message-ID (the same event and kind) is
     * never written. */
    [ST_MAIL_INSERT] = "INSERT INTO mails (message_id, kind, event_id, user_id, recipient,"
		       " recipient_name, data, state, last_error, next_attempt_at, created_at)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
		       " ON DUPLICATE KEY UPDATE id = id",
    /* LIMIT is BATCH. */
    [ST_DUE] = "SELECT id, message_id, kind, recipient, recipient_name, data, attempts,"
	       " TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP(6)) FROM mails"
	       " WHERE state = 'queued' AND next_attempt_at <= UTC_TIMESTAMP(6)"
	       " ORDER BY next_attempt_at, id LIMIT 20",
    /* The claim of one due mail for the time of its sending: the row stays
     * locked until the outcome's commit (or a crash's rollback), and a
     * twin instance skips it. By primary key: no gap is locked, the
     * consumers' inserts never wait. */
    [ST_CLAIM] = "SELECT id FROM mails WHERE id = ? AND state = 'queued'"
		 " AND next_attempt_at <= UTC_TIMESTAMP(6) FOR UPDATE SKIP LOCKED",
    [ST_SENT] = "UPDATE mails SET state = 'sent', sent_at = UTC_TIMESTAMP(6),"
		" attempts = attempts + 1, last_error = NULL WHERE id = ? AND state = 'queued'",
    /* seconds, error, id */
    [ST_RETRY] = "UPDATE mails SET attempts = attempts + 1,"
		 " next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, last_error = ?"
		 " WHERE id = ? AND state = 'queued'",
    /* attempts made (0 or 1), error, id */
    [ST_FAILED] = "UPDATE mails SET state = 'failed', attempts = attempts + ?, last_error = ?"
		  " WHERE id = ? AND state = 'queued'",
    /* Milliseconds until the earliest due mail; NULL when none. */
    [ST_NEXT] = "SELECT TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), MIN(next_attempt_at))"
		" DIV 1000 FROM mails WHERE state = 'queued'",
    [ST_EVENT_UPSERT] = REPL_EVENT_UPSERT_SQL,
    [ST_VENUE_UPSERT] = REPL_VENUE_UPSERT_SQL,
    [ST_LISTING_UPSERT] = REPL_LISTING_PLACE_UPSERT_SQL,
    /* An order's context (struct notice_in): its listing (the ticket_id),
     * the listing's event and its venue; no row while a replica lacks one.
     * The start in the venue's time zone, as the order page shows it. */
    [ST_ORDER_CONTEXT] =
	"SELECT l.section, l.row_label, l.seat, e.name, COALESCE(DATE_FORMAT(CONVERT_TZ("
	"e.starts_at, '+00:00', v.timezone), '%Y-%m-%d %H:%i'), ''), v.timezone, v.name,"
	" v.city FROM listings_replica l JOIN events_replica e ON e.id = l.event_id"
	" JOIN venues_replica v ON v.id = e.venue_id WHERE l.id = ?",
};

static const struct config_key config_keys[] = {
    {"smtp_url", CONFIG_STR, "smtp://127.0.0.1:25", 0, 0,
     "SMTP server: smtp://HOST:PORT or smtps://HOST:PORT"},
    {"smtp_tls", CONFIG_STR, "try", 0, 0,
     "STARTTLS on smtp://: none, try (when offered) or all (required)"},
    {"smtp_user", CONFIG_STR, "", 0, 0, "SMTP AUTH user; empty: no AUTH"},
    {"smtp_password_file", CONFIG_STR, "", 0, 0, "file holding the SMTP AUTH password"},
    {"mail_from", CONFIG_STR, "", 0, 0, "the address mails come from"},
    {"mail_from_name", CONFIG_STR, "Ticketing", 0, 0, "the display name mails come from"},
    {"notify_key_file", CONFIG_STR, "", 0, 0,
     "crypto_box secret key (32 raw bytes) that opens sealed account tokens"},
    {"eticket_key_file", CONFIG_STR, "", 0, 0,
     "Ed25519 secret key of the e-tickets (hex), the orders service's: the receipts' codes"},
    {"platform_fee_basis_points", CONFIG_INT, "0", 0, 10000,
     "the platform's fee on sales, as the tickets service's: the sale mails' earnings"},
    {"mail_retry_min_seconds", CONFIG_INT, "30", 1, 86400,
     "first delay after a transient SMTP failure (doubles each time)"},
    {"mail_retry_max_seconds", CONFIG_INT, "3600", 1, 604800,
     "longest delay between two attempts of one mail"},
    {"mail_give_up_seconds", CONFIG_INT, "259200", 60, 2592000,
     "a mail still failing transiently this long after it was written fails"},
};

static long kill_after_send; /* --kill-after-send; 0: never */
static long accepted;        /* mails the server accepted in this process */

/* The sender's settings, read once by the loop. */
static struct {
	struct smtp *smtp;
	const char *from, *from_name, *base_url;
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	unsigned char *eticket_sk; /* sodium_malloc'd; NULL without eticket_key_file */
	long retry_min, retry_max, give_up;
} snd;

/* --- the consumers --------------------------------------------------------- */

static const char *
member(const struct envelope *ev, const char *key)
{
	return json_string_value(json_object_get(ev->data, key));
}

/* chars_ok: s is at most max UTF-8 characters. */
static int
chars_ok(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n <= max;
}

/* recipient: the address and name notice n of in goes to into *email and
 * *name; *email NULL when none is known. */
static int
recipient(const struct notice *n, const struct notice_in *in, const char **email, const char **name)
{
	struct db_rows rows;
	const char *id;
	int rc;

	*email = *name = NULL;
	if (n->to == NOTICE_TO_EVENT) {
		*email = member(in->job->ev, "email");
		*name = member(in->job->ev, "name");
		return TK_OK;
	}
	id = member(in->job->ev, n->user_key);
	if (id == NULL || !uuid_valid(id))
		return TK_EINVAL;
	rc = db_exec(in->job->db, ST_USER_ADDR, (struct db_val[]){DB_S(id)}, 1, in->job->a, &rows);
	/* No row, or no address in it: no mail (docs/DECISIONS.md, "Mail:
	 * the marketplace mails copy names..."). */
	if (rc != TK_OK || rows.nrows == 0 || db_cell(&rows, 0, 0)->type == DB_NULL)
		return rc;
	*email = db_str(&rows, 0, 0);
	*name = db_str(&rows, 0, 1);
	return TK_OK;
}

/* write_mail: the row of notice n for in's event, to email/name. */
static int
write_mail(const struct notice *n, const struct notice_in *in, const char *email, const char *name)
{
	const struct envelope *ev = in->job->ev;
	char mid[256], *text = NULL;
	const char *user = NULL, *state = "queued", *error = NULL;
	json_t *data = json_object();
	int rc = TK_EINVAL;

	if (data == NULL || n->data(in, data) != TK_OK)
		goto out;
	rc = mail_message_id(ev->event_id, n->kind, config_str("base_url"), mid, sizeof(mid));
	if (rc != TK_OK)
		goto out;
	text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	if (n->to == NOTICE_TO_USER)
		user = member(ev, n->user_key);
	else if (member(ev, "user_id") != NULL && uuid_valid(member(ev, "user_id")))
		user = member(ev, "user_id");
	/* An address this worker never writes to: the row records why. */
	if (!mail_addr_valid(email)) {
		state = "failed";
		error = "the address is not one this worker sends to";
	}
	rc = db_exec(in->job->db, ST_MAIL_INSERT,
		     (struct db_val[]){DB_S(mid), DB_S(n->kind), DB_S(ev->event_id),
				       user != NULL ? DB_S(user) : DB_NUL,
				       DB_SN(email, strnlen(email, 254)),
				       DB_S(name != NULL ? name : ""), DB_S(text), DB_S(state),
				       error != NULL ? DB_S(error) : DB_NUL},
		     9, NULL, NULL);
	if (rc == TK_OK) {
		log_info("notify: %s mail %s %s", n->kind, mid,
			 error == NULL ? "queued" : "failed: bad address");
		worker_wake();
	}
out:
	free(text);
	json_decref(data);
	return rc;
}

/* deserves: 1 when in's event deserves notice n's mail. */
static int
deserves(const struct notice *n, const struct notice_in *in)
{
	return strcmp(n->type, in->job->ev->type) == 0 && (n->when == NULL || n->when(in));
}

/* deserves_any: 1 when in's event deserves at least one mail. */
static int
deserves_any(const struct notice_in *in)
{
	size_t i;

	for (i = 0; i < nnotices; i++)
		if (deserves(&notices[i], in))
			return 1;
	return 0;
}

/* write_notices: a mail row for each notice in's event deserves. */
static int
write_notices(const struct notice_in *in)
{
	const char *email, *name;
	size_t i;
	int rc;

	for (i = 0; i < nnotices; i++) {
		const struct notice *n = &notices[i];

		if (!deserves(n, in))
			continue;
		rc = recipient(n, in, &email, &name);
		if (rc != TK_OK)
			return rc;
		if (email == NULL) {
			log_warn("notify: no address known for the %s mail of event %s: not sent",
				 n->kind, in->job->ev->event_id);
			continue;
		}
		rc = write_mail(n, in, email, name);
		if (rc != TK_OK)
			return rc;
	}
	return TK_OK;
}

/*
 * apply_user: a user event into users_replica (by version) and its
 * notices, which see the role held before. Members: id, name, role,
 * version, and the address (email, email_verified) of the mail contract;
 * an event without the address (written by an auth older than the
 * contract, replayed from the stream) keeps what the row holds.
 */
static int
apply_user(struct worker_job *job)
{
	const struct envelope *ev = job->ev;
	const char *id = member(ev, "id"), *name = member(ev, "name"), *role = member(ev, "role"),
		   *email = member(ev, "email");
	json_t *v = json_object_get(ev->data, "version"),
	       *verified = json_object_get(ev->data, "email_verified");
	struct notify_prior prior = {0};
	struct notice_in in = {.job = job};
	struct db_rows rows;
	int64_t held = 0, is_verified = 0;
	int rc;

	if (!json_is_object(ev->data) || id == NULL || !uuid_valid(id) ||
	    strcmp(id, ev->aggregate_id) != 0 || name == NULL || !chars_ok(name, NAME_MAX_CHARS) ||
	    notify_role_rank(role) < 0 || !json_is_integer(v) ||
	    json_integer_value(v) != ev->version ||
	    (json_object_get(ev->data, "email") != NULL &&
	     (email == NULL || strlen(email) > 254)) ||
	    (verified != NULL && !json_is_boolean(verified)))
		return TK_EINVAL;
	rc = db_exec(job->db, ST_USER_GET, (struct db_val[]){DB_S(id)}, 1, job->a, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 1) {
		held = db_int(&rows, 0, 4);
		if (email == NULL && db_cell(&rows, 0, 1)->type != DB_NULL)
			email = db_str(&rows, 0, 1);
		is_verified = db_int(&rows, 0, 3);
		if (held < ev->version) {
			prior.role = db_str(&rows, 0, 0);
			prior.email = email;
			prior.name = db_str(&rows, 0, 2);
			in.prior = &prior;
		}
	}
	if (verified != NULL)
		is_verified = json_is_true(verified);
	rc =
	    db_exec(job->db, ST_USER_UPSERT,
		    (struct db_val[]){DB_S(id), email != NULL ? DB_S(email) : DB_NUL,
				      DB_I(is_verified), DB_S(name), DB_S(role), DB_I(ev->version)},
		    6, NULL, NULL);
	if (rc != TK_OK || in.prior == NULL)
		return rc; /* new, or not newer than the replica: no comparison */
	in.email = email;
	in.name = name;
	return write_notices(&in);
}

static struct worker_verdict
h_users(struct worker_job *job)
{
	return worker_verdict_of(apply_user(job), job->delivered);
}

/*
 * check_token_event: account_token.issued's data as the mail contract
 * gives it, and nothing else: id (the aggregate), user_id, purpose,
 * email, name, expires_at, sealed (the token sealed to this worker's
 * public key, which only the loop opens).
 */
static int
check_token_event(const struct envelope *ev)
{
	unsigned char sealed[crypto_box_SEALBYTES + TOKEN_LEN];
	const char *id = member(ev, "id"), *user = member(ev, "user_id"),
		   *purpose = member(ev, "purpose"), *name = member(ev, "name"),
		   *s = member(ev, "sealed");
	int64_t ms;
	size_t n;

	if (!json_is_object(ev->data) || id == NULL || !uuid_valid(id) ||
	    strcmp(id, ev->aggregate_id) != 0 || user == NULL || !uuid_valid(user) ||
	    purpose == NULL ||
	    (strcmp(purpose, "verify_email") != 0 && strcmp(purpose, "reset_password") != 0) ||
	    member(ev, "email") == NULL || strlen(member(ev, "email")) > 254 || name == NULL ||
	    !chars_ok(name, NAME_MAX_CHARS) ||
	    event_time_ms(member(ev, "expires_at"), &ms) != TK_OK || s == NULL ||
	    b64_decode(s, strlen(s), sealed, sizeof(sealed), &n) != TK_OK || n != sizeof(sealed))
		return TK_EINVAL;
	return TK_OK;
}

static struct worker_verdict
h_tokens(struct worker_job *job)
{
	struct notice_in in = {.job = job};
	int rc;

	if (strcmp(job->ev->type, "account_token.issued") != 0)
		return worker_ack();
	rc = check_token_event(job->ev);
	if (rc == TK_OK)
		rc = write_notices(&in);
	return worker_verdict_of(rc, job->delivered);
}

/* later: the verdict of rc, where TK_ENOTFOUND (a replica lacks a row the
 * mail needs) is another delivery after the shell's retry backoff. */
static struct worker_verdict
later(int rc, const struct worker_job *job)
{
	if (rc == TK_ENOTFOUND)
		return worker_retry_backoff(job->delivered);
	return worker_verdict_of(rc, job->delivered);
}

/* check_order_event: the members of an order.* (docs/MARKETPLACE.md,
 * docs/PAYMENTS.md) the marketplace mails read. */
static int
check_order_event(const struct envelope *ev)
{
	static const char *const ids[] = {"id", "buyer_id", "seller_id", "ticket_id", "event_id"};
	int64_t n;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (repl_str(ev, ids[i], 36) == NULL || !uuid_valid(repl_str(ev, ids[i], 36)))
			return TK_EINVAL;
	if (!repl_versioned(ev, repl_str(ev, "id", 36)) || !repl_int(ev, "quantity", 1, 255, &n) ||
	    !repl_int(ev, "amount", 0, INT64_MAX, &n) || repl_str(ev, "currency", 3) == NULL ||
	    (json_object_get(ev->data, "reason") != NULL && repl_text(ev, "reason", 64) == NULL) ||
	    event_time_ms(repl_str(ev, "expires_at", EVENT_TIME_LEN), &n) != TK_OK)
		return TK_EINVAL;
	return TK_OK;
}

/* order_context: what the replicas say of the listing, event and venue of
 * order event job->ev into a new object *out. TK_ENOTFOUND while one of
 * them lacks its row. */
static int
order_context(struct worker_job *job, json_t **out)
{
	static const char *const keys[] = {"section", "row",      "seat",  "event_name",
					   "starts",  "timezone", "venue", "city"};
	struct db_rows rows;
	size_t i;
	int rc;

	*out = NULL;
	rc = db_exec(job->db, ST_ORDER_CONTEXT,
		     (struct db_val[]){DB_S(repl_str(job->ev, "ticket_id", 36))}, 1, job->a, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0) {
		log_info("notify: order event %s waits for the replicas of its listing, event "
			 "and venue",
			 job->ev->event_id);
		return TK_ENOTFOUND;
	}
	*out = json_object();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (*out == NULL ||
		    json_object_set_new(*out, keys[i], json_string(db_str(&rows, 0, i))) != 0)
			return TK_EINTERNAL;
	return TK_OK;
}

static struct worker_verdict
h_orders(struct worker_job *job)
{
	struct notice_in in = {.job = job};
	int64_t at;
	int rc;

	/* An order event without a buyer or a listing is no order of a
	 * member (the expiry tests and bench write such): no mail. */
	if (!deserves_any(&in) || (repl_str(job->ev, "buyer_id", 36) == NULL &&
				   repl_str(job->ev, "ticket_id", 36) == NULL))
		return worker_ack();
	/* A consumer added to a stream with history replays it: the orders
	 * of long ago get no mail now (docs/DECISIONS.md). */
	if (event_time_ms(job->ev->occurred_at, &at) == TK_OK &&
	    at < (int64_t)time(NULL) * 1000 - (int64_t)ORDER_MAIL_MAX_AGE_S * 1000) {
		log_info("notify: order event %s is older than %d s: no mail", job->ev->event_id,
			 ORDER_MAIL_MAX_AGE_S);
		return worker_ack();
	}
	rc = check_order_event(job->ev);
	if (rc == TK_OK)
		rc = order_context(job, &in.context);
	if (rc == TK_OK)
		rc = write_notices(&in);
	json_decref(in.context);
	return later(rc, job);
}

static struct worker_verdict
h_events(struct worker_job *job)
{
	return worker_verdict_of(repl_event(job->db, ST_EVENT_UPSERT, job->ev), job->delivered);
}

static struct worker_verdict
h_venues(struct worker_job *job)
{
	return worker_verdict_of(repl_venue(job->db, ST_VENUE_UPSERT, job->ev), job->delivered);
}

static struct worker_verdict
h_tickets(struct worker_job *job)
{
	return worker_verdict_of(repl_listing_place(job->db, ST_LISTING_UPSERT, job->ev),
				 job->delivered);
}

/* --- the sender ------------------------------------------------------------- */

/* One due mail, as ST_DUE reads it. */
struct mail_row {
	const char *id, *message_id, *kind, *recipient, *name, *data;
	int64_t attempts, age_seconds;
};

static const struct notice *
notice_of(const char *kind)
{
	size_t i;

	for (i = 0; i < nnotices; i++)
		if (strcmp(notices[i].kind, kind) == 0)
			return &notices[i];
	return NULL;
}

/* wipe: clear and release a buffer that held a clear token. */
static void
wipe(struct buf *b)
{
	if (b->data != NULL)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

int
notify_image_add(struct notice_render *r, const char *cid, const char *type, const char *filename,
		 struct buf *data)
{
	struct mail_image *im;
	struct buf *bufs;

	if (cid == NULL || *cid == '\0' || strpbrk(cid, "<> \t\r\n") != NULL)
		return TK_EINVAL;
	im = xrealloc(r->images, (r->nimages + 1) * sizeof(*im));
	r->images = im;
	bufs = xrealloc(r->image_data, (r->nimages + 1) * sizeof(*bufs));
	r->image_data = bufs;
	bufs[r->nimages] = *data;
	*data = (struct buf){0};
	im[r->nimages] = (struct mail_image){.cid = arena_strdup(r->a, cid),
					     .type = type,
					     .filename = filename,
					     .data = (const unsigned char *)bufs[r->nimages].data,
					     .len = bufs[r->nimages].len};
	r->nimages++;
	return TK_OK;
}

/*
 * render: mail m as a whole message into out. TK_OK, or an error with
 * *why (the mail cannot be sent as it is: it fails).
 */
static int
render(const struct mail_row *m, struct buf *out, const char **why)
{
	const struct notice *n = notice_of(m->kind);
	struct notice_render r = {.base_url = snd.base_url,
				  .pk = snd.pk,
				  .sk = snd.sk,
				  .eticket_sk = snd.eticket_sk,
				  .a = arena_new()};
	struct buf text = {0}, html = {0}, file = {0};
	char name[NAME_MAX_CHARS * 4 + 1], subject[400];
	const char *body, *nl;
	size_t len;
	int rc = TK_ETEMPLATE;

	*why = "no such mail kind";
	r.data = json_loads(m->data, 0, NULL);
	r.d = tmpl_dict_new();
	if (n == NULL || r.data == NULL)
		goto out;
	/* Control characters of a name never reach a template. */
	mail_header_text(m->name, name, sizeof(name));
	tmpl_set(r.d, "NAME", name);
	tmpl_set(r.d, "BASE_URL", snd.base_url);
	rc = n->fill(&r);
	if (rc != TK_OK) {
		*why = r.why != NULL ? r.why : "its data does not render";
		goto out;
	}
	*why = "its templates do not render";
	buf_printf(&file, "mail/%s.txt", m->kind);
	rc = tmpl_render(file.data, r.d, &text);
	buf_reset(&file);
	buf_printf(&file, "mail/%s.html.tpl", m->kind);
	if (rc == TK_OK)
		rc = tmpl_render(file.data, r.d, &html);
	if (rc != TK_OK)
		goto out;
	/* The text template's first line is the subject, a blank line after. */
	rc = TK_ETEMPLATE;
	nl = text.data != NULL ? strchr(text.data, '\n') : NULL;
	if (nl == NULL)
		goto out;
	len = (size_t)(nl - text.data) < sizeof(subject) - 1 ? (size_t)(nl - text.data)
							     : sizeof(subject) - 1;
	memcpy(subject, text.data, len);
	subject[len] = '\0';
	body = nl + 1;
	while (*body == '\n')
		body++;
	{
		struct mail_msg msg = {
		    .from = {snd.from_name, snd.from},
		    .to = {name, m->recipient},
		    .subject = subject,
		    .date = (int64_t)time(NULL),
		    .message_id = m->message_id,
		    .text = body,
		    .html = html.data,
		    .images = r.images,
		    .nimages = r.nimages,
		};

		*why = "the message cannot be composed (address or Message-ID)";
		rc = mail_compose(&msg, out);
	}
out:
	wipe(&text);
	wipe(&html);
	buf_free(&file);
	tmpl_dict_free(r.d); /* the clear token's only other copy */
	json_decref(r.data);
	for (len = 0; len < r.nimages; len++)
		buf_free(&r.image_data[len]);
	free(r.images);
	free(r.image_data);
	arena_free(r.a);
	return rc;
}

/* retry_delay: seconds before attempt number attempts + 1. */
static long
retry_delay(int64_t attempts)
{
	long d = snd.retry_min;

	while (attempts-- > 0 && d < snd.retry_max)
		d *= 2;
	return d < snd.retry_max ? d : snd.retry_max;
}

/* record: the outcome of one attempt of m. */
static int
record(struct db *db, const struct mail_row *m, enum smtp_outcome o, const char *detail)
{
	int rc;

	if (o == SMTP_SENT)
		return db_exec(db, ST_SENT, (struct db_val[]){DB_S(m->id)}, 1, NULL, NULL);
	if (o == SMTP_TRANSIENT && m->age_seconds < snd.give_up)
		return db_exec(
		    db, ST_RETRY,
		    (struct db_val[]){DB_I(retry_delay(m->attempts)), DB_S(detail), DB_S(m->id)}, 3,
		    NULL, NULL);
	/* Refused for good, or given up after mail_give_up_seconds. */
	rc = db_exec(db, ST_FAILED, (struct db_val[]){DB_I(1), DB_S(detail), DB_S(m->id)}, 3, NULL,
		     NULL);
	return rc;
}

/*
 * send_one: claim due mail m (ST_CLAIM), then render, send and record it,
 * all in one transaction on db, committed after the record: *claimed is 0
 * when a twin instance holds it or it was handled since it was read
 * (nothing done), else 1. *down is set when the server could not be
 * reached. TK_OK or a database error (the transaction rolled back: the
 * mail stays due, and a sent one goes once more, the one duplicate
 * DECISIONS.md allows).
 */
static int
send_one(struct db *db, struct arena *a, const struct mail_row *m, struct buf *msg, int *claimed,
	 int *down)
{
	struct smtp_result res;
	struct db_rows rows;
	const char *why;
	int rc;

	*claimed = 0;
	rc = db_begin(db);
	if (rc == TK_OK)
		rc = db_exec(db, ST_CLAIM, (struct db_val[]){DB_S(m->id)}, 1, a, &rows);
	if (rc != TK_OK || rows.nrows == 0)
		goto out;
	*claimed = 1;
	wipe(msg);
	if (render(m, msg, &why) != TK_OK) {
		log_error("notify: mail %s (%s) fails: %s", m->message_id, m->kind, why);
		rc = db_exec(db, ST_FAILED, (struct db_val[]){DB_I(0), DB_S(why), DB_S(m->id)}, 3,
			     NULL, NULL);
		goto out;
	}
	smtp_send(snd.smtp, snd.from, m->recipient, msg->data, msg->len, &res);
	wipe(msg);
	if (res.outcome == SMTP_SENT && kill_after_send > 0 && ++accepted >= kill_after_send) {
		log_warn("notify: mail %s accepted; killing myself before recording it "
			 "(--kill-after-send %ld)",
			 m->message_id, kill_after_send);
		raise(SIGKILL);
	}
	if (res.outcome == SMTP_SENT)
		log_info("notify: sent %s mail %s", m->kind, m->message_id);
	else
		log_warn("notify: %s mail %s, attempt %lld: %s (%s)", m->kind, m->message_id,
			 (long long)m->attempts + 1,
			 res.outcome == SMTP_PERMANENT ? "refused for good" : "failed, will retry",
			 res.detail);
	rc = record(db, m, res.outcome, res.detail);
	if (res.outcome == SMTP_TRANSIENT && res.code == 0)
		*down = 1;
out:
	if (rc == TK_OK && *claimed)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

/*
 * send_due: one round: the due mails, each claimed, rendered, sent and
 * recorded (send_one). *n gets how many were due, *skipped how many of
 * them a twin instance held; *down is set when the server could not be
 * reached (the rest of the round waits). TK_OK or a database error.
 */
static int
send_due(struct db *db, struct arena *a, int *n, int *skipped, int *down)
{
	struct db_rows rows;
	struct buf msg = {0};
	size_t i;
	int rc, claimed;

	*n = 0;
	*skipped = 0;
	*down = 0;
	arena_reset(a);
	rc = db_exec(db, ST_DUE, NULL, 0, a, &rows);
	if (rc != TK_OK)
		return rc;
	*n = (int)rows.nrows;
	for (i = 0; i < rows.nrows && !worker_stopping() && !*down; i++) {
		struct mail_row m = {
		    .id = db_str(&rows, i, 0),
		    .message_id = db_str(&rows, i, 1),
		    .kind = db_str(&rows, i, 2),
		    .recipient = db_str(&rows, i, 3),
		    .name = db_str(&rows, i, 4),
		    .data = db_str(&rows, i, 5),
		    .attempts = db_int(&rows, i, 6),
		    .age_seconds = db_int(&rows, i, 7),
		};

		rc = send_one(db, a, &m, &msg, &claimed, down);
		if (rc != TK_OK)
			break;
		*skipped += !claimed;
	}
	wipe(&msg);
	return rc;
}

/* next_sleep: until the earliest due mail, at most MAX_SLEEP_MS. */
static long
next_sleep(struct db *db, struct arena *a)
{
	struct db_rows rows;
	long ms = MAX_SLEEP_MS;

	arena_reset(a);
	if (db_exec(db, ST_NEXT, NULL, 0, a, &rows) == TK_OK && rows.nrows == 1 &&
	    db_cell(&rows, 0, 0)->type != DB_NULL && db_int(&rows, 0, 0) < ms)
		ms = db_int(&rows, 0, 0) > 0 ? (long)db_int(&rows, 0, 0) : 0;
	return ms;
}

/* read_file_text: the first line of a file (a password), without its end. */
static int
read_file_text(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return TK_EIO;
	n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return TK_OK;
}

/* sender_open: the settings, the key pair, the templates, the client. */
static int
sender_open(void)
{
	struct smtp_conf sc = {.url = config_str("smtp_url"), .user = config_str("smtp_user")};
	char password[512] = "";
	FILE *f;
	size_t n = 0;
	int rc;

	snd.from = config_str("mail_from");
	snd.from_name = config_str("mail_from_name");
	snd.base_url = config_str("base_url");
	snd.retry_min = config_int("mail_retry_min_seconds");
	snd.retry_max = config_int("mail_retry_max_seconds");
	snd.give_up = config_int("mail_give_up_seconds");
	if (!mail_addr_valid(snd.from)) {
		log_error("notify: mail_from must be an address (got '%s')", snd.from);
		return TK_ECONFIG;
	}
	if (smtp_tls_parse(config_str("smtp_tls"), &sc.tls) != TK_OK) {
		log_error("notify: smtp_tls must be none, try or all");
		return TK_ECONFIG;
	}
	f = fopen(config_str("notify_key_file"), "rb");
	if (f != NULL) {
		n = fread(snd.sk, 1, sizeof(snd.sk), f);
		fclose(f);
	}
	if (n != sizeof(snd.sk) || sodium_init() < 0 ||
	    crypto_scalarmult_base(snd.pk, snd.sk) != 0) {
		log_error("notify: notify_key_file '%s' must hold the 32-byte secret key",
			  config_str("notify_key_file"));
		return TK_ECONFIG;
	}
	if (*config_str("eticket_key_file") != '\0') {
		snd.eticket_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
		if (snd.eticket_sk == NULL ||
		    config_read_hex_file(config_str("eticket_key_file"), snd.eticket_sk,
					 crypto_sign_SECRETKEYBYTES) != TK_OK) {
			log_error("notify: cannot read eticket_key_file %s",
				  config_str("eticket_key_file"));
			return TK_ECONFIG;
		}
		sodium_mprotect_readonly(snd.eticket_sk);
	} else
		log_warn("notify: no eticket_key_file: receipts cannot carry their e-tickets");
	if (*config_str("smtp_password_file") != '\0' &&
	    read_file_text(config_str("smtp_password_file"), password, sizeof(password)) != TK_OK) {
		log_error("notify: cannot read smtp_password_file");
		return TK_ECONFIG;
	}
	sc.password = password;
	rc = tmpl_init(config_str("template_dir"));
	if (rc == TK_OK)
		rc = smtp_open(&sc, &snd.smtp);
	sodium_memzero(password, sizeof(password));
	if (rc != TK_OK)
		log_error("notify: smtp_url must be smtp:// or smtps:// (got '%s')",
			  config_str("smtp_url"));
	return rc;
}

/* send_loop: the worker's run function. */
static int
send_loop(struct worker_ctx *w)
{
	struct arena *a = arena_new();
	struct worker_backoff b = {0};
	int rc, n, skipped, down, failing = TK_OK;

	rc = sender_open();
	if (rc != TK_OK)
		goto out;
	log_info("notify: sending mails through %s", config_str("smtp_url"));
	while (!worker_stopping()) {
		rc = send_due(w->db, a, &n, &skipped, &down);
		if (rc != TK_OK) {
			if (failing != rc)
				log_warn("notify: MariaDB: %s; backing off", err_str(rc));
			failing = rc;
			worker_wait(worker_backoff_next(&b), 0);
			continue;
		}
		failing = TK_OK;
		if (down) {
			worker_wait(worker_backoff_next(&b), 0);
			continue;
		}
		worker_backoff_reset(&b);
		/* Mails a twin instance holds stay due until its commit: wait
		 * for it rather than read them again at once. */
		if (n == BATCH && skipped == 0)
			continue;
		worker_wait(skipped > 0 ? MAX_SLEEP_MS : next_sleep(w->db, a), 1);
	}
	rc = TK_OK;
	log_info("notify: stopping");
out:
	smtp_close(snd.smtp);
	sodium_memzero(snd.sk, sizeof(snd.sk));
	sodium_free(snd.eticket_sk);
	arena_free(a);
	return rc;
}

static int
set_kill_after_send(const char *arg)
{
	char *end;

	kill_after_send = strtol(arg, &end, 10);
	return *arg != '\0' && *end == '\0' && kill_after_send > 0 ? TK_OK : TK_EINVAL;
}

static const struct worker_option options[] = {
    {"kill-after-send", 1, "[--kill-after-send N]", set_kill_after_send},
};

static const struct worker_consumer consumers[] = {
    {"notify-users", h_users, WORKER_TX},   {"notify-account-tokens", h_tokens, WORKER_TX},
    {"notify-orders", h_orders, WORKER_TX}, {"notify-events", h_events, WORKER_TX},
    {"notify-venues", h_venues, WORKER_TX}, {"notify-tickets", h_tickets, WORKER_TX},
};

static const struct worker_def notify_def = {
    .name = "notify",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
    .run = send_loop,
    .options = options,
    .noptions = sizeof(options) / sizeof(options[0]),
    .config_keys = config_keys,
    .nconfig_keys = sizeof(config_keys) / sizeof(config_keys[0]),
};

int
main(int argc, char **argv)
{
	return worker_main(argc, argv, &notify_def);
}
