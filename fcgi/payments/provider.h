/*
 * The payments side's one way to its card processor: the provider
 * settings (docs/PAYMENTS.md, Settings) read from the configuration, and a
 * lib/payprov.h client per thread. Shared by the payments service (a
 * request thread each) and the settlement worker (its consumer thread).
 */
#ifndef TK_PAYMENTS_PROVIDER_H
#define TK_PAYMENTS_PROVIDER_H
#include <stddef.h>

#include "config.h"
#include "payprov.h"

/* The provider's configuration keys, for a program's key table. */
extern const struct config_key provider_config_keys[];
extern const size_t provider_nconfig_keys;

/*
 * provider_get: the calling thread's client of the configured provider
 * into *p (OUT; owned by the thread for the life of the process, never
 * freed by the caller). The keys are read from their files on the first
 * call of the process. TK_OK, or TK_ECONFIG when a setting or key file is
 * missing or unreadable (logged).
 */
int provider_get(struct payprov **p /* OUT */);

/* The idempotency keys of docs/PAYMENTS.md: "<prefix>-<payment id>" into
 * out (PROVIDER_KEY_MAX bytes). */
#define PROVIDER_KEY_MAX 48
void provider_key(char *out, const char *prefix, const char *payment_id);

#endif
