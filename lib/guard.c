/*
 * Route-flag enforcement (guard.h). The checks run in the order a person
 * would be told about them: sign in first, then a form that is not ours,
 * then a role that is too low, so a signed-out visitor is sent to sign in
 * rather than shown a refusal.
 */
#include <arpa/inet.h>
#include <string.h>

#include "guard.h"
#include "router.h"
#include "sess.h"

int
guard_is_get(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

enum guard_verdict
guard_route(unsigned flags, const char *method, const struct session *s, int csrf_ok)
{
	enum guard_verdict v = GUARD_ALLOW;
	int is_get = guard_is_get(method);

	if ((flags & (RF_SIGNED_IN | RF_ORGANIZER | RF_ADMIN)) && s == NULL) {
		v = is_get ? GUARD_SIGN_IN : GUARD_FORBIDDEN;
		goto out;
	}
	if ((flags & RF_CSRF) && !csrf_ok) {
		v = GUARD_FORBIDDEN;
		goto out;
	}
	if (((flags & RF_ADMIN) && s->role != ROLE_ADMIN) ||
	    ((flags & RF_ORGANIZER) && s->role != ROLE_ORGANIZER && s->role != ROLE_ADMIN))
		v = GUARD_FORBIDDEN;
out:
	return v;
}

int
guard_loopback(const char *addr)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	unsigned char a[16];
	int ok = 0;

	if (addr == NULL)
		goto out;
	if (inet_pton(AF_INET, addr, a) == 1) {
		ok = a[0] == 127;
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		ok = memcmp(a, in6addr_loopback.s6_addr, 16) == 0 ||
		     (memcmp(a, mapped, sizeof(mapped)) == 0 && a[12] == 127);
	}
out:
	return ok;
}
