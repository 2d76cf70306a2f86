/*
 * bench/expiry_nak: what holding reservations with JetStream's
 * NakWithDelay would cost, for the choice in docs/DECISIONS.md ("Expiry:
 * a schedule in MariaDB"). It publishes N messages on a stream of its own
 * (BENCH_NAK, purged first and at the end), each carrying a deadline LEAD
 * ms ahead plus its share of WINDOW ms, in deadline order or shuffled
 * (--shuffle: reservations whose deadlines are not in the order they were
 * made, e.g. of different lengths), and consumes them through a durable
 * consumer with the registry's max ack pending (1000): a message not yet
 * due is naked with the delay left, a due one acked. It prints how many
 * deliveries that took, how long until every message had been delivered
 * once, and the lateness of the acks (p50, p99, max) after their
 * deadlines.
 *
 * Usage: bench/expiry_nak --config ADMIN_CONF [--shuffle] N LEAD_MS WINDOW_MS
 * ADMIN_CONF: a configuration with nats_url and the administrator's
 * nats_user and nats_password (the local stack's conf/admin.conf).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "config.h"
#include "err.h"
#include "mq.h"

#define STREAM "BENCH_NAK"
#define SUBJECT "bench.nak.due"
#define MAX_ACK_PENDING 1000 /* as lib/backbone.c */

static int64_t
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* purge: remove every message of the bench's stream. */
static int
purge(struct mq *mq)
{
	struct mq_stream_state st;
	int rc = mq_stream_state(mq, STREAM, &st);

	if (rc == TK_OK && st.msgs > 0)
		rc = mq_purge_before(mq, STREAM, st.last_seq + 1);
	return rc;
}

static int
by_value(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

int
main(int argc, char **argv)
{
	struct mq_stream_conf sc = {
	    .name = STREAM, .subjects = SUBJECT, .max_bytes = -1, .duplicates_s = 60};
	struct mq_consumer_conf cc = {.stream = STREAM,
				      .durable = "bench-nak",
				      .filter = SUBJECT,
				      .ack_wait_ms = 30000,
				      .max_deliver = -1,
				      .max_ack_pending = MAX_ACK_PENDING};
	struct mq *mq = NULL;
	struct mq_pull *pull = NULL;
	struct mq_batch b;
	int64_t *due = NULL, *late = NULL, t0, last_first = 0, now, d;
	long n, lead, window, i, j, acked = 0, deliveries = 0, firsts = 0, fetches = 0;
	int shuffle = 0, a = 1, status = 1;
	char data[32], id[40];

	if (argc > 2 && strcmp(argv[1], "--config") == 0)
		a = 3;
	if (argc > a && strcmp(argv[a], "--shuffle") == 0) {
		shuffle = 1;
		a++;
	}
	if (a != 3 && a != 4)
		a = 0;
	if (a == 0 || argc != a + 3) {
		fprintf(stderr, "usage: expiry_nak --config ADMIN_CONF [--shuffle] N LEAD_MS "
				"WINDOW_MS\n");
		return 2;
	}
	n = atol(argv[a]);
	lead = atol(argv[a + 1]);
	window = atol(argv[a + 2]);
	if (n <= 0 || config_load(argv[2], NULL, 0, CONFIG_OTHER_KEYS) != TK_OK ||
	    mq_connect(config_str("nats_url"), config_str("nats_user"), config_str("nats_password"),
		       "bench-nak", &mq) != TK_OK ||
	    mq_wait_connected(mq, 5000) != TK_OK) {
		fprintf(stderr, "expiry_nak: no configuration or no NATS\n");
		goto out;
	}
	due = calloc((size_t)n, sizeof(*due));
	late = calloc((size_t)n, sizeof(*late));
	mq_delete_consumer(mq, STREAM, cc.durable);
	if (mq_ensure_stream(mq, &sc) != TK_OK || purge(mq) != TK_OK ||
	    mq_ensure_consumer(mq, &cc) != TK_OK ||
	    mq_pull_open(mq, STREAM, cc.durable, SUBJECT, &pull) != TK_OK) {
		fprintf(stderr, "expiry_nak: cannot set up stream %s\n", STREAM);
		goto out;
	}
	t0 = now_ms();
	for (i = 0; i < n; i++)
		due[i] = t0 + lead + i * window / n;
	for (i = n - 1; shuffle && i > 0; i--) {
		j = random() % (i + 1);
		d = due[i];
		due[i] = due[j];
		due[j] = d;
	}
	for (i = 0; i < n; i++) {
		snprintf(data, sizeof(data), "%lld", (long long)due[i]);
		snprintf(id, sizeof(id), "nak-%lld-%ld", (long long)t0, i);
		if (mq_publish(mq, SUBJECT, id, data, strlen(data), 5000, NULL) != TK_OK) {
			fprintf(stderr, "expiry_nak: publish failed\n");
			goto out;
		}
	}
	printf("published %ld messages in %lld ms (deadlines %ld..%ld ms after the start%s)\n", n,
	       (long long)(now_ms() - t0), lead, lead + window, shuffle ? ", shuffled" : "");
	while (acked < n && now_ms() < t0 + lead + window + 120000) {
		if (mq_fetch(pull, 256, 200, &b) != TK_OK)
			continue;
		fetches++;
		for (i = 0; i < b.count; i++) {
			size_t len;
			const char *p = mq_msg_data(b.msgs[i], &len);

			deliveries++;
			now = now_ms();
			if (mq_msg_delivered(b.msgs[i]) == 1) {
				firsts++;
				last_first = now;
			}
			d = strtoll(p, NULL, 10);
			if (now >= d) {
				late[acked++] = now - d;
				mq_ack(b.msgs[i]);
			} else {
				mq_nak(b.msgs[i], d - now);
			}
		}
		mq_batch_free(&b);
	}
	qsort(late, (size_t)acked, sizeof(*late), by_value);
	printf("max ack pending %d: every message delivered once after %lld ms "
	       "(%ld of %ld first deliveries)\n",
	       MAX_ACK_PENDING, (long long)(last_first - t0), firsts, n);
	printf("deliveries %ld (%.2f per message), fetches %ld\n", deliveries,
	       (double)deliveries / (double)n, fetches);
	if (acked > 0)
		printf("lateness after the deadline: p50 %lld ms, p99 %lld ms, max %lld ms (%ld "
		       "acked)\n",
		       (long long)late[acked / 2], (long long)late[acked * 99 / 100],
		       (long long)late[acked - 1], acked);
	status = acked == n ? 0 : 1;
out:
	if (mq != NULL) {
		mq_delete_consumer(mq, STREAM, cc.durable);
		purge(mq);
	}
	mq_pull_close(pull);
	mq_close(mq);
	free(due);
	free(late);
	return status;
}
