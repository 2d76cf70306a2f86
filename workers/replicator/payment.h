/*
 * The reader of the payments service's payment.* events
 * (docs/PAYMENTS.md, "Events") for the orders-payments consumer, which
 * decides the order states they start. Events come from the stream, so
 * the reader is strict, like stock.h's: the data has exactly the
 * documented members, each of its type and within its bounds, the state
 * is the one its type says, and every refusal has a reason, which the
 * dead letter keeps.
 */
#ifndef TK_PAYMENT_H
#define TK_PAYMENT_H
#include <stdint.h>

struct envelope;

/* The payment.* event types, in the order of a payment's life. */
enum payment_type {
	PAYMENT_AUTHORIZED, /* payment.authorized, state authorized */
	PAYMENT_SETTLED,    /* payment.settled, state captured */
	PAYMENT_VOIDED,     /* payment.voided, state voided */
	PAYMENT_FAILED,     /* payment.failed (the capture failed), state failed or voided */
	PAYMENT_REFUNDED,   /* payment.refunded, state refunded */
};

/* The most characters of provider, provider_session_id, charge_id and
 * failure_code (orders.charge_id is a VARCHAR(64)). */
#define PAYMENT_TEXT_MAX 64
/* The largest amount, minor units (the sandbox's bound, docs/PAYMENTS.md). */
#define PAYMENT_AMOUNT_MAX 1000000000

/* The data of one payment.* event. The strings point into the envelope. */
struct payment_event {
	enum payment_type type;
	const char *id, *order_id, *buyer_id; /* UUIDs; id = the aggregate's */
	const char *currency;                 /* three capital letters (ISO 4217) */
	const char *provider, *provider_session_id;
	const char *charge_id; /* not empty */
	const char *state, *failure_code;
	int64_t amount;  /* minor units, 1..PAYMENT_AMOUNT_MAX */
	int64_t version; /* = the envelope's */
};

/*
 * payment_decode: the data of envelope ev, a payment.* event, into *pe.
 * TK_OK, or TK_EINVAL with *why set to a short static reason (and *pe
 * zeroed). Refused: a type other than the five above; a member missing
 * or unknown; an id, order_id or buyer_id that is not a UUID, or an id
 * other than the aggregate's; provider, provider_session_id or charge_id
 * empty, or any text longer than PAYMENT_TEXT_MAX characters or with a
 * control character; a currency that is not three capital letters; an
 * amount outside 1..PAYMENT_AMOUNT_MAX; a version below 1 or other than
 * the envelope's; a state other than its type's.
 */
int payment_decode(const struct envelope *ev, struct payment_event *pe /* OUT */,
		   const char **why /* OUT */);

#endif
