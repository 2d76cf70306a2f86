/*
 * Idempotency keys of create forms. A form that creates something shared
 * (an event, a venue; later a listing, an order, a payment) lists the field
 * fields_idempotency_key (fields.h) in its table: fields_init gives it a
 * fresh random key, every form of the page carries it as a hidden field
 * (partials/csrf.tpl), and fields_read checks its shape. The store function
 * that creates the row claims the key in the same transaction (idem_begin):
 * one row of the shared table idempotency_keys (sql/common/), unique per
 * acting user, form and key, holding the id of what that transaction
 * creates. A second submission of the same form, be it a double click, a
 * reload, or a resubmission after an error page whose transaction had in
 * fact committed (a COMMIT whose answer was lost with the link), finds the
 * row and gets the id the first one created: the handler answers with the
 * same redirect, and nothing is created twice.
 *
 * Keys are stored with the actor, so a key one member saw or guessed
 * blocks nothing of another member's.
 *
 * A service puts both statements in its statement table and passes their
 * indexes:
 *
 *     [ST_IDEM_CLAIM] = IDEM_CLAIM_SQL,
 *     [ST_IDEM_LOOKUP] = IDEM_LOOKUP_SQL,
 *     ...
 *     static const struct idem_stmts idem = {ST_IDEM_CLAIM, ST_IDEM_LOOKUP};
 *     rc = idem_begin(st, &idem, "event", key, id);
 */
#ifndef TK_IDEM_H
#define TK_IDEM_H
#include <stddef.h>

struct store;

/* Parameters: actor id, form, key, result id. */
#define IDEM_CLAIM_SQL                                                                             \
	"INSERT INTO idempotency_keys (actor_id, form, idem_key, result_id) VALUES (?, ?, ?, ?)"
/* Parameters: actor id, form, key. */
#define IDEM_LOOKUP_SQL                                                                            \
	"SELECT result_id FROM idempotency_keys WHERE actor_id = ? AND form = ? AND idem_key = ?"

/* The longest result id (the column's width); a UUID is 36. */
#define IDEM_RESULT_MAX 64

/* The indexes of IDEM_CLAIM_SQL and IDEM_LOOKUP_SQL in a service's
 * statement table. */
struct idem_stmts {
	int claim;
	int lookup;
};

/*
 * idem_begin: begin a transaction on st->db and, when key is not NULL,
 * claim it for st->actor (which must be set) and form (what is created,
 * e.g. "event"), recording id as what this submission creates.
 * Returns TK_OK with the transaction open: the caller writes its rows and
 * ends it with store_finish. Returns TK_EEXIST when the key was claimed
 * already, by a transaction that committed: no transaction is left open
 * and id (IDEM_RESULT_MAX + 1 bytes) holds the id the first submission
 * created. A claim racing an uncommitted one waits for it (the unique key's
 * lock) and then gets TK_EEXIST, or TK_OK when the other rolled back. Else
 * a db_exec error, with nothing open.
 */
int idem_begin(struct store *st, const struct idem_stmts *stmts, const char *form, const char *key,
	       char *id /* IN/OUT */);

#endif
