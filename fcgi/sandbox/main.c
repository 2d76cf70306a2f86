/*
 * ticketing-sandbox: the FastCGI program of the sandbox payment provider
 * (docs/PAYMENTS.md). Its routes and configuration keys, in tables; the
 * hosted page is a browser's (CSRF), the API a program's (RF_MACHINE:
 * the API key stands in for the browser guards); the webhook delivery
 * loop runs as the shell's background thread.
 */
#include <stddef.h>

#include "app.h"
#include "err.h"
#include "req.h"
#include "sandbox.h"

static const struct route routes[] = {
    {"GET", "/sandbox-pay/checkout/:id", h_checkout, 0},
    {"POST", "/sandbox-pay/checkout/:id", h_checkout_pay, RF_CSRF},
    {"POST", "/sandbox-pay/api/sessions", h_api_session, RF_MACHINE},
    {"POST", "/sandbox-pay/api/charges/:id/capture", h_api_capture, RF_MACHINE},
    {"POST", "/sandbox-pay/api/charges/:id/void", h_api_void, RF_MACHINE},
    {"POST", "/sandbox-pay/api/charges/:id/refund", h_api_refund, RF_MACHINE},
};

/* Configuration keys of the sandbox (docs/PAYMENTS.md, Settings). */
static const struct config_key config_keys[] = {
    {"sandbox_api_key_file", CONFIG_STR, "", 0, 0,
     "hex file of the 32-byte key the API's callers send as their bearer"},
    {"webhook_secret_file", CONFIG_STR, "", 0, 0,
     "hex file of the 32-byte secret webhooks are signed with"},
    {"sandbox_webhook_url", CONFIG_STR, "", 0, 0,
     "where webhooks are POSTed (empty: they stay pending)"},
    {"sandbox_late_webhook_seconds", CONFIG_INT, "20", 0, 3600,
     "delay of the webhook of the late-webhook test card"},
};

/* init: the API key and the webhook secret. */
static int
init(void)
{
	int rc = api_init();

	if (rc == TK_OK)
		rc = deliver_init();
	return rc;
}

static const struct app_service sandbox = {
    .name = "sandbox",
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(routes[0]),
    .stmts = sandbox_stmts,
    .config_keys = config_keys,
    .nconfig_keys = sizeof(config_keys) / sizeof(config_keys[0]),
    .init = init,
    .background = deliver_run,
};

int
main(int argc, char **argv)
{
	struct app_service svc = sandbox;

	svc.nstmts = sandbox_nstmts;
	return app_main(argc, argv, &svc);
}
