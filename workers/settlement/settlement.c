/*
 * ticketing-settlement: moves the money of authorised payments once the
 * orders service has decided (docs/PAYMENTS.md; SPEC sections 3 and 4).
 * A consuming worker of the shell (lib/worker.h) on the payments
 * database, consumer settlement-orders (ticketing.order.*):
 *   order.paying           capture the attempt's charge -> captured,
 *                          payment.settled; a capture the provider refuses
 *                          -> void, failed (capture_failed), payment.failed
 *   order.payment_refused  void an authorised charge -> voided,
 *                          payment.voided; refund a captured one ->
 *                          refunded, payment.refunded
 *   order.refund_requested refund the captured charge -> refunded,
 *                          payment.refunded
 * Other order events are acked untouched.
 *
 * The provider is called outside any database transaction (its answer may
 * take seconds), with the idempotency key of the movement (cap-, void-,
 * ref-<payment id>), so any retry sends the same key and the provider
 * answers the first result without moving money again. The attempt's new
 * state and its event are then written in one transaction by a
 * conditional update (state = the expected one): a redelivery after a
 * crash anywhere finds the state moved and only acks, or moves it with
 * the provider's remembered answer. A provider that does not answer
 * leaves the message unacked for a later delivery (backoff), never lost.
 * So the consumer runs without the shell's transaction (no WORKER_TX),
 * and records each event it handled in processed_events itself.
 *
 * Usage: ticketing-settlement --config FILE [--kill-after-apply N]
 *        [--kill-after-capture N]
 * FILE is the payments service's configuration (database account, NATS,
 * the provider's settings). --kill-after-capture (fault tests) SIGKILLs
 * the process right after the provider confirmed its Nth capture, before
 * the database records it and before the ack.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "event.h"
#include "log.h"
#include "payment.h"
#include "provider.h"
#include "store.h"
#include "worker.h"

enum stmt {
	ST_BY_ORDER = WORKER_ST__FIRST,
	ST_MOVE,
	ST_PAYMENT,
	ST__MAX = ST_PAYMENT + PAYMENT_ST__MAX
};

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    /* An order's attempt that holds money, for an event without payment_id. */
    [ST_BY_ORDER] = "SELECT id FROM payments WHERE order_id = ?"
		    " AND state IN ('authorized', 'captured') ORDER BY created_at DESC LIMIT 1",
    /* to, failure code, id, from. */
    [ST_MOVE] = "UPDATE payments SET state = ?, failure_code = IF(? = '', failure_code, ?),"
		" version = version + 1 WHERE id = ? AND state = ?",
    PAYMENT_STMTS(ST_PAYMENT),
};

static long kill_after_capture; /* --kill-after-capture; 0: never */
static long captures;           /* captures confirmed in this process */

/* A movement of an attempt: the provider's call, then its new state. */
enum movement { MOVE_CAPTURE, MOVE_VOID, MOVE_REFUND };

static const struct {
	const char *key_prefix, *to, *event;
} movements[] = {
    [MOVE_CAPTURE] = {"cap", "captured", "payment.settled"},
    [MOVE_VOID] = {"void", "voided", "payment.voided"},
    [MOVE_REFUND] = {"ref", "refunded", "payment.refunded"},
};

/* retry: the verdict for a movement to try again later. */
static struct worker_verdict
retry(const struct worker_job *job)
{
	/* Its backoff starts one step above a database retry's. */
	return worker_retry_backoff(job->delivered + 1);
}

/*
 * record: in one transaction, move payment p from state from to to (with
 * failure code failure, or "" to keep it) and append event with its new
 * state; nothing when p is no longer in state from (a redelivery).
 */
static int
record(struct worker_job *job, const struct payment *p, const char *from, const char *to,
       const char *failure, const char *event)
{
	struct store st = {.db = job->db, .arena = job->a};
	struct db_rows res;
	int rc;

	rc = db_begin(job->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(
	    job->db, ST_MOVE,
	    (struct db_val[]){DB_S(to), DB_S(failure), DB_S(failure), DB_S(p->id), DB_S(from)}, 5,
	    NULL, &res);
	if (rc == TK_OK && res.affected == 1) {
		rc = payment_emit(job->db, ST_PAYMENT, job->a, event, p->id);
		if (rc == TK_OK)
			log_info("settlement: payment %s of order %s %s", p->id, p->order_id, to);
	}
	return store_finish(&st, rc);
}

/* call: movement m of payment p's charge at the provider, under its key. */
static int
call(const struct payment *p, enum movement m)
{
	char key[PROVIDER_KEY_MAX], refund_id[UUID_STR_LEN + 1];
	struct payprov *pp;
	int rc;

	provider_key(key, movements[m].key_prefix, p->id);
	rc = provider_get(&pp);
	if (rc != TK_OK)
		return rc;
	switch (m) {
	case MOVE_CAPTURE:
		rc = payprov_capture(pp, p->charge_id, key);
		if (rc == TK_OK && kill_after_capture > 0 &&
		    __atomic_add_fetch(&captures, 1, __ATOMIC_SEQ_CST) == kill_after_capture) {
			log_warn("settlement: payment %s captured; killing myself before recording "
				 "it (--kill-after-capture %ld)",
				 p->id, kill_after_capture);
			raise(SIGKILL);
		}
		break;
	case MOVE_VOID:
		rc = payprov_void(pp, p->charge_id, key);
		break;
	case MOVE_REFUND:
		rc = payprov_refund(pp, p->charge_id, p->amount, key, refund_id);
		break;
	}
	if (rc != TK_OK)
		log_warn("settlement: %s of payment %s: %s", movements[m].to, p->id, err_str(rc));
	return rc;
}

/* move: movement m of p (in state from), then its record. */
static struct worker_verdict
move(struct worker_job *job, const struct payment *p, const char *from, enum movement m)
{
	int rc = call(p, m);

	if (rc == TK_OK)
		rc = record(job, p, from, movements[m].to, "", movements[m].event);
	return rc == TK_OK ? worker_ack() : retry(job);
}

/* capture: order.paying. A capture the provider refuses (the charge is
 * not capturable: voided or expired there) voids what is left and fails
 * the attempt, so the orders service cancels the order. */
static struct worker_verdict
capture(struct worker_job *job, const struct payment *p)
{
	int rc;

	if (strcmp(p->state, "authorized") != 0)
		return worker_ack(); /* captured or released before: a redelivery */
	rc = call(p, MOVE_CAPTURE);
	if (rc == TK_OK)
		rc = record(job, p, "authorized", "captured", "", "payment.settled");
	else if (rc == TK_ECONFLICT || rc == TK_ENOTFOUND) {
		rc = call(p, MOVE_VOID);
		if (rc == TK_ECONFLICT || rc == TK_ENOTFOUND)
			rc = TK_OK; /* nothing left to release */
		if (rc == TK_OK)
			rc = record(job, p, "authorized", "failed", "capture_failed",
				    "payment.failed");
	}
	return rc == TK_OK ? worker_ack() : retry(job);
}

/* payment_of: the attempt an order event is about: data.payment_id, else
 * the order's attempt that holds money. *found 0 when there is none. */
static int
payment_of(struct worker_job *job, struct payment *p, int *found)
{
	const char *id = json_string_value(json_object_get(job->ev->data, "payment_id"));
	const char *order = json_string_value(json_object_get(job->ev->data, "id"));
	struct db_rows rows;
	int rc;

	*found = 0;
	if (id == NULL || !uuid_valid(id)) {
		if (order == NULL || !uuid_valid(order))
			return TK_EINVAL;
		rc =
		    db_exec(job->db, ST_BY_ORDER, (struct db_val[]){DB_S(order)}, 1, job->a, &rows);
		if (rc != TK_OK || rows.nrows == 0)
			return rc;
		id = db_str(&rows, 0, 0);
	}
	rc = payment_get(job->db, ST_PAYMENT, job->a, id, p);
	if (rc == TK_ENOTFOUND)
		return TK_OK;
	if (rc == TK_OK)
		*found = 1;
	return rc;
}

static struct worker_verdict
settle(struct worker_job *job)
{
	const char *type = job->ev->type;
	struct payment p;
	int rc, found;

	if (strcmp(type, "order.paying") != 0 && strcmp(type, "order.payment_refused") != 0 &&
	    strcmp(type, "order.refund_requested") != 0)
		return worker_ack();
	rc = payment_of(job, &p, &found);
	if (rc != TK_OK)
		return worker_verdict_of(rc, job->delivered);
	if (!found) {
		log_warn("settlement: %s of order %s names no payment held here", type,
			 job->ev->aggregate_id);
		return worker_ack();
	}
	if (strcmp(type, "order.paying") == 0)
		return capture(job, &p);
	if (strcmp(p.state, "captured") == 0)
		return move(job, &p, "captured", MOVE_REFUND);
	if (strcmp(type, "order.payment_refused") == 0 && strcmp(p.state, "authorized") == 0)
		return move(job, &p, "authorized", MOVE_VOID);
	return worker_ack(); /* released before: a redelivery */
}

/* h_order: settle, then the event's processed_events record once it is
 * handled (worker_record; a redelivery finds it there already). */
static struct worker_verdict
h_order(struct worker_job *job)
{
	struct worker_verdict v = settle(job);
	int rc;

	if (v.answer != WORKER_ACK)
		return v;
	rc = worker_record(job);
	return rc == TK_OK || rc == TK_EEXIST ? v : worker_verdict_of(rc, job->delivered);
}

static int
set_kill_after_capture(const char *arg)
{
	char *end;

	kill_after_capture = strtol(arg, &end, 10);
	return *arg != '\0' && *end == '\0' && kill_after_capture > 0 ? TK_OK : TK_EINVAL;
}

static const struct worker_option options[] = {
    {"kill-after-capture", 1, "[--kill-after-capture N]", set_kill_after_capture},
};

static const struct worker_consumer consumers[] = {
    {"settlement-orders", h_order, 0},
};

static const struct worker_def settlement_def = {
    .name = "settlement",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
    .options = options,
    .noptions = sizeof(options) / sizeof(options[0]),
    .config_keys = provider_config_keys,
};

int
main(int argc, char **argv)
{
	struct worker_def def = settlement_def;

	def.nconfig_keys = provider_nconfig_keys;
	return worker_main(argc, argv, &def);
}
