/*
 * Webhook delivery of the sandbox provider (docs/PAYMENTS.md, "Webhooks";
 * docs/DECISIONS.md, "Webhook delivery"): the loop of the sandbox's
 * background thread. It takes the due rows of the webhooks table, signs
 * each body afresh (lib/paysig.h, header Sandbox-Signature) and POSTs it
 * to sandbox_webhook_url with libcurl; a 2xx marks the row delivered,
 * anything else (no answer included) sets its next attempt after
 * min(2^attempts, 300) seconds. The rows stay pending across restarts.
 * Each row is claimed for its attempt (store_webhook_claim: locked until
 * the attempt is recorded), so two sandbox processes on one database
 * never post the same webhook at once; the payments service applies a
 * webhook once by its event id in any case (a real provider delivers at
 * least once).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "paysig.h"
#include "sandbox.h"
#include "store.h"

/* How long one POST may take, and how long the loop naps when idle. */
#define POST_TIMEOUT_MS 5000L
#define IDLE_MS 200L
#define BATCH 20

static unsigned char secret[PAYSIG_KEY_LEN];

int
deliver_init(void)
{
	int rc = config_read_hex_file(config_str("webhook_secret_file"), secret, PAYSIG_KEY_LEN);

	if (rc != TK_OK)
		log_error("sandbox: cannot read webhook_secret_file %s",
			  config_str("webhook_secret_file"));
	else if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		rc = TK_EINTERNAL;
	return rc;
}

/* discard: libcurl's write callback: the answer's body is not read. */
static size_t
discard(char *ptr, size_t size, size_t n, void *ctx)
{
	(void)ptr;
	(void)ctx;
	return size * n;
}

/* post: POST body, signed now, to url; the HTTP status, or 0 when no
 * answer came. */
static long
post(CURL *c, const char *url, const char *body)
{
	char header[sizeof("Sandbox-Signature: ") + PAYSIG_HEADER_LEN];
	char sig[PAYSIG_HEADER_LEN + 1];
	struct curl_slist *h = NULL;
	long status = 0;

	paysig_sign(secret, (int64_t)time(NULL), body, strlen(body), sig);
	snprintf(header, sizeof(header), "Sandbox-Signature: %s", sig);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, header);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, POST_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	return status;
}

/* nap: sleep ms unless stopping. */
static void
nap(long ms, int (*stopping)(void))
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	if (!stopping())
		nanosleep(&ts, NULL);
}

int
deliver_run(struct db *db, int (*stopping)(void))
{
	const char *url = config_str("sandbox_webhook_url");
	struct arena *a = arena_new();
	struct store st = {.db = db, .arena = a};
	struct db_rows rows;
	CURL *c = curl_easy_init();
	long status;
	size_t i, posted;
	int claimed, rc = c != NULL ? TK_OK : TK_EINTERNAL;

	while (rc == TK_OK && !stopping()) {
		arena_reset(a);
		if (*url == '\0' || store_webhooks_due(&st, BATCH, &rows) != TK_OK) {
			nap(1000, stopping);
			continue;
		}
		posted = 0;
		for (i = 0; i < rows.nrows && !stopping(); i++) {
			if (store_webhook_claim(&st, db_str(&rows, i, 0), &claimed) != TK_OK)
				break;
			if (!claimed)
				continue; /* another sandbox process is delivering it */
			status = post(c, url, db_str(&rows, i, 1));
			posted++;
			if (status < 200 || status > 299)
				log_warn("sandbox: webhook %s: HTTP %ld, will retry",
					 db_str(&rows, i, 0), status);
			if (store_webhook_attempt(&st, db_str(&rows, i, 0), status) != TK_OK)
				break;
		}
		if (posted == 0)
			nap(IDLE_MS, stopping);
	}
	curl_easy_cleanup(c);
	arena_free(a);
	return rc;
}
