/*
 * The provider settings and the per-thread client (provider.h). The API
 * key and the webhook secret are read once per process into
 * sodium-guarded memory; each thread then opens its own client, since a
 * client holds one libcurl handle (lib/payprov.h).
 */
#include <pthread.h>
#include <stdio.h>

#include <sodium.h>

#include "config.h"
#include "err.h"
#include "log.h"
#include "provider.h"

const struct config_key provider_config_keys[] = {
    {"payment_provider", CONFIG_STR, "sandbox", 0, 0, "which implementation of lib/payprov.h"},
    {"sandbox_base_url", CONFIG_STR, "", 0, 0, "where the sandbox's API answers (empty: base_url)"},
    {"sandbox_api_key_file", CONFIG_STR, "", 0, 0,
     "hex file of the 32-byte key sent to the sandbox's API"},
    {"webhook_secret_file", CONFIG_STR, "", 0, 0,
     "hex file of the 32-byte secret the provider signs webhooks with"},
};
const size_t provider_nconfig_keys = sizeof(provider_config_keys) / sizeof(provider_config_keys[0]);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned char *api_key; /* PAYPROV_API_KEY_LEN, then PAYSIG_KEY_LEN for the secret */
static int keys_rc = TK_ECONFIG;
static __thread struct payprov *client;

/* load_keys: both key files into api_key; keys_rc says how it went. */
static void
load_keys(void)
{
	const char *key_file = config_str("sandbox_api_key_file");
	const char *secret_file = config_str("webhook_secret_file");

	/* A worker's shell, unlike a service's, has not initialised libsodium. */
	if (sodium_init() < 0)
		return;
	api_key = sodium_malloc(PAYPROV_API_KEY_LEN + PAYSIG_KEY_LEN);
	if (api_key == NULL)
		return;
	keys_rc = config_read_hex_file(key_file, api_key, PAYPROV_API_KEY_LEN);
	if (keys_rc == TK_OK)
		keys_rc = config_read_hex_file(secret_file, api_key + PAYPROV_API_KEY_LEN,
					       PAYSIG_KEY_LEN);
	if (keys_rc != TK_OK)
		log_error("payments: cannot read sandbox_api_key_file %s or webhook_secret_file %s",
			  key_file, secret_file);
}

int
provider_get(struct payprov **p)
{
	struct payprov_conf conf;
	const char *base = config_str("sandbox_base_url");
	int rc;

	*p = NULL;
	pthread_once(&once, load_keys);
	rc = keys_rc;
	if (rc != TK_OK || client != NULL)
		goto out;
	conf.provider = config_str("payment_provider");
	conf.base_url = *base != '\0' ? base : config_str("base_url");
	conf.api_key = api_key;
	conf.webhook_secret = api_key + PAYPROV_API_KEY_LEN;
	rc = payprov_open(&conf, &client);
	if (rc != TK_OK)
		log_error("payments: no client of payment provider %s at %s", conf.provider,
			  conf.base_url);
out:
	if (rc == TK_OK)
		*p = client;
	return rc;
}

void
provider_key(char *out, const char *prefix, const char *payment_id)
{
	snprintf(out, PROVIDER_KEY_MAX, "%s-%s", prefix, payment_id);
}
