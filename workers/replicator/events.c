/*
 * Replication into the events service's database (ticketing_events):
 *   ticketing.user.*          -> users_replica (display name and role)
 *   ticketing.session.revoked -> session_revocations (lib/revoke.h)
 *   ticketing.stock.*         -> stock_replica (the units of each listing
 *                                the catalogue pages show)
 * Every apply checks the event's data against its envelope and upserts
 * with a version guard: the replica row only ever moves to a newer version.
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "event.h"
#include "money.h"
#include "replicator.h"
#include "worker.h"

enum stmt { ST_USER_UPSERT = WORKER_ST__FIRST, ST_REVOCATION_UPSERT, ST_STOCK_UPSERT, ST__MAX };

static const char *const stmts[ST__MAX] = {
    WORKER_STMTS,
    [ST_USER_UPSERT] =
	"INSERT INTO users_replica (id, name, role, version) VALUES (?, ?, ?, ?) "
	"ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("name") REPL_IF_NEWER("role") REPL_VERSION_LAST,
    [ST_REVOCATION_UPSERT] = REPL_REVOCATION_UPSERT_SQL,
    [ST_STOCK_UPSERT] =
	"INSERT INTO stock_replica (id, event_id, seller_id, section, seat_row, "
	"seat, price, currency, state, ticket_version, offered, quantity, "
	"reserved, sold, available, sold_amount, version) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON DUPLICATE KEY UPDATE " REPL_IF_NEWER("event_id") REPL_IF_NEWER("seller_id")
	    REPL_IF_NEWER("section") REPL_IF_NEWER("seat_row") REPL_IF_NEWER("seat")
		REPL_IF_NEWER("price") REPL_IF_NEWER("currency") REPL_IF_NEWER("state")
		    REPL_IF_NEWER("ticket_version") REPL_IF_NEWER("offered")
			REPL_IF_NEWER("quantity") REPL_IF_NEWER("reserved") REPL_IF_NEWER("sold")
			    REPL_IF_NEWER("available") REPL_IF_NEWER("sold_amount")
				REPL_VERSION_LAST,
};

static int
apply_user(struct db *db, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 36), *name = repl_str(ev, "name", 400),
		   *role = repl_str(ev, "role", 16);
	json_t *version = json_object_get(ev->data, "version");

	if (id == NULL || name == NULL || role == NULL || strcmp(id, ev->aggregate_id) != 0 ||
	    !json_is_integer(version) || json_integer_value(version) != ev->version)
		return TK_EINVAL;
	if (strcmp(role, "member") != 0 && strcmp(role, "organizer") != 0 &&
	    strcmp(role, "admin") != 0)
		return TK_EINVAL;
	return db_exec(db, ST_USER_UPSERT,
		       (struct db_val[]){DB_S(id), DB_S(name), DB_S(role), DB_I(ev->version)}, 4,
		       NULL, NULL);
}

/* The members of stock.changed that are counts, with their bounds: the
 * units of a listing fit an INT UNSIGNED, amounts a BIGINT. */
static const struct {
	const char *key;
	int64_t max;
} stock_counts[] = {
    {"price", INT64_MAX},      {"ticket_version", INT64_MAX}, {"offered", UINT32_MAX},
    {"quantity", UINT32_MAX},  {"reserved", UINT32_MAX},      {"sold", UINT32_MAX},
    {"available", UINT32_MAX}, {"sold_amount", INT64_MAX},    {"version", INT64_MAX},
};
#define NCOUNTS (sizeof(stock_counts) / sizeof(stock_counts[0]))

/*
 * apply_stock: a stock.changed (docs/MARKETPLACE.md) into stock_replica.
 * The data must name the envelope's aggregate and version, carry every
 * member with its type, a state the listings know, the deployment's
 * currency (the catalogue shows every price in it), and counts that add
 * up (available at most quantity - reserved - sold, and 0 unless active).
 */
static int
apply_stock(struct db *db, const struct envelope *ev)
{
	const char *id = repl_str(ev, "id", 36), *event_id = repl_str(ev, "event_id", 36),
		   *seller_id = repl_str(ev, "seller_id", 36),
		   *section = repl_text(ev, "section", 100), *row = repl_text(ev, "row", 100),
		   *seat = repl_text(ev, "seat", 100), *currency = repl_str(ev, "currency", 3),
		   *state = repl_str(ev, "state", 9);
	struct db_val p[17];
	int64_t v[NCOUNTS];
	size_t i;

	if (strcmp(ev->type, "stock.changed") != 0)
		return TK_OK; /* no other stock event is known: nothing to keep */
	if (id == NULL || event_id == NULL || seller_id == NULL || section == NULL || row == NULL ||
	    seat == NULL || currency == NULL || state == NULL || strcmp(id, ev->aggregate_id) != 0)
		return TK_EINVAL;
	for (i = 0; i < NCOUNTS; i++)
		if (!repl_int(ev, stock_counts[i].key, 0, stock_counts[i].max, &v[i]))
			return TK_EINVAL;
	/* v: price, ticket_version, offered, quantity, reserved, sold,
	 * available, sold_amount, version */
	if (v[8] != ev->version || strcmp(currency, money_currency()->code) != 0)
		return TK_EINVAL;
	if (strcmp(state, "active") != 0 && strcmp(state, "withdrawn") != 0 &&
	    strcmp(state, "hidden") != 0 && strcmp(state, "cancelled") != 0)
		return TK_EINVAL;
	if (v[4] + v[5] > v[3] || v[6] > v[3] - v[4] - v[5] ||
	    (strcmp(state, "active") != 0 && v[6] != 0))
		return TK_EINVAL;
	p[0] = DB_S(id);
	p[1] = DB_S(event_id);
	p[2] = DB_S(seller_id);
	p[3] = DB_S(section);
	p[4] = DB_S(row);
	p[5] = DB_S(seat);
	p[6] = DB_I(v[0]);
	p[7] = DB_S(currency);
	p[8] = DB_S(state);
	for (i = 1; i < NCOUNTS; i++)
		p[8 + i] = DB_I(v[i]);
	return db_exec(db, ST_STOCK_UPSERT, p, 17, NULL, NULL);
}

static struct worker_verdict
h_users(struct worker_job *job)
{
	return worker_verdict_of(apply_user(job->db, job->ev), job->delivered);
}

static struct worker_verdict
h_sessions(struct worker_job *job)
{
	return worker_verdict_of(repl_revocation(job->db, ST_REVOCATION_UPSERT, job->ev),
				 job->delivered);
}

static struct worker_verdict
h_stock(struct worker_job *job)
{
	return worker_verdict_of(apply_stock(job->db, job->ev), job->delivered);
}

/* The consumers, by their names in the backbone registry. */
static const struct worker_consumer consumers[] = {
    {"events-users", h_users, WORKER_TX},
    {"events-sessions", h_sessions, WORKER_TX},
    {"events-stock", h_stock, WORKER_TX},
};

const struct worker_def repl_events = {
    .name = "replicator",
    .stmts = stmts,
    .nstmts = ST__MAX,
    .consumers = consumers,
    .nconsumers = sizeof(consumers) / sizeof(consumers[0]),
};
