/*
 * The backbone registry (backbone.h): the emitters and consumers of the
 * event stream, and the set-up step that makes JetStream match them.
 */
#include <string.h>
#include <time.h>

#include "backbone.h"
#include "err.h"
#include "log.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Redelivered when not acked within this; a handler's transaction takes
 * far less. */
#define ACK_WAIT_MS 30000
#define MAX_ACK_PENDING 1000
/* How long setup-backbone waits for a change of replicas to take. */
#define SETTLE_WAIT_MS 30000
#define SETTLE_POLL_MS 100

/* The replica check of a service's session_revocations (lib/revoke.h),
 * the same for every service that keeps one. */
#define REVOCATIONS_CHECK                                                                          \
	.src_service = "auth",                                                                     \
	.src_sql = "SELECT id, 1, user_id FROM sessions WHERE revoked_at IS NOT NULL",             \
	.replica_sql = "SELECT session_id, version, user_id FROM session_revocations"

/* The replica check of a service's users_replica (name and role of the
 * auth service's users), the same for every service that keeps one. */
#define USERS_CHECK                                                                                \
	.replica_table = "users_replica", .src_service = "auth",                                   \
	.src_sql = "SELECT id, version, CONCAT(name, '|', role) FROM users",                       \
	.replica_sql = "SELECT id, version, CONCAT(name, '|', role) FROM users_replica"

/* The replica check of a service's venues_replica (name, city, time zone
 * of the events service's venues), the same for every service that keeps
 * one. */
#define VENUES_CHECK                                                                               \
	.replica_table = "venues_replica", .src_service = "events",                                \
	.src_sql = "SELECT id, version, CONCAT_WS('|', name, city, timezone) FROM venues",         \
	.replica_sql =                                                                             \
	    "SELECT id, version, CONCAT_WS('|', name, city, timezone) FROM venues_replica"

/* The replica check of an events_replica of the events service's events
 * (start, status, name, venue: repl_event's columns), the same for every
 * service that keeps one. */
#define EVENTS_CHECK                                                                               \
	.replica_table = "events_replica", .src_service = "events",                                \
	.src_sql = "SELECT id, version, CONCAT_WS('|', starts_at, status, name, venue_id)"         \
		   " FROM events",                                                                 \
	.replica_sql = "SELECT id, version, CONCAT_WS('|', starts_at, status, name, venue_id)"     \
		       " FROM events_replica"

/* The counts of stock.changed (docs/MARKETPLACE.md) that both stock
 * replicas keep: from the orders service's stock row s and its listing l
 * (available derived as the event defines it), and from a replica's own
 * columns. JSON_ARRAY, unlike a joined string, keeps the columns apart
 * whatever text they hold. */
#define STOCK_COUNTS_SRC                                                                           \
	"s.ticket_version, s.offered, s.quantity, s.reserved, s.sold,"                             \
	" IF(l.state = 'active', CAST(s.quantity AS SIGNED) - s.reserved - s.sold, 0),"            \
	" s.sold_amount"
#define STOCK_COUNTS_REPLICA                                                                       \
	"ticket_version, offered, quantity, reserved, sold, available, sold_amount"

const struct backbone_emitter backbone_emitters[] = {
    {"auth", "ticketing.user.*"},        {"auth", "ticketing.session.*"},
    {"events", "ticketing.event.*"},     {"events", "ticketing.venue.*"},
    {"tickets", "ticketing.ticket.*"},   {"orders", "ticketing.order.*"},
    {"orders", "ticketing.stock.*"},     {"orders", "ticketing.expiration.*"},
    {"payments", "ticketing.payment.*"}, {"auth", "ticketing.account_token.*"},
};
const size_t backbone_nemitters = NELEM(backbone_emitters);

const struct backbone_consumer backbone_consumers[] = {
    {
	.durable = "events-users",
	.service = "events",
	.filter = "ticketing.user.*",
	USERS_CHECK,
    },
    {
	.durable = "events-sessions",
	.service = "events",
	.filter = "ticketing.session.*",
	.keeps = "session_revocations",
	.replica_table = "session_revocations",
	REVOCATIONS_CHECK,
    },
    {
	.durable = "tickets-events",
	.service = "tickets",
	.filter = "ticketing.event.*",
	.replica_table = "events_replica",
	.src_service = "events",
	.src_sql = "SELECT id, version, CONCAT_WS('|', venue_id, name, starts_at, ends_at, status,"
		   " created_by) FROM events",
	.replica_sql = "SELECT id, version, CONCAT_WS('|', venue_id, name, starts_at, ends_at,"
		       " status, created_by) FROM events_replica",
    },
    {
	.durable = "tickets-venues",
	.service = "tickets",
	.filter = "ticketing.venue.*",
	VENUES_CHECK,
    },
    {
	.durable = "tickets-stock",
	.service = "tickets",
	.filter = "ticketing.stock.*",
	.replica_table = "stock_replica",
	.src_service = "orders",
	.src_sql = "SELECT s.listing_id, s.version, JSON_ARRAY(" STOCK_COUNTS_SRC ") FROM stock s"
		   " LEFT JOIN listings_replica l ON l.id = s.listing_id",
	.replica_sql =
	    "SELECT id, version, JSON_ARRAY(" STOCK_COUNTS_REPLICA ") FROM stock_replica",
    },
    {
	.durable = "tickets-sessions",
	.service = "tickets",
	.filter = "ticketing.session.*",
	.keeps = "session_revocations",
	.replica_table = "session_revocations",
	REVOCATIONS_CHECK,
    },
    {
	.durable = "tickets-orders",
	.service = "tickets",
	.filter = "ticketing.order.*",
	.replica_table = "orders_replica",
	.src_service = "orders",
	.src_sql = "SELECT id, version, CONCAT_WS('|', state, event_id, listing_id, buyer_id,"
		   " quantity) FROM orders WHERE version > 1",
	.replica_sql = "SELECT id, version, CONCAT_WS('|', state, event_id, listing_id, buyer_id,"
		       " quantity) FROM orders_replica",
    },
    {
	.durable = "tickets-users",
	.service = "tickets",
	.filter = "ticketing.user.*",
	/* USERS_CHECK and whether the address is verified (listing). */
	.replica_table = "users_replica",
	.src_service = "auth",
	.src_sql = "SELECT id, version, CONCAT(name, '|', role, '|', email_verified_at IS NOT NULL)"
		   " FROM users",
	.replica_sql = "SELECT id, version, CONCAT(name, '|', role, '|', email_verified)"
		       " FROM users_replica",
    },
    {
	.durable = "events-stock",
	.service = "events",
	.filter = "ticketing.stock.*",
	.replica_table = "stock_replica",
	.src_service = "orders",
	.src_sql = "SELECT s.listing_id, s.version, JSON_ARRAY(l.event_id, l.seller_id, l.section,"
		   " l.row_label, l.seat, l.price, l.currency, l.state, " STOCK_COUNTS_SRC ")"
		   " FROM stock s LEFT JOIN listings_replica l ON l.id = s.listing_id",
	.replica_sql =
	    "SELECT id, version, JSON_ARRAY(event_id, seller_id, section, seat_row, seat,"
	    " price, currency, state, " STOCK_COUNTS_REPLICA ") FROM stock_replica",
    },
    {
	.durable = "orders-tickets",
	.service = "orders",
	.filter = "ticketing.ticket.*",
	.replica_table = "listings_replica",
	.src_service = "tickets",
	.src_sql = "SELECT id, version, JSON_ARRAY(event_id, seller_id, section, seat_row, seat,"
		   " note, quantity, price, currency, state, hidden_reason) FROM listings",
	.replica_sql = "SELECT id, version, JSON_ARRAY(event_id, seller_id, section, row_label,"
		       " seat, note, quantity, price, currency, state, hidden_reason)"
		       " FROM listings_replica",
    },
    {
	.durable = "orders-events",
	.service = "orders",
	.filter = "ticketing.event.*",
	EVENTS_CHECK,
    },
    {
	.durable = "orders-expirations",
	.service = "orders",
	.filter = "ticketing.expiration.*",
    },
    {
	.durable = "orders-sessions",
	.service = "orders",
	.filter = "ticketing.session.*",
	.keeps = "session_revocations",
	.replica_table = "session_revocations",
	REVOCATIONS_CHECK,
    },
    {
	.durable = "orders-venues",
	.service = "orders",
	.filter = "ticketing.venue.*",
	VENUES_CHECK,
    },
    {
	.durable = "orders-expiry",
	.service = "orders",
	.filter = "ticketing.order.created",
	.worker = "expiry",
    },
    {
	.durable = "orders-payments",
	.service = "orders",
	.filter = "ticketing.payment.*",
    },
    {
	.durable = "payments-orders",
	.service = "payments",
	.filter = "ticketing.order.*",
	.replica_table = "orders_replica",
	.src_service = "orders",
	.src_sql = "SELECT id, version, JSON_ARRAY(buyer_id, listing_id, amount, currency, state,"
		   " expires_at) FROM orders",
	.replica_sql = "SELECT id, version, JSON_ARRAY(buyer_id, listing_id, amount, currency,"
		       " state, expires_at) FROM orders_replica",
    },
    {
	.durable = "payments-sessions",
	.service = "payments",
	.filter = "ticketing.session.*",
	.keeps = "session_revocations",
	.replica_table = "session_revocations",
	REVOCATIONS_CHECK,
    },
    {
	.durable = "settlement-orders",
	.service = "payments",
	.filter = "ticketing.order.*",
	.worker = "settlement",
    },
    {
	.durable = "notify-users",
	.service = "notify",
	.filter = "ticketing.user.*",
	.worker = "notify",
	USERS_CHECK,
    },
    {
	.durable = "notify-account-tokens",
	.service = "notify",
	.filter = "ticketing.account_token.*",
	.worker = "notify",
    },
    {
	.durable = "notify-orders",
	.service = "notify",
	.filter = "ticketing.order.*",
	.worker = "notify",
    },
    {
	.durable = "notify-events",
	.service = "notify",
	.filter = "ticketing.event.*",
	.worker = "notify",
	EVENTS_CHECK,
    },
    {
	.durable = "notify-venues",
	.service = "notify",
	.filter = "ticketing.venue.*",
	.worker = "notify",
	VENUES_CHECK,
    },
    {
	.durable = "notify-tickets",
	.service = "notify",
	.filter = "ticketing.ticket.*",
	.worker = "notify",
	.replica_table = "listings_replica",
	.src_service = "tickets",
	.src_sql = "SELECT id, version, JSON_ARRAY(event_id, seller_id, section, seat_row, seat)"
		   " FROM listings",
	.replica_sql = "SELECT id, version, JSON_ARRAY(event_id, seller_id, section, row_label,"
		       " seat) FROM listings_replica",
    },
};
const size_t backbone_nconsumers = NELEM(backbone_consumers);

const struct backbone_consumer *
backbone_consumer_find(const char *durable)
{
	size_t i;

	for (i = 0; i < backbone_nconsumers; i++)
		if (strcmp(backbone_consumers[i].durable, durable) == 0)
			return &backbone_consumers[i];
	return NULL;
}

const char *
backbone_worker(const struct backbone_consumer *k)
{
	return k->worker != NULL ? k->worker : "replicator";
}

int
backbone_emits(const char *service)
{
	size_t i;

	for (i = 0; i < backbone_nemitters; i++)
		if (strcmp(backbone_emitters[i].service, service) == 0)
			return 1;
	return 0;
}

int
backbone_consumes(const char *service)
{
	size_t i;

	for (i = 0; i < backbone_nconsumers; i++)
		if (strcmp(backbone_consumers[i].service, service) == 0)
			return 1;
	return 0;
}

/* add_name: append name to names unless it is there already. */
static void
add_name(const char **names, size_t max, size_t *n, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return;
	if (*n < max)
		names[(*n)++] = name;
}

size_t
backbone_common_tables(const char *service, const char **names, size_t max)
{
	size_t i, n = 0;

	if (backbone_emits(service)) {
		add_name(names, max, &n, "outbox");
		/* What an emitter creates, its forms create: lib/idem.h. */
		add_name(names, max, &n, "idempotency_keys");
	}
	if (backbone_consumes(service)) {
		add_name(names, max, &n, "processed_events");
		add_name(names, max, &n, "dead_letters");
		add_name(names, max, &n, "applied_versions");
		add_name(names, max, &n, "consumer_state");
	}
	/* Every worker of a database beats there: the relay of an emitter,
	 * the consumers of a consumer (lib/worker.c). */
	if (backbone_emits(service) || backbone_consumes(service))
		add_name(names, max, &n, "worker_beats");
	for (i = 0; i < backbone_nconsumers; i++)
		if (backbone_consumers[i].keeps != NULL &&
		    strcmp(backbone_consumers[i].service, service) == 0)
			add_name(names, max, &n, backbone_consumers[i].keeps);
	return n;
}

size_t
backbone_services(const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < backbone_nemitters; i++)
		add_name(names, max, &n, backbone_emitters[i].service);
	for (i = 0; i < backbone_nconsumers; i++) {
		add_name(names, max, &n, backbone_consumers[i].service);
		if (backbone_consumers[i].src_service != NULL)
			add_name(names, max, &n, backbone_consumers[i].src_service);
	}
	return n;
}

int
backbone_filter_like(const char *filter, char *out, size_t size)
{
	size_t len = strlen(filter), i, n = 0;
	int rc = TK_EINVAL;

	for (i = 0; i < len; i++) {
		/* Room for this character (two for an escaped '_') and the NUL. */
		if (n + (filter[i] == '_' ? 2 : 1) + 1 > size)
			goto out;
		if (filter[i] != '*' && filter[i] != '>') {
			/* '_' is in subject tokens (account_token): escaped,
			 * it matches itself only (the default ESCAPE '\\'). */
			if (filter[i] == '_') {
				out[n++] = '\\';
				out[n++] = '_';
				continue;
			}
			/* LIKE's other specials never occur in a subject. */
			if (filter[i] == '%' || filter[i] == '\\')
				goto out;
			out[n++] = filter[i];
			continue;
		}
		if (i + 1 != len || (i > 0 && filter[i - 1] != '.'))
			goto out;
		out[n++] = '%';
	}
	out[n] = '\0';
	rc = TK_OK;
out:
	return rc;
}

struct mq_consumer_conf
backbone_consumer_conf(const struct backbone_consumer *c)
{
	struct mq_consumer_conf cc = {
	    .stream = MQ_STREAM,
	    .durable = c->durable,
	    .filter = c->filter,
	    .ack_wait_ms = ACK_WAIT_MS,
	    .max_deliver = -1,
	    .max_ack_pending = MAX_ACK_PENDING,
	};

	return cc;
}

/* settled: 1 when the stream (durable NULL) or the durable consumer
 * is kept by exactly replicas nodes, all current; 0 when not yet or its
 * state cannot be read. */
static int
settled(struct mq *mq, const char *stream, const char *durable, int replicas)
{
	struct mq_stream_state st;
	struct mq_consumer_state cs;
	int nodes, current;

	if (durable == NULL) {
		if (mq_stream_state(mq, stream, &st) != TK_OK)
			return 0;
		nodes = st.nodes, current = st.current;
	} else {
		if (mq_consumer_state(mq, stream, durable, &cs) != TK_OK)
			return 0;
		nodes = cs.nodes, current = cs.current;
	}
	return nodes == replicas && current == nodes;
}

/* wait_settled: settled(), asked every SETTLE_POLL_MS for up to
 * SETTLE_WAIT_MS. TK_OK, or TK_EIO (logged) when it did not settle. */
static int
wait_settled(struct mq *mq, const char *stream, const char *durable, int replicas)
{
	struct timespec ts = {0, SETTLE_POLL_MS * 1000000L};
	int waited;

	for (waited = 0; !settled(mq, stream, durable, replicas); waited += SETTLE_POLL_MS) {
		if (waited >= SETTLE_WAIT_MS) {
			log_error("backbone: %s %s is not on %d nodes, all current, after %d s",
				  durable != NULL ? "consumer" : "stream",
				  durable != NULL ? durable : stream, replicas,
				  SETTLE_WAIT_MS / 1000);
			return TK_EIO;
		}
		nanosleep(&ts, NULL);
	}
	return TK_OK;
}

int
backbone_setup(struct mq *mq, const struct mq_stream_conf *sc, int64_t ack_wait_ms)
{
	struct mq_consumer_conf cc;
	struct mq_stream_state st;
	size_t i;
	int rc, rescaled;

	/* JetStream drops the oldest messages, read or not, to fit a lowered
	 * limit (discard-new notwithstanding): refuse to go below what the
	 * stream holds. */
	rc = mq_stream_state(mq, sc->name, &st);
	if (rc == TK_OK && sc->max_bytes > 0 && st.bytes > (uint64_t)sc->max_bytes) {
		log_error("backbone: stream %s holds %llu bytes, more than the limit %lld asked "
			  "for: prune it first (docs/BACKBONE.md)",
			  sc->name, (unsigned long long)st.bytes, (long long)sc->max_bytes);
		rc = TK_ECONFIG;
		goto out;
	}
	if (rc != TK_OK && rc != TK_ENOTFOUND)
		goto out;
	rescaled = rc == TK_OK && st.replicas != sc->replicas;
	rc = mq_ensure_stream(mq, sc);
	/* A change of replicas moves the stream's copies and then its
	 * consumers' (they take the stream's count). nats-server 2.9 can
	 * leave a consumer that is touched while it moves without a leader
	 * (docs/PITFALLS.md): touch none before all have followed. */
	if (rc == TK_OK && rescaled)
		rc = wait_settled(mq, sc->name, NULL, sc->replicas);
	for (i = 0; rc == TK_OK && rescaled && i < backbone_nconsumers; i++)
		rc = wait_settled(mq, sc->name, backbone_consumers[i].durable, sc->replicas);
	for (i = 0; rc == TK_OK && i < backbone_nconsumers; i++) {
		cc = backbone_consumer_conf(&backbone_consumers[i]);
		if (ack_wait_ms > 0)
			cc.ack_wait_ms = ack_wait_ms;
		rc = mq_ensure_consumer(mq, &cc);
	}
	if (rc == TK_OK)
		log_info("backbone: stream %s and %zu consumers are set up", sc->name,
			 backbone_nconsumers);
out:
	return rc;
}
