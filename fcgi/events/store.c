/*
 * Data access of the events service: its statement table and the only
 * code that runs them. Every change writes its outbox event in the same
 * transaction (lib/outbox.h), with the aggregate's full new state read
 * back inside that transaction. Conditional updates (WHERE version = ?,
 * WHERE status = 'scheduled') decide conflicts, never a read before a
 * write.
 *
 * What the catalogue pages read (search results and their stock
 * summaries, an event and its listings) is kept per thread for at most
 * READ_CACHE_MS (lib/dbcache.h), signed in or not: the database then runs
 * each query about once a second per thread instead of once per request
 * (see README "Benchmarks"). Every change this process commits drops
 * every thread's copies at once (db_generation), so an organizer sees
 * their own change immediately; a change made by another process (the
 * replicas of stock) shows within READ_CACHE_MS.
 */
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "dbcache.h"
#include "err.h"
#include "events.h"
#include "idem.h"
#include "outbox.h"
#include "store.h"
#include "revoke.h"
#include "uuid.h"

enum stmt {
	ST_EVENT_SEARCH,
	ST_EVENT_COUNT,
	ST_EVENT_BY_ID,
	ST_EVENT_STATE,
	ST_EVENT_TIMES,
	ST_EVENT_INSERT,
	ST_EVENT_UPDATE,
	ST_EVENT_CANCEL,
	ST_EVENT_STATUS,
	ST_VENUES,
	ST_VENUE_COUNT,
	ST_VENUE_BY_ID,
	ST_VENUE_STATE,
	ST_VENUE_INSERT,
	ST_VENUE_UPDATE,
	ST_TIMEZONE_KNOWN,
	ST_OUTBOX_INSERT,
	ST_IDEM_CLAIM,
	ST_IDEM_LOOKUP,
	ST_REVOKED,
	ST_REVOCATIONS_FRESH,
	ST_STOCK_SUMMARY,
	ST_EVENT_LISTINGS,
	ST__MAX
};

#define LOCAL(col) "CONVERT_TZ(" col ", '+00:00', v.timezone)"

/*
 * The search conditions, shared by the page and the count. Parameters:
 * text, boolean query, text, text (venue name and city), city, city, from,
 * from, to, to. Dates compare with the event's start in its venue's time
 * zone. Cancelled and ended events are not listed.
 */
#define SEARCH_WHERE                                                                               \
	" FROM events e JOIN venues v ON v.id = e.venue_id"                                        \
	" WHERE e.status = 'scheduled' AND e.ends_at > UTC_TIMESTAMP()"                            \
	" AND (? = '' OR MATCH (e.name, e.description) AGAINST (? IN BOOLEAN MODE)"                \
	" OR LOCATE(?, v.name) > 0 OR LOCATE(?, v.city) > 0)"                                      \
	" AND (? = '' OR v.city = ?)"                                                              \
	" AND (? = '' OR " LOCAL("e.starts_at") " >= ?)"                                           \
						" AND (? = '' OR " LOCAL(                          \
						    "e.starts_at") " < ? + INTERVAL 1 DAY)"

/* The summary of the tickets of up to EVENTS_PER_PAGE events: one
 * aggregate that reads the index stock_catalogue alone (sql/events/
 * 025_stock_replica.sql). Unused places get "", which no event id is. */
#define Q5 "?, ?, ?, ?, ?"
_Static_assert(EVENTS_PER_PAGE == 20, "ST_STOCK_SUMMARY has 20 placeholders");
#define STOCK_SUMMARY_SQL                                                                          \
	"SELECT event_id, COUNT(*), SUM(available), MIN(IF(available > 0, price, NULL))"           \
	" FROM stock_replica WHERE event_id IN (" Q5 ", " Q5 ", " Q5 ", " Q5 ")"                   \
	" AND state = 'active' GROUP BY event_id"

#define VENUE_COLUMNS "id, name, city, address, capacity, timezone, version"

/* Venues whose name or city starts with the words typed (LIKE patterns
 * made by like_prefix, so the indexes on name and on city serve them).
 * Parameters: the words, the pattern, the pattern. */
#define VENUES_WHERE " WHERE (? = '' OR name LIKE ? OR city LIKE ?)"

/* The owner check of every statement that changes an event, or tells
 * whether it exists to someone about to change it: the organizer who
 * created it, or an admin. Parameters: the user id, then 1 for an admin. */
#define OWNED " AND (created_by = ? OR ? = 1)"

const char *const events_stmts[ST__MAX] = {
    [ST_EVENT_SEARCH] =
	"SELECT id, name, venue_name, venue_city,"
	" DATE_FORMAT(CONVERT_TZ(starts_at, '+00:00', tz), '%a %e %b %Y, %H:%i'),"
	" DATE_FORMAT(CONVERT_TZ(starts_at, '+00:00', tz), '%Y-%m-%dT%H:%i'),"
	" COUNT(*) OVER ()"
	" FROM (SELECT e.id, e.name, v.name AS venue_name, v.city AS venue_city,"
	" v.timezone AS tz, e.starts_at" SEARCH_WHERE " ORDER BY e.starts_at, e.id LIMIT ?) m"
	" ORDER BY starts_at, id LIMIT ? OFFSET ?",
    [ST_EVENT_COUNT] = "SELECT COUNT(*) FROM (SELECT 1" SEARCH_WHERE " LIMIT ?) m",
    [ST_EVENT_BY_ID] =
	"SELECT e.id, e.name, e.description, e.status, e.version, e.venue_id,"
	" v.name, v.city, v.address, v.capacity, v.timezone,"
	" DATE_FORMAT(" LOCAL(
	    "e.starts_at") ", '%W %e %M %Y, %H:%i'),"
			   " DATE_FORMAT(" LOCAL(
			       "e.ends_at") ", '%W %e %M %Y, %H:%i'),"
					    " DATE_FORMAT(" LOCAL(
						"e.starts_at") ", '%Y-%m-%dT%H:%i'),"
							       " DATE_FORMAT(" LOCAL(
								   "e.ends_at") ", "
										"'%Y-%m-%dT%H:%i'),"
										" e.ends_at <= "
										"UTC_TIMESTAMP(), "
										"e.created_by"
										" FROM events e "
										"JOIN venues v ON "
										"v.id = e.venue_id "
										"WHERE e.id = ?",
    [ST_EVENT_STATE] = "SELECT id, venue_id, name, description,"
		       " DATE_FORMAT(starts_at, '%Y-%m-%dT%H:%i:%sZ'),"
		       " DATE_FORMAT(ends_at, '%Y-%m-%dT%H:%i:%sZ'),"
		       " status, created_by, version FROM events WHERE id = ?",
    [ST_EVENT_TIMES] = "SELECT DATE_FORMAT(CONVERT_TZ(?, timezone, '+00:00'), '%Y-%m-%d %H:%i:%s'),"
		       " DATE_FORMAT(CONVERT_TZ(?, timezone, '+00:00'), '%Y-%m-%d %H:%i:%s'),"
		       " CONVERT_TZ(?, timezone, '+00:00') > UTC_TIMESTAMP()"
		       " FROM venues WHERE id = ?",
    [ST_EVENT_INSERT] = "INSERT INTO events"
			" (id, venue_id, name, description, starts_at, ends_at, created_by)"
			" VALUES (?, ?, ?, ?, ?, ?, ?)",
    [ST_EVENT_UPDATE] = "UPDATE events SET venue_id = ?, name = ?, description = ?,"
			" starts_at = ?, ends_at = ?, version = version + 1"
			" WHERE id = ? AND version = ? AND status = 'scheduled'" OWNED,
    [ST_EVENT_CANCEL] = "UPDATE events SET status = 'cancelled', version = version + 1"
			" WHERE id = ? AND status = 'scheduled'" OWNED,
    [ST_EVENT_STATUS] = "SELECT status FROM events WHERE id = ?" OWNED,
    [ST_VENUES] = "SELECT " VENUE_COLUMNS " FROM venues" VENUES_WHERE
		  " ORDER BY city, name, id LIMIT ? OFFSET ?",
    [ST_VENUE_COUNT] = "SELECT COUNT(*) FROM (SELECT 1 FROM venues" VENUES_WHERE " LIMIT ?) m",
    [ST_VENUE_BY_ID] = "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?",
    [ST_VENUE_STATE] = "SELECT " VENUE_COLUMNS ", created_by FROM venues WHERE id = ?",
    [ST_VENUE_INSERT] = "INSERT INTO venues"
			" (id, name, city, address, capacity, timezone, created_by)"
			" VALUES (?, ?, ?, ?, ?, ?, ?)",
    [ST_VENUE_UPDATE] = "UPDATE venues SET name = ?, city = ?, address = ?, capacity = ?,"
			" timezone = ?, version = version + 1 WHERE id = ? AND version = ?",
    [ST_TIMEZONE_KNOWN] = "SELECT CONVERT_TZ('2000-01-01 00:00:00', ?, '+00:00') IS NOT NULL",
    [ST_OUTBOX_INSERT] = OUTBOX_INSERT_SQL,
    [ST_IDEM_CLAIM] = IDEM_CLAIM_SQL,
    [ST_IDEM_LOOKUP] = IDEM_LOOKUP_SQL,
    [ST_REVOKED] = REVOKE_LOOKUP_SQL,
    [ST_REVOCATIONS_FRESH] = REVOKE_FRESH_SQL,
    [ST_STOCK_SUMMARY] = STOCK_SUMMARY_SQL,
    [ST_EVENT_LISTINGS] = "SELECT id, section, seat_row, seat, price, available FROM stock_replica"
			  " WHERE event_id = ? AND state = 'active' AND available > 0"
			  " ORDER BY price, id LIMIT ?",
};

const size_t events_nstmts = ST__MAX;

static const struct idem_stmts idem = {ST_IDEM_CLAIM, ST_IDEM_LOOKUP};

int
store_session_valid(struct store *st, const struct session *s)
{
	return revoke_check(st, ST_REVOKED, s);
}

int
store_revocations_fresh(struct store *st, int *fresh)
{
	return revoke_fresh(st, ST_REVOCATIONS_FRESH, "events", fresh);
}

#define READ_CACHE_MS 1000

unsigned long
store_generation(void)
{
	return db_generation();
}

/* stock_summaries: the stock field of each of v[0..n) (n at most
 * EVENTS_PER_PAGE), zero for an event with no active listing. */
static int
stock_summaries(struct store *st, struct event *v, size_t n)
{
	struct db_val p[EVENTS_PER_PAGE];
	struct db_rows rows;
	size_t i, j;
	int rc;

	for (i = 0; i < EVENTS_PER_PAGE; i++)
		p[i] = DB_S(i < n ? v[i].id : "");
	rc = dbcache_exec(st->db, ST_STOCK_SUMMARY, p, EVENTS_PER_PAGE, READ_CACHE_MS, st->arena,
			  &rows);
	for (i = 0; rc == TK_OK && i < rows.nrows; i++)
		for (j = 0; j < n; j++)
			if (strcmp(v[j].id, db_str(&rows, i, 0)) == 0) {
				v[j].stock.listings = (long)db_int(&rows, i, 1);
				v[j].stock.available = (long)db_int(&rows, i, 2);
				v[j].stock.price_from = db_int(&rows, i, 3);
			}
	return rc;
}

/* search_params: the ten parameters of SEARCH_WHERE into p. */
static void
search_params(const struct search *s, struct db_val p[10])
{
	p[0] = DB_S(s->text);
	p[1] = DB_S(s->text_bool);
	p[2] = DB_S(s->text);
	p[3] = DB_S(s->text);
	p[4] = DB_S(s->city);
	p[5] = DB_S(s->city);
	p[6] = DB_S(s->from);
	p[7] = DB_S(s->from);
	p[8] = DB_S(s->to);
	p[9] = DB_S(s->to);
}

int
store_event_search(struct store *st, const struct search *s, struct event **out, size_t *n,
		   long *total)
{
	struct db_val p[13];
	struct db_rows rows;
	struct event *v;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	*total = 0;
	search_params(s, p);
	p[10] = DB_I(EVENTS_LISTED_MAX + 1);
	p[11] = DB_I(EVENTS_PER_PAGE);
	p[12] = DB_I((s->page - 1) * EVENTS_PER_PAGE);
	rc = dbcache_exec(st->db, ST_EVENT_SEARCH, p, 13, READ_CACHE_MS, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	v = arena_alloc(st->arena, (rows.nrows + 1) * sizeof(*v));
	for (i = 0; i < rows.nrows; i++) {
		v[i].id = db_str(&rows, i, 0);
		v[i].name = db_str(&rows, i, 1);
		v[i].venue_name = db_str(&rows, i, 2);
		v[i].venue_city = db_str(&rows, i, 3);
		v[i].starts_display = db_str(&rows, i, 4);
		v[i].starts_iso = db_str(&rows, i, 5);
		v[i].status = "scheduled";
		memset(&v[i].stock, 0, sizeof(v[i].stock));
	}
	if (rows.nrows > 0)
		*total = (long)db_int(&rows, 0, 6);
	if (rows.nrows > 0 && (rc = stock_summaries(st, v, rows.nrows)) != TK_OK)
		return rc;
	*out = v;
	*n = rows.nrows;
	return TK_OK;
}

int
store_event_count(struct store *st, const struct search *s, long *total)
{
	struct db_val p[11];
	struct db_rows rows;
	int rc;

	*total = 0;
	search_params(s, p);
	p[10] = DB_I(EVENTS_LISTED_MAX + 1);
	rc = db_exec(st->db, ST_EVENT_COUNT, p, 11, st->arena, &rows);
	if (rc == TK_OK && rows.nrows == 1)
		*total = (long)db_int(&rows, 0, 0);
	return rc;
}

int
store_event_by_id(struct store *st, const char *id, struct event *e)
{
	struct db_rows rows;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = dbcache_exec(st->db, ST_EVENT_BY_ID, (struct db_val[]){DB_S(id)}, 1, READ_CACHE_MS,
			  st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	e->id = db_str(&rows, 0, 0);
	e->name = db_str(&rows, 0, 1);
	e->description = db_str(&rows, 0, 2);
	e->status = db_str(&rows, 0, 3);
	e->version = db_int(&rows, 0, 4);
	e->venue_id = db_str(&rows, 0, 5);
	e->venue_name = db_str(&rows, 0, 6);
	e->venue_city = db_str(&rows, 0, 7);
	e->venue_address = db_str(&rows, 0, 8);
	e->venue_capacity = (long)db_int(&rows, 0, 9);
	e->venue_timezone = db_str(&rows, 0, 10);
	e->starts_display = db_str(&rows, 0, 11);
	e->ends_display = db_str(&rows, 0, 12);
	e->starts_input = db_str(&rows, 0, 13);
	e->ends_input = db_str(&rows, 0, 14);
	e->starts_iso = e->starts_input;
	e->past = db_int(&rows, 0, 15) != 0;
	e->created_by = db_str(&rows, 0, 16);
	return TK_OK;
}

int
store_event_listings(struct store *st, const char *id, struct stock_summary *sum,
		     struct listing **out, size_t *n)
{
	struct event e = {.id = id};
	struct db_rows rows;
	struct listing *l;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	memset(sum, 0, sizeof(*sum));
	rc = stock_summaries(st, &e, 1);
	if (rc != TK_OK)
		return rc;
	*sum = e.stock;
	rc = dbcache_exec(st->db, ST_EVENT_LISTINGS,
			  (struct db_val[]){DB_S(id), DB_I(LISTINGS_SHOWN_MAX)}, 2, READ_CACHE_MS,
			  st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	l = arena_alloc(st->arena, (rows.nrows + 1) * sizeof(*l));
	for (i = 0; i < rows.nrows; i++) {
		l[i].id = db_str(&rows, i, 0);
		l[i].section = db_str(&rows, i, 1);
		l[i].row = db_str(&rows, i, 2);
		l[i].seat = db_str(&rows, i, 3);
		l[i].price = db_int(&rows, i, 4);
		l[i].available = (long)db_int(&rows, i, 5);
	}
	*out = l;
	*n = rows.nrows;
	return TK_OK;
}

int
store_event_times(struct store *st, const char *venue_id, const char *starts, const char *ends,
		  struct event_times *t)
{
	struct db_val p[] = {DB_S(starts), DB_S(ends), DB_S(starts), DB_S(venue_id)};
	struct db_rows rows;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = db_exec(st->db, ST_EVENT_TIMES, p, 4, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	/* NULL when the zone is unknown to the server: refuse the times. */
	if (db_cell(&rows, 0, 0)->type == DB_NULL || db_cell(&rows, 0, 1)->type == DB_NULL)
		return TK_EINVAL;
	t->starts_utc = db_str(&rows, 0, 0);
	t->ends_utc = db_str(&rows, 0, 1);
	t->starts_in_future = db_int(&rows, 0, 2) != 0;
	return TK_OK;
}

/* emit_event: read event id back inside the open transaction and append
 * the outbox row of type with its full state. */
static int
emit_event(struct store *st, const char *type, const char *id)
{
	struct db_rows rows;
	json_t *state = NULL;
	int rc;

	rc = db_exec(st->db, ST_EVENT_STATE, (struct db_val[]){DB_S(id)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows != 1) {
		rc = TK_EINTERNAL;
		goto out;
	}
	state =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", db_str(&rows, 0, 0),
		      "venue_id", db_str(&rows, 0, 1), "name", db_str(&rows, 0, 2), "description",
		      db_str(&rows, 0, 3), "starts_at", db_str(&rows, 0, 4), "ends_at",
		      db_str(&rows, 0, 5), "status", db_str(&rows, 0, 6), "created_by",
		      db_str(&rows, 0, 7), "version", (json_int_t)db_int(&rows, 0, 8));
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = outbox_append(st->db, ST_OUTBOX_INSERT, type, "event", id, db_int(&rows, 0, 8), state);
out:
	json_decref(state);
	return rc;
}

/* emit_venue: the same for venue id. */
static int
emit_venue(struct store *st, const char *type, const char *id)
{
	struct db_rows rows;
	json_t *state = NULL;
	int rc;

	rc = db_exec(st->db, ST_VENUE_STATE, (struct db_val[]){DB_S(id)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows != 1) {
		rc = TK_EINTERNAL;
		goto out;
	}
	state = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:s}", "id", db_str(&rows, 0, 0),
			  "name", db_str(&rows, 0, 1), "city", db_str(&rows, 0, 2), "address",
			  db_str(&rows, 0, 3), "capacity", (json_int_t)db_int(&rows, 0, 4),
			  "timezone", db_str(&rows, 0, 5), "version",
			  (json_int_t)db_int(&rows, 0, 6), "created_by", db_str(&rows, 0, 7));
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = outbox_append(st->db, ST_OUTBOX_INSERT, type, "venue", id, db_int(&rows, 0, 6), state);
out:
	json_decref(state);
	return rc;
}

int
store_event_create(struct store *st, const struct event_input *in, const char *key, char *id)
{
	struct db_val p[7];
	int rc;

	uuid_v7(id);
	p[0] = DB_S(id);
	p[1] = DB_S(in->venue_id);
	p[2] = DB_S(in->name);
	p[3] = DB_S(in->description);
	p[4] = DB_S(in->starts_utc);
	p[5] = DB_S(in->ends_utc);
	p[6] = DB_S(st->actor->user_id);
	rc = idem_begin(st, &idem, "event", key, id);
	if (rc == TK_EEXIST)
		return TK_OK; /* created before: id is that event */
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_EVENT_INSERT, p, 7, NULL, NULL);
	if (rc == TK_OK)
		rc = emit_event(st, "event.created", id);
	return store_finish(st, rc);
}

/* OWNER_PARAMS: the values of OWNED for the acting organizer or admin. */
#define OWNER_PARAMS(st) DB_S((st)->actor->user_id), DB_I((st)->actor->role == ROLE_ADMIN)

/* missing_or_conflict: after a conditional update of event id changed
 * nothing: TK_ENOTFOUND when it does not exist or is not the caller's,
 * else TK_ECONFLICT. */
static int
missing_or_conflict(struct store *st, const char *id)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, ST_EVENT_STATUS, (struct db_val[]){DB_S(id), OWNER_PARAMS(st)}, 3,
		     st->arena, &rows);
	if (rc == TK_OK)
		rc = rows.nrows == 0 ? TK_ENOTFOUND : TK_ECONFLICT;
	return rc;
}

int
store_event_update(struct store *st, const char *id, int64_t version, const struct event_input *in)
{
	struct db_val p[] = {DB_S(in->venue_id),   DB_S(in->name),     DB_S(in->description),
			     DB_S(in->starts_utc), DB_S(in->ends_utc), DB_S(id),
			     DB_I(version),        OWNER_PARAMS(st)};
	struct db_rows rows;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_EVENT_UPDATE, p, 9, st->arena, &rows);
	if (rc == TK_OK && rows.affected == 0)
		rc = missing_or_conflict(st, id);
	if (rc == TK_OK)
		rc = emit_event(st, "event.updated", id);
	return store_finish(st, rc);
}

int
store_event_cancel(struct store *st, const char *id)
{
	struct db_rows rows;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_EVENT_CANCEL, (struct db_val[]){DB_S(id), OWNER_PARAMS(st)}, 3,
		     st->arena, &rows);
	if (rc == TK_OK && rows.affected == 0) {
		/* Already cancelled: nothing changes, nothing is emitted. */
		rc = missing_or_conflict(st, id);
		return store_finish(st, rc == TK_ECONFLICT ? TK_OK : rc);
	}
	if (rc == TK_OK)
		rc = emit_event(st, "event.cancelled", id);
	return store_finish(st, rc);
}

/* venue_row: row i of a VENUE_COLUMNS result into *v. */
static void
venue_row(const struct db_rows *rows, size_t i, struct venue *v)
{
	v->id = db_str(rows, i, 0);
	v->name = db_str(rows, i, 1);
	v->city = db_str(rows, i, 2);
	v->address = db_str(rows, i, 3);
	v->capacity = (long)db_int(rows, i, 4);
	v->timezone = db_str(rows, i, 5);
	v->version = db_int(rows, i, 6);
}

/* like_prefix: the LIKE pattern of the values starting with q: q with
 * LIKE's escape character and wildcards escaped, then '%'. In the arena. */
static const char *
like_prefix(struct arena *a, const char *q)
{
	char *out = arena_alloc(a, strlen(q) * 2 + 2), *p = out;

	for (; *q != '\0'; q++) {
		if (*q == '\\' || *q == '%' || *q == '_')
			*p++ = '\\';
		*p++ = *q;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

int
store_venues(struct store *st, const char *q, long offset, long limit, struct venue **out,
	     size_t *n)
{
	const char *like = like_prefix(st->arena, q);
	struct db_val p[] = {DB_S(q), DB_S(like), DB_S(like), DB_I(limit), DB_I(offset)};
	struct db_rows rows;
	struct venue *v;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_exec(st->db, ST_VENUES, p, 5, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	v = arena_alloc(st->arena, (rows.nrows + 1) * sizeof(*v));
	for (i = 0; i < rows.nrows; i++)
		venue_row(&rows, i, &v[i]);
	*out = v;
	*n = rows.nrows;
	return TK_OK;
}

int
store_venue_count(struct store *st, const char *q, long max, long *total)
{
	const char *like = like_prefix(st->arena, q);
	struct db_val p[] = {DB_S(q), DB_S(like), DB_S(like), DB_I(max)};
	struct db_rows rows;
	int rc;

	*total = 0;
	rc = db_exec(st->db, ST_VENUE_COUNT, p, 4, st->arena, &rows);
	if (rc == TK_OK && rows.nrows == 1)
		*total = (long)db_int(&rows, 0, 0);
	return rc;
}

int
store_venue_by_id(struct store *st, const char *id, struct venue *v)
{
	struct db_rows rows;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = db_exec(st->db, ST_VENUE_BY_ID, (struct db_val[]){DB_S(id)}, 1, st->arena, &rows);
	if (rc != TK_OK)
		return rc;
	if (rows.nrows == 0)
		return TK_ENOTFOUND;
	venue_row(&rows, 0, v);
	return TK_OK;
}

int
store_timezone_known(struct store *st, const char *tz)
{
	struct db_rows rows;
	int rc;

	rc = db_exec(st->db, ST_TIMEZONE_KNOWN, (struct db_val[]){DB_S(tz)}, 1, st->arena, &rows);
	if (rc == TK_OK)
		rc = rows.nrows == 1 && db_int(&rows, 0, 0) == 1 ? TK_OK : TK_EINVAL;
	return rc;
}

int
store_venue_create(struct store *st, const struct venue *v, const char *key, char *id)
{
	struct db_val p[7];
	int rc;

	uuid_v7(id);
	p[0] = DB_S(id);
	p[1] = DB_S(v->name);
	p[2] = DB_S(v->city);
	p[3] = DB_S(v->address);
	p[4] = DB_I(v->capacity);
	p[5] = DB_S(v->timezone);
	p[6] = DB_S(st->actor->user_id);
	rc = idem_begin(st, &idem, "venue", key, id);
	if (rc == TK_EEXIST)
		return TK_OK; /* created before: id is that venue */
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_VENUE_INSERT, p, 7, NULL, NULL);
	if (rc == TK_OK)
		rc = emit_venue(st, "venue.created", id);
	return store_finish(st, rc);
}

int
store_venue_update(struct store *st, const struct venue *v)
{
	struct db_val p[] = {DB_S(v->name),     DB_S(v->city), DB_S(v->address), DB_I(v->capacity),
			     DB_S(v->timezone), DB_S(v->id),   DB_I(v->version)};
	struct db_rows rows;
	int rc;

	rc = db_begin(st->db);
	if (rc != TK_OK)
		return rc;
	rc = db_exec(st->db, ST_VENUE_UPDATE, p, 7, st->arena, &rows);
	if (rc == TK_OK && rows.affected == 0) {
		rc = db_exec(st->db, ST_VENUE_BY_ID, (struct db_val[]){DB_S(v->id)}, 1, st->arena,
			     &rows);
		if (rc == TK_OK)
			rc = rows.nrows == 0 ? TK_ENOTFOUND : TK_ECONFLICT;
	}
	if (rc == TK_OK)
		rc = emit_venue(st, "venue.updated", v->id);
	return store_finish(st, rc);
}
