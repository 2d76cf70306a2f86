/*
 * libFuzzer's entry point for every fuzz target of a fuzzing build: the
 * target's fuzz_accepts does the work and the outcome does not matter to
 * the fuzzer, only the aborts on broken invariants do. Ordinary builds use
 * replay.c instead, which asserts the outcome of each seed input.
 */
#include "fuzz.h"

/* LLVMFuzzerTestOneInput (fuzz.h): one input to fuzz_accepts. Returns 0. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)fuzz_accepts(data, size);
	return 0;
}
