/*
 * The reader of stock.changed (stock.h): one table declares every member
 * of the data with its kind, bounds and the reason a bad value is refused
 * (members.h); the rules between members (the version, the currency, the
 * state, the counts adding up) follow it.
 */
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "event.h"
#include "members.h"
#include "money.h"
#include "stock.h"
#include "worker.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The members of the data (members.h). */
static const struct members_member members[] = {
#define AT(f) offsetof(struct stock_change, f)
    {"id", MEMBERS_UUID, 0, 0, AT(id), "id is not a UUID"},
    {"event_id", MEMBERS_UUID, 0, 0, AT(event_id), "event_id is not a UUID"},
    {"seller_id", MEMBERS_UUID, 0, 0, AT(seller_id), "seller_id is not a UUID"},
    {"section", MEMBERS_TEXT, 0, STOCK_TEXT_MAX, AT(section),
     "section is not text of at most 100 characters"},
    {"row", MEMBERS_TEXT, 0, STOCK_TEXT_MAX, AT(row), "row is not text of at most 100 characters"},
    {"seat", MEMBERS_TEXT, 0, STOCK_TEXT_MAX, AT(seat),
     "seat is not text of at most 100 characters"},
    {"currency", MEMBERS_TEXT, 0, 3, AT(currency), "currency is not a currency code"},
    {"state", MEMBERS_TEXT, 0, 9, AT(state), "state is not a listing state"},
    {"price", MEMBERS_COUNT, 1, INT64_MAX, AT(price), "price is not a whole number above 0"},
    {"ticket_version", MEMBERS_COUNT, 1, INT64_MAX, AT(ticket_version),
     "ticket_version is not a whole number from 1"},
    {"offered", MEMBERS_COUNT, 0, STOCK_OFFERED_MAX, AT(offered),
     "offered is not a whole number from 0 to 65535"},
    {"quantity", MEMBERS_COUNT, 0, UINT32_MAX, AT(quantity), "quantity is not a count of units"},
    {"reserved", MEMBERS_COUNT, 0, UINT32_MAX, AT(reserved), "reserved is not a count of units"},
    {"sold", MEMBERS_COUNT, 0, UINT32_MAX, AT(sold), "sold is not a count of units"},
    {"available", MEMBERS_COUNT, 0, UINT32_MAX, AT(available), "available is not a count of units"},
    {"sold_amount", MEMBERS_COUNT, 0, INT64_MAX, AT(sold_amount),
     "sold_amount is not a whole number from 0"},
    {"version", MEMBERS_COUNT, 1, INT64_MAX, AT(version), "version is not a whole number from 1"},
#undef AT
};

static const struct members_spec spec = {members, NELEM(members),
					 "stock.changed data lacks a member"};

static const char *const states[] = {"active", "withdrawn", "hidden", "cancelled"};

/* check: every rule of stock.h; NULL when they hold, else why. */
static const char *
check(const struct envelope *ev, struct stock_change *sc)
{
	const char *why;
	size_t i;

	if (strcmp(ev->type, STOCK_CHANGED) != 0)
		return "not a stock.changed event";
	if ((why = members_read(ev->data, &spec, sc)) != NULL)
		return why;
	if (strcmp(sc->id, ev->aggregate_id) != 0)
		return "id is not the envelope's aggregate_id";
	if (sc->version != ev->version)
		return "version is not the envelope's aggregate_version";
	if (strcmp(sc->currency, money_currency()->code) != 0)
		return "currency is not the deployment's";
	for (i = 0; i < NELEM(states); i++)
		if (strcmp(sc->state, states[i]) == 0)
			break;
	if (i == NELEM(states))
		return "state is not a listing state";
	if (sc->reserved + sc->sold > sc->quantity)
		return "reserved and sold exceed quantity";
	if (sc->available !=
	    (strcmp(sc->state, "active") == 0 ? sc->quantity - sc->reserved - sc->sold : 0))
		return "available is not quantity - reserved - sold (0 unless active)";
	return NULL;
}

int
stock_decode(const struct envelope *ev, struct stock_change *sc, const char **why)
{
	memset(sc, 0, sizeof(*sc));
	*why = check(ev, sc);
	if (*why == NULL)
		return TK_OK;
	memset(sc, 0, sizeof(*sc));
	return TK_EINVAL;
}

int
stock_row(const struct worker_job *job, stock_params_fn params, struct db_val *row)
{
	struct stock_change sc;
	const char *why;

	if (strcmp(job->ev->type, STOCK_CHANGED) != 0 || stock_decode(job->ev, &sc, &why) != TK_OK)
		return TK_EINVAL;
	params(&sc, row);
	return TK_OK;
}

struct worker_verdict
stock_handle(struct worker_job *job, const struct worker_rows *rows)
{
	struct stock_change sc;
	struct db_val p[STOCK_PARAMS_MAX];
	const char *why;

	if (strcmp(job->ev->type, STOCK_CHANGED) != 0)
		return worker_ack(); /* no other stock event is known: nothing to keep */
	if (stock_decode(job->ev, &sc, &why) != TK_OK)
		return worker_dead(why);
	if (rows->nparams > STOCK_PARAMS_MAX || rows->row(job, p) != TK_OK)
		return worker_dead("no parameters for the replica's upsert");
	return worker_verdict_of(db_exec(job->db, rows->stmt, p, rows->nparams, NULL, NULL),
				 job->delivered);
}
