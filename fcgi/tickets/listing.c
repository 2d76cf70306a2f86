/*
 * The ticket.* payload of a listing (listing.h): read back in the
 * transaction of the change, packed as docs/MARKETPLACE.md lists it, and
 * appended to the outbox.
 */
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "listing.h"
#include "money.h"
#include "outbox.h"

int
listing_emit(struct db *db, int st_state, int st_outbox, struct arena *a, const char *type,
	     const char *id)
{
	struct db_rows rows;
	json_t *state = NULL;
	int rc;

	rc = db_exec(db, st_state, (struct db_val[]){DB_S(id)}, 1, a, &rows);
	if (rc != TK_OK)
		goto out;
	if (rows.nrows != 1) {
		rc = TK_ENOTFOUND;
		goto out;
	}
	state = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I}", "id",
			  db_str(&rows, 0, 0), "event_id", db_str(&rows, 0, 1), "seller_id",
			  db_str(&rows, 0, 2), "section", db_str(&rows, 0, 3), "row",
			  db_str(&rows, 0, 4), "seat", db_str(&rows, 0, 5), "note",
			  db_str(&rows, 0, 6), "quantity", (json_int_t)db_int(&rows, 0, 7), "price",
			  (json_int_t)db_int(&rows, 0, 8), "currency", db_str(&rows, 0, 9), "state",
			  db_str(&rows, 0, 10), "hidden_reason", db_str(&rows, 0, 11), "version",
			  (json_int_t)db_int(&rows, 0, 12));
	if (state == NULL) {
		rc = TK_EINTERNAL;
		goto out;
	}
	rc = outbox_append(db, st_outbox, type, "ticket", id, db_int(&rows, 0, 12), state);
out:
	json_decref(state);
	return rc;
}

const struct money_currency *
listing_currency(const char *code)
{
	const struct money_currency *c = money_currency_find(code);

	return c != NULL ? c : money_currency();
}
