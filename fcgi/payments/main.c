/*
 * ticketing-payments: the FastCGI program of the payments service
 * (docs/PAYMENTS.md). Its routes and configuration keys, in tables;
 * everything else is the shared application shell (lib/app.c).
 */
#include <stddef.h>

#include "app.h"
#include "ops.h"
#include "payments.h"
#include "provider.h"
#include "req.h"

static const struct route routes[] = {
    {"POST", "/payments", h_pay, RF_SIGNED_IN | RF_CSRF},
    {"GET", "/payments/return", h_return, RF_SIGNED_IN},
    /* The provider's server calls this, not a browser: no session, and no
     * CSRF token, which it could not have. The signature over the raw
     * body, checked in constant time with a 5-minute window, is its
     * authentication (webhook.c). */
    {"POST", "/payments/webhook", h_webhook, RF_MACHINE},
};

/* Facts of record the metrics count (lib/ops.h): a captured payment
 * counts also once refunded (it was settled), so the count only grows. */
static const struct ops_fact facts[] = {
    {"payments_settled_total", "Payments captured (settled), refunded ones included.",
     "SELECT COUNT(*) FROM payments WHERE state IN ('captured', 'refunded')"},
};

static const struct app_service payments = {
    .name = "payments",
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(routes[0]),
    .stmts = payments_stmts,
    .session_valid = store_session_valid,
    .revocations_fresh = store_revocations_fresh,
    .config_keys = provider_config_keys,
    .signin_path = "/auth/signin",
    .renew_path = "/auth/renew",
    .facts = facts,
    .nfacts = sizeof(facts) / sizeof(facts[0]),
};

int
main(int argc, char **argv)
{
	struct app_service svc = payments;

	svc.nstmts = payments_nstmts;
	svc.nconfig_keys = provider_nconfig_keys;
	return app_main(argc, argv, &svc);
}
