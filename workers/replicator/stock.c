/*
 * The reader of stock.changed (stock.h): one table declares every member
 * of the data with its kind, bounds and the reason a bad value is refused;
 * the rules between members (the version, the currency, the state, the
 * counts adding up) follow it.
 */
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "event.h"
#include "money.h"
#include "stock.h"
#include "uuid.h"
#include "worker.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum kind { K_UUID, K_TEXT, K_COUNT };

/* A member of the data: K_UUID and K_TEXT fill the string at off, K_COUNT
 * the int64_t at off, from min to max (K_TEXT: up to max characters). */
static const struct member {
	const char *key;
	enum kind kind;
	int64_t min, max;
	size_t off;
	const char *why;
} members[] = {
#define AT(f) offsetof(struct stock_change, f)
    {"id", K_UUID, 0, 0, AT(id), "id is not a UUID"},
    {"event_id", K_UUID, 0, 0, AT(event_id), "event_id is not a UUID"},
    {"seller_id", K_UUID, 0, 0, AT(seller_id), "seller_id is not a UUID"},
    {"section", K_TEXT, 0, STOCK_TEXT_MAX, AT(section),
     "section is not text of at most 100 characters"},
    {"row", K_TEXT, 0, STOCK_TEXT_MAX, AT(row), "row is not text of at most 100 characters"},
    {"seat", K_TEXT, 0, STOCK_TEXT_MAX, AT(seat), "seat is not text of at most 100 characters"},
    {"currency", K_TEXT, 0, 3, AT(currency), "currency is not a currency code"},
    {"state", K_TEXT, 0, 9, AT(state), "state is not a listing state"},
    {"price", K_COUNT, 1, INT64_MAX, AT(price), "price is not a whole number above 0"},
    {"ticket_version", K_COUNT, 1, INT64_MAX, AT(ticket_version),
     "ticket_version is not a whole number from 1"},
    {"offered", K_COUNT, 0, STOCK_OFFERED_MAX, AT(offered),
     "offered is not a whole number from 0 to 65535"},
    {"quantity", K_COUNT, 0, UINT32_MAX, AT(quantity), "quantity is not a count of units"},
    {"reserved", K_COUNT, 0, UINT32_MAX, AT(reserved), "reserved is not a count of units"},
    {"sold", K_COUNT, 0, UINT32_MAX, AT(sold), "sold is not a count of units"},
    {"available", K_COUNT, 0, UINT32_MAX, AT(available), "available is not a count of units"},
    {"sold_amount", K_COUNT, 0, INT64_MAX, AT(sold_amount),
     "sold_amount is not a whole number from 0"},
    {"version", K_COUNT, 1, INT64_MAX, AT(version), "version is not a whole number from 1"},
#undef AT
};

static const char *const states[] = {"active", "withdrawn", "hidden", "cancelled"};

/* text_ok: s (valid UTF-8, as jansson keeps every string) has at most max
 * characters and no control character. */
static int
text_ok(const char *s, int64_t max)
{
	int64_t chars = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	return chars <= max;
}

/* read_member: member m of data into sc; NULL, or the reason it fails. */
static const char *
read_member(json_t *data, const struct member *m, struct stock_change *sc)
{
	json_t *v = json_object_get(data, m->key);
	const char *s = json_string_value(v);
	char *at = (char *)sc + m->off;

	switch (m->kind) {
	case K_UUID:
		if (s == NULL || !uuid_valid(s))
			return m->why;
		break;
	case K_TEXT:
		if (s == NULL || !text_ok(s, m->max))
			return m->why;
		break;
	case K_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < m->min ||
		    json_integer_value(v) > m->max)
			return m->why;
		*(int64_t *)(void *)at = json_integer_value(v);
		return NULL;
	}
	*(const char **)(void *)at = s;
	return NULL;
}

/* check: every rule of stock.h; NULL when they hold, else why. */
static const char *
check(const struct envelope *ev, struct stock_change *sc)
{
	const char *key, *why;
	json_t *v;
	size_t i;

	if (strcmp(ev->type, STOCK_CHANGED) != 0)
		return "not a stock.changed event";
	json_object_foreach(ev->data, key, v)
	{
		for (i = 0; i < NELEM(members); i++)
			if (strcmp(key, members[i].key) == 0)
				break;
		if (i == NELEM(members))
			return "stock.changed data has an unknown member";
	}
	for (i = 0; i < NELEM(members); i++)
		if (json_object_get(ev->data, members[i].key) == NULL)
			return "stock.changed data lacks a member";
	for (i = 0; i < NELEM(members); i++)
		if ((why = read_member(ev->data, &members[i], sc)) != NULL)
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
