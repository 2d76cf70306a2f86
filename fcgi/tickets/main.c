/*
 * ticketing-tickets: the FastCGI program of the tickets service. Its
 * routes and flash codes, in one table each; everything else is the shared
 * application shell (lib/app.c). "/tickets/new", "/tickets/mine" and
 * "/tickets/verify" come before "/tickets/:id" so that the literal paths
 * win.
 */
#include <stddef.h>

#include "app.h"
#include "req.h"
#include "tickets.h"

#define MEMBER (RF_SIGNED_IN)
#define MEMBER_POST (RF_SIGNED_IN | RF_CSRF)

static const struct route routes[] = {
    {"GET", "/tickets/new", h_listing_new, MEMBER},
    {"POST", "/tickets/new", h_listing_create, MEMBER_POST},
    {"GET", "/tickets/mine", h_listings_mine, MEMBER},
    {"GET", "/tickets/verify", h_verify_form, RF_ORGANIZER},
    {"POST", "/tickets/verify", h_verify, RF_ORGANIZER | RF_CSRF},
    {"POST", "/tickets/verify/use", h_verify_use, RF_ORGANIZER | RF_CSRF},
    {"GET", "/tickets/:id", h_listing, 0},
    {"GET", "/tickets/:id/edit", h_listing_edit, MEMBER},
    {"POST", "/tickets/:id/edit", h_listing_update, MEMBER_POST},
    {"POST", "/tickets/:id/withdraw", h_listing_withdraw, MEMBER_POST},
    {"POST", "/tickets/:id/hide", h_listing_hide, RF_ADMIN | RF_CSRF},
};

/* Indexed by the FLASH_* enum of tickets.h; texts in partials/flash.tpl. */
static const char *const flashes[] = {
    [FLASH_LISTING_CREATED] = "listing_created",
    [FLASH_LISTING_SAVED] = "listing_saved",
    [FLASH_LISTING_SAVED_HELD] = "listing_saved_held",
    [FLASH_LISTING_WITHDRAWN] = "listing_withdrawn",
    [FLASH_LISTING_HIDDEN] = "listing_hidden",
    [FLASH_ETICKET_USED] = "eticket_used",
};

/* Configuration keys of the tickets service. */
static const struct config_key config_keys[] = {
    {"eticket_pub_file", CONFIG_STR, "", 0, 0,
     "hex file of the Ed25519 public key e-tickets are verified with"},
    {"platform_fee_basis_points", CONFIG_INT, "0", 0, 10000,
     "the platform's fee on each sale, in 1/100 of a percent (earnings on /tickets/mine)"},
};

static const struct app_service tickets = {
    .name = "tickets",
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(routes[0]),
    .stmts = tickets_stmts,
    .session_valid = store_session_valid,
    .revocations_fresh = store_revocations_fresh,
    .flashes = flashes,
    .nflashes = sizeof(flashes) / sizeof(flashes[0]),
    .config_keys = config_keys,
    .nconfig_keys = sizeof(config_keys) / sizeof(config_keys[0]),
    .init = verify_init,
    .signin_path = "/auth/signin",
    .renew_path = "/auth/renew",
};

int
main(int argc, char **argv)
{
	struct app_service svc = tickets;

	svc.nstmts = tickets_nstmts;
	return app_main(argc, argv, &svc);
}
