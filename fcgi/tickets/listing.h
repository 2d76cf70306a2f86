/*
 * The ticket.* event of a listing: the one definition of its payload
 * (docs/MARKETPLACE.md, "Events"), used by the tickets service when a
 * member or an admin changes a listing and by its replicator when a
 * cancelled event cancels the listings (workers/replicator/tickets.c), so
 * both write the same state. The state is read back inside the caller's
 * open transaction, after its change.
 */
#ifndef TK_LISTING_H
#define TK_LISTING_H

struct arena;
struct db;
struct money_currency;

/* The statement listing_emit runs to read the listing's state (one
 * parameter, the id): put it in the caller's statement table. */
#define LISTING_STATE_SQL                                                                          \
	"SELECT id, event_id, seller_id, section, seat_row, seat, note, quantity, price,"          \
	" currency, state, hidden_reason, version FROM listings WHERE id = ?"

/*
 * listing_emit: inside the open transaction on db, read listing id with
 * statement st_state (LISTING_STATE_SQL) and append its ticket event of
 * type ("ticket.created", "ticket.updated") with the full state to the
 * outbox with statement st_outbox (OUTBOX_INSERT_SQL). Rows go to arena a.
 * Returns TK_OK, TK_ENOTFOUND when the listing does not exist, or a
 * database error (the caller rolls back).
 */
int listing_emit(struct db *db, int st_state, int st_outbox, struct arena *a, const char *type,
		 const char *id);

/* listing_currency: the currency of a listing's price, by its ISO code;
 * the process's currency (money_currency) when the table does not know
 * the code. Never NULL. */
const struct money_currency *listing_currency(const char *code);

#endif
