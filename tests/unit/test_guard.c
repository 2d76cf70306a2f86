/*
 * Unit tests for lib/guard.c, the route-flag enforcement the application
 * shell runs before a handler: every flag alone and in the combinations
 * the services use, each refusal (sign in, CSRF, role), the allowed cases,
 * and that RF_MACHINE asks for nothing. Each case states its verdict
 * literally; the real tables are exercised end to end by
 * tests/integration/test_guards.sh.
 */
#include <stddef.h>
#include <stdio.h>

#include "cu.h"

#include "guard.h"
#include "router.h"
#include "sess.h"

/* Who asks: signed out, or a session with a role. */
enum who { OUT, MEMBER, ORGANIZER, ADMIN };

struct guard_case {
	unsigned flags;
	const char *method;
	enum who who;
	int csrf_ok;
	enum guard_verdict want;
};

static const struct guard_case cases[] = {
    /* No flags: anyone, any method, CSRF not read. */
    {0, "GET", OUT, 0, GUARD_ALLOW},
    {0, "POST", OUT, 0, GUARD_ALLOW},
    {0, "POST", MEMBER, 0, GUARD_ALLOW},
    /* RF_MACHINE asks for nothing either. */
    {RF_MACHINE, "POST", OUT, 0, GUARD_ALLOW},
    /* RF_SIGNED_IN */
    {RF_SIGNED_IN, "GET", OUT, 1, GUARD_SIGN_IN},
    {RF_SIGNED_IN, "HEAD", OUT, 1, GUARD_SIGN_IN},
    {RF_SIGNED_IN, "POST", OUT, 1, GUARD_FORBIDDEN},
    {RF_SIGNED_IN, "GET", MEMBER, 0, GUARD_ALLOW},
    /* RF_CSRF */
    {RF_CSRF, "POST", OUT, 0, GUARD_FORBIDDEN},
    {RF_CSRF, "POST", OUT, 1, GUARD_ALLOW},
    {RF_CSRF, "POST", ADMIN, 0, GUARD_FORBIDDEN},
    {RF_SIGNED_IN | RF_CSRF, "POST", MEMBER, 1, GUARD_ALLOW},
    {RF_SIGNED_IN | RF_CSRF, "POST", MEMBER, 0, GUARD_FORBIDDEN},
    /* Signed out is told first, before a bad token. */
    {RF_SIGNED_IN | RF_CSRF, "POST", OUT, 0, GUARD_FORBIDDEN},
    /* RF_ORGANIZER: a session first, then organizer or admin. */
    {RF_ORGANIZER, "GET", OUT, 1, GUARD_SIGN_IN},
    {RF_ORGANIZER, "POST", OUT, 1, GUARD_FORBIDDEN},
    {RF_ORGANIZER, "GET", MEMBER, 1, GUARD_FORBIDDEN},
    {RF_ORGANIZER, "GET", ORGANIZER, 0, GUARD_ALLOW},
    {RF_ORGANIZER, "GET", ADMIN, 0, GUARD_ALLOW},
    {RF_ORGANIZER | RF_CSRF, "POST", ORGANIZER, 1, GUARD_ALLOW},
    {RF_ORGANIZER | RF_CSRF, "POST", ORGANIZER, 0, GUARD_FORBIDDEN},
    {RF_ORGANIZER | RF_CSRF, "POST", MEMBER, 1, GUARD_FORBIDDEN},
    /* RF_ADMIN: a session first, then admin only. */
    {RF_ADMIN, "GET", OUT, 1, GUARD_SIGN_IN},
    {RF_ADMIN, "HEAD", OUT, 1, GUARD_SIGN_IN},
    {RF_ADMIN, "POST", OUT, 1, GUARD_FORBIDDEN},
    {RF_ADMIN, "GET", MEMBER, 1, GUARD_FORBIDDEN},
    {RF_ADMIN, "GET", ORGANIZER, 1, GUARD_FORBIDDEN},
    {RF_ADMIN, "GET", ADMIN, 0, GUARD_ALLOW},
    {RF_ADMIN | RF_CSRF, "POST", ADMIN, 1, GUARD_ALLOW},
    {RF_ADMIN | RF_CSRF, "POST", ADMIN, 0, GUARD_FORBIDDEN},
    {RF_ADMIN | RF_CSRF, "POST", ORGANIZER, 1, GUARD_FORBIDDEN},
};

static const char *const verdicts[GUARD__MAX] = {"allow", "sign in", "forbidden"};

static void
test_cases(void)
{
	struct session roles[] = {
	    {.role = ROLE_MEMBER}, {.role = ROLE_ORGANIZER}, {.role = ROLE_ADMIN}};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct guard_case *c = &cases[i];
		const struct session *s = c->who == OUT ? NULL : &roles[c->who - 1];
		enum guard_verdict got = guard_route(c->flags, c->method, s, c->csrf_ok);

		if (got != c->want)
			fprintf(stderr, "case %lu: flags %#x %s: got %s, expected %s\n",
				(unsigned long)i, c->flags, c->method, verdicts[got],
				verdicts[c->want]);
		CU_ASSERT_EQUAL(got, c->want);
	}
}

/* Every flag is covered above, alone, with a refusal where it has one and
 * an allowed case: the table is checked so a new flag cannot slip by. */
static void
test_every_flag_covered(void)
{
	static const unsigned flags[] = {RF_SIGNED_IN, RF_CSRF, RF_ORGANIZER, RF_ADMIN, RF_MACHINE};
	size_t i, j;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int alone_allowed = 0, refused = 0;

		for (j = 0; j < sizeof(cases) / sizeof(cases[0]); j++) {
			if (cases[j].flags != flags[i])
				continue;
			alone_allowed |= cases[j].want == GUARD_ALLOW;
			refused |= cases[j].want != GUARD_ALLOW;
		}
		CU_ASSERT(alone_allowed);
		CU_ASSERT(refused || flags[i] == RF_MACHINE);
	}
}

/* RF_LOOPBACK's test: loopback peers in, every other address out, and
 * what does not parse out too. */
static void
test_loopback(void)
{
	static const char *const in[] = {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1",
					 "0:0:0:0:0:0:0:1"};
	static const char *const out[] = {
	    "10.0.0.1",   "128.0.0.1", "126.255.255.255", "::2",       "::ffff:10.0.0.1",
	    "fe80::1",    "",          "127.0.0.1 ",      "localhost", "127.0.0.1.5",
	    "::127.0.0.1"};
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		CU_ASSERT_EQUAL(guard_loopback(in[i]), 1);
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		CU_ASSERT_EQUAL(guard_loopback(out[i]), 0);
	CU_ASSERT_EQUAL(guard_loopback(NULL), 0);
}

static const struct cu_test guard_tests[] = {
    {"verdicts", test_cases},
    {"loopback peers", test_loopback},
    {"every flag covered", test_every_flag_covered},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"guard", NULL, NULL, guard_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
