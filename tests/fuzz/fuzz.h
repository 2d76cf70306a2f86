/*
 * The entry point every fuzz target defines. libFuzzer calls it in a
 * fuzzing build; replay.c calls it for each seed input in an ordinary build,
 * so the corpora run as regression tests in `make check`.
 */
#ifndef TK_FUZZ_H
#define TK_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/* LLVMFuzzerTestOneInput: run one input; crash (abort) on a broken
 * invariant. Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
