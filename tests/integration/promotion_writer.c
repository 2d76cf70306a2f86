/*
 * promotion_writer: writes through lib/db.c as a service's request does
 * (a transaction: START TRANSACTION, one INSERT, COMMIT), one after the
 * other, for tests/integration/test_promotion.sh, which moves the primary
 * under it. Each write is one line on stdout, "SEQ STATUS PORT": the row's
 * number, the HTTP status a request failing that way answers (200 when
 * the commit was acknowledged; err_http_status otherwise: 503 for
 * TK_EDBDOWN and TK_ERETRY, 500 for TK_EDB), and for a 200 the port of the
 * server that took it (the row records @@port too). A 503 is followed by a
 * pause, as a browser told "try again" would make.
 *
 * Usage: promotion_writer CONF [COUNT]
 * CONF holds the db_* keys (db_host may list several servers) and
 * log_file. The table is w (seq BIGINT PRIMARY KEY, port INT). Without
 * COUNT it writes until SIGTERM or SIGINT, every PACE_MS; with COUNT it
 * writes COUNT rows back to back and prints "COUNT commits, N us each"
 * (commit latency, for the semi-synchronous replication figure). Exit 0
 * once stopped; 2 on a usage or configuration error. A test helper only:
 * it is not installed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"

#define PACE_MS 10  /* between two writes */
#define PAUSE_MS 50 /* after a refusal */

enum stmt { S_INSERT, S_PORT, S__MAX };

static const char *const stmts[S__MAX] = {
    [S_INSERT] = "INSERT INTO w (seq, port) VALUES (?, @@port)",
    [S_PORT] = "SELECT @@port",
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* write_one: row seq in its own transaction, as a request would; TK_OK
 * only when the COMMIT was acknowledged. The port of the server it went
 * to in *port. */
static int
write_one(struct db *db, struct arena *a, long seq, long *port /* OUT */)
{
	struct db_val p[] = {DB_I(seq)};
	struct db_rows rows;
	int rc;

	*port = 0;
	rc = db_begin(db);
	if (rc == TK_OK)
		rc = db_exec(db, S_INSERT, p, 1, NULL, NULL);
	if (rc == TK_OK)
		rc = db_exec(db, S_PORT, NULL, 0, a, &rows);
	if (rc == TK_OK && rows.nrows == 1)
		*port = (long)db_int(&rows, 0, 0);
	if (rc == TK_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

int
main(int argc, char **argv)
{
	struct db_conf dc;
	struct db *db = NULL;
	struct arena *a = NULL;
	long seq, count = 0, port;
	int64_t t0;
	char *end;
	int rc, status = 2;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: promotion_writer CONF [COUNT]\n");
		goto out;
	}
	if (argc == 3) {
		count = strtol(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || count < 1) {
			fprintf(stderr, "promotion_writer: COUNT must be a positive number\n");
			goto out;
		}
	}
	if (config_load(argv[1], NULL, 0, CONFIG_OTHER_KEYS) != TK_OK ||
	    log_open(config_str("log_file")) != TK_OK)
		goto out;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	dc = db_conf_configured();
	db = db_new(&dc, stmts, S__MAX);
	a = arena_new();
	t0 = clock_mono_us();
	for (seq = 1; !stop && (count == 0 || seq <= count); seq++) {
		rc = write_one(db, a, seq, &port);
		arena_reset(a);
		printf("%ld %d %ld\n", seq, rc == TK_OK ? 200 : err_http_status(rc), port);
		if (count > 0)
			continue;
		pause_ms(rc == TK_OK ? PACE_MS : PAUSE_MS);
	}
	if (count > 0)
		printf("%ld commits, %.0f us each\n", count,
		       (double)(clock_mono_us() - t0) / (double)count);
	status = 0;
out:
	arena_free(a);
	db_free(db);
	return status;
}
