/*
 * ticketing-orders: the FastCGI program of the orders service. Its
 * routes, configuration keys and flash codes, in tables; everything else
 * is the shared application shell (lib/app.c).
 */
#include <stddef.h>

#include "app.h"
#include "ops.h"
#include "orders.h"
#include "req.h"

#define MEMBER (RF_SIGNED_IN)
#define MEMBER_POST (RF_SIGNED_IN | RF_CSRF)

static const struct route routes[] = {
    {"GET", "/orders", h_orders, MEMBER},
    {"POST", "/orders", h_reserve, MEMBER_POST},
    {"GET", "/orders/:id", h_order, MEMBER},
    {"POST", "/orders/:id/cancel", h_order_cancel, MEMBER_POST},
    {"POST", "/orders/:id/refund", h_order_refund, RF_SIGNED_IN | RF_ADMIN | RF_CSRF},
};

/* Configuration keys of the orders service (docs/MARKETPLACE.md,
 * Settings). */
static const struct config_key config_keys[] = {
    {"reservation_seconds", CONFIG_INT, "900", 1, 86400, "how long a reservation holds its units"},
    {"order_max_units", CONFIG_INT, "10", 1, 50, "most units one order may take"},
    {"capture_timeout_seconds", CONFIG_INT, "120", 1, 86400,
     "longest an order may stay paying (SPEC invariant 4; the checker reads it)"},
    {"eticket_key_file", CONFIG_STR, "", 0, 0,
     "hex file of the Ed25519 secret key e-tickets are signed with"},
};

static const char *const flashes[ORDERS_FLASH__MAX] = {
    [ORDERS_FLASH_RESERVED] = "order_reserved",
    [ORDERS_FLASH_CANCELLED] = "order_cancelled",
    [ORDERS_FLASH_REFUND_REQUESTED] = "order_refund_requested",
};

/* Facts of record the metrics count (lib/ops.h): an expired reservation
 * stays cancelled with its reason for good, so the count only grows. */
static const struct ops_fact facts[] = {
    {"reservations_expired_total", "Reservations cancelled because their time ran out.",
     "SELECT COUNT(*) FROM orders WHERE state = 'cancelled' AND cancel_reason = 'expired'"},
};

static const struct app_service orders = {
    .name = "orders",
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(routes[0]),
    .stmts = orders_stmts,
    .session_valid = store_session_valid,
    .revocations_fresh = store_revocations_fresh,
    .config_keys = config_keys,
    .nconfig_keys = sizeof(config_keys) / sizeof(config_keys[0]),
    .flashes = flashes,
    .nflashes = ORDERS_FLASH__MAX,
    .init = etickets_init,
    .signin_path = "/auth/signin",
    .renew_path = "/auth/renew",
    .facts = facts,
    .nfacts = sizeof(facts) / sizeof(facts[0]),
};

int
main(int argc, char **argv)
{
	struct app_service svc = orders;

	svc.nstmts = orders_nstmts;
	return app_main(argc, argv, &svc);
}
