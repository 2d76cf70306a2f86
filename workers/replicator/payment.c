/*
 * The reader of payment.* events (payment.h): the members' table
 * (members.h), then the rules between members: the aggregate's id and
 * version, the currency's form, the state its type says.
 */
#include <stddef.h>
#include <string.h>

#include "err.h"
#include "event.h"
#include "members.h"
#include "payment.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct members_member members[] = {
#define AT(f) offsetof(struct payment_event, f)
    {"id", MEMBERS_UUID, 0, 0, AT(id), "id is not a UUID"},
    {"order_id", MEMBERS_UUID, 0, 0, AT(order_id), "order_id is not a UUID"},
    {"buyer_id", MEMBERS_UUID, 0, 0, AT(buyer_id), "buyer_id is not a UUID"},
    {"amount", MEMBERS_COUNT, 1, PAYMENT_AMOUNT_MAX, AT(amount),
     "amount is not a whole number from 1 to 1000000000"},
    {"currency", MEMBERS_TEXT, 1, 3, AT(currency), "currency is not a currency code"},
    {"provider", MEMBERS_TEXT, 1, PAYMENT_TEXT_MAX, AT(provider),
     "provider is not text of 1 to 64 characters"},
    {"provider_session_id", MEMBERS_TEXT, 1, PAYMENT_TEXT_MAX, AT(provider_session_id),
     "provider_session_id is not text of 1 to 64 characters"},
    {"charge_id", MEMBERS_TEXT, 1, PAYMENT_TEXT_MAX, AT(charge_id),
     "charge_id is not text of 1 to 64 characters"},
    {"state", MEMBERS_TEXT, 1, 16, AT(state), "state is not a payment state"},
    {"failure_code", MEMBERS_TEXT, 0, PAYMENT_TEXT_MAX, AT(failure_code),
     "failure_code is not text of at most 64 characters"},
    {"version", MEMBERS_COUNT, 1, INT64_MAX, AT(version), "version is not a whole number from 1"},
#undef AT
};

static const struct members_spec spec = {members, NELEM(members), "payment data lacks a member"};

/* Each type with the states its data may carry. */
static const struct {
	const char *type;
	enum payment_type t;
	const char *state, *state2;
} types[] = {
    {"payment.authorized", PAYMENT_AUTHORIZED, "authorized", NULL},
    {"payment.settled", PAYMENT_SETTLED, "captured", NULL},
    {"payment.voided", PAYMENT_VOIDED, "voided", NULL},
    {"payment.failed", PAYMENT_FAILED, "failed", "voided"},
    {"payment.refunded", PAYMENT_REFUNDED, "refunded", NULL},
};

/* check: every rule of payment.h; NULL when they hold, else why. */
static const char *
check(const struct envelope *ev, struct payment_event *pe)
{
	const char *why;
	size_t i;

	for (i = 0; i < NELEM(types); i++)
		if (strcmp(ev->type, types[i].type) == 0)
			break;
	if (i == NELEM(types))
		return "not a known payment event";
	pe->type = types[i].t;
	if ((why = members_read(ev->data, &spec, pe)) != NULL)
		return why;
	if (strcmp(pe->id, ev->aggregate_id) != 0)
		return "id is not the envelope's aggregate_id";
	if (pe->version != ev->version)
		return "version is not the envelope's aggregate_version";
	if (strlen(pe->currency) != 3 || strspn(pe->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return "currency is not a currency code";
	if (strcmp(pe->state, types[i].state) != 0 &&
	    (types[i].state2 == NULL || strcmp(pe->state, types[i].state2) != 0))
		return "state is not the one of the event's type";
	return NULL;
}

int
payment_decode(const struct envelope *ev, struct payment_event *pe, const char **why)
{
	memset(pe, 0, sizeof(*pe));
	*why = check(ev, pe);
	if (*why == NULL)
		return TK_OK;
	memset(pe, 0, sizeof(*pe));
	return TK_EINVAL;
}
