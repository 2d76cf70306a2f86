/*
 * ticketing-events: the FastCGI program of the events service. Its routes,
 * in one table; everything else is the shared application shell
 * (lib/app.c). "/events/new" comes before "/events/:id" so that the
 * literal path wins.
 */
#include <stddef.h>

#include "app.h"
#include "events.h"
#include "req.h"

#define ORG (RF_ORGANIZER)
#define ORG_POST (RF_ORGANIZER | RF_CSRF)

static const struct route routes[] = {
    {"GET", "/", h_home, 0},
    {"GET", "/events", h_search, 0},
    {"GET", "/events/new", h_event_new, ORG},
    {"POST", "/events/new", h_event_create, ORG_POST},
    {"GET", "/events/:id", h_event, 0},
    {"GET", "/events/:id/edit", h_event_edit, ORG},
    {"POST", "/events/:id/edit", h_event_update, ORG_POST},
    {"GET", "/events/:id/cancel", h_event_cancel_form, ORG},
    {"POST", "/events/:id/cancel", h_event_cancel, ORG_POST},
    {"GET", "/venues", h_venues, ORG},
    {"GET", "/venues/new", h_venue_new, ORG},
    {"POST", "/venues/new", h_venue_create, ORG_POST},
    {"GET", "/venues/:id/edit", h_venue_edit, ORG},
    {"POST", "/venues/:id/edit", h_venue_update, ORG_POST},
};

static const struct app_service events = {
    .name = "events",
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(routes[0]),
    .stmts = events_stmts,
    .session_valid = store_session_valid,
    .revocations_fresh = store_revocations_fresh,
    .signin_path = "/auth/signin",
    .renew_path = "/auth/renew",
};

int
main(int argc, char **argv)
{
	struct app_service svc = events;

	svc.nstmts = events_nstmts;
	return app_main(argc, argv, &svc);
}
