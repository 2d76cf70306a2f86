/*
 * The one way the CUnit programs run: each lists its suites and tests in
 * tables and returns cu_run(suites) from main. The exit status is what
 * automake reads: 0 when every test passed, 1 when a test or a suite's
 * set-up failed, 99 when CUnit itself could not run.
 */
#ifndef TK_TESTS_CU_H
#define TK_TESTS_CU_H
#include <stddef.h>

#include <CUnit/Basic.h>

#include "arena.h"

struct cu_test {
	const char *name;
	CU_TestFunc fn;
};

struct cu_suite {
	const char *name;
	CU_InitializeFunc init;      /* may be NULL */
	CU_CleanupFunc cleanup;      /* may be NULL */
	const struct cu_test *tests; /* ends with {NULL, NULL} */
};

/* cu_arena: an arena for a suite's tests, made by cu_arena_setup and freed
 * by cu_arena_teardown (the suite's init and cleanup). */
static struct arena *cu_arena;

static inline int
cu_arena_setup(void)
{
	cu_arena = arena_new();
	return 0;
}

static inline int
cu_arena_teardown(void)
{
	arena_free(cu_arena);
	return 0;
}

/* cu_run: run suites (the table ends with an entry whose name is NULL). */
static inline int
cu_run(const struct cu_suite *suites)
{
	const struct cu_suite *s;
	const struct cu_test *t;
	CU_pSuite cs;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	for (s = suites; s->name != NULL; s++) {
		cs = CU_add_suite(s->name, s->init, s->cleanup);
		if (cs == NULL)
			goto broken;
		for (t = s->tests; t->name != NULL; t++)
			if (CU_add_test(cs, t->name, t->fn) == NULL)
				goto broken;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto broken;
	failed = CU_get_number_of_failures() != 0 || CU_get_number_of_suites_failed() != 0;
	CU_cleanup_registry();
	return failed;
broken:
	CU_cleanup_registry();
	return 99;
}

#endif
