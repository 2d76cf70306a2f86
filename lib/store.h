/*
 * The context a service's data access runs in: a database handle, an
 * arena for the rows it returns, and who is acting. The application shell
 * fills one per request (struct request's store member); a tool or worker
 * fills its own, so the same store functions serve a web page, ticketingctl
 * and a worker alike. A store never sees struct request.
 */
#ifndef TK_STORE_H
#define TK_STORE_H

struct arena;
struct db;
struct session;

struct store {
	struct db *db;               /* the caller's connection, statements prepared */
	struct arena *arena;         /* rows and strings returned live here */
	const struct session *actor; /* the signed-in user; NULL for visitors and tools */
	const char *remote_addr;     /* the client's address; NULL outside a request */
};

/*
 * store_finish: end the transaction st->db holds open: commit when rc is
 * TK_OK, and then wake the outbox relay (mq_nudge_outbox); roll back
 * otherwise. Returns rc, or the commit's failure.
 */
int store_finish(struct store *st, int rc);

#endif
