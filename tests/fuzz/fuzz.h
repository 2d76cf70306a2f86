/*
 * What every fuzz target defines and what calls it. A target defines
 * fuzz_accepts, which runs one input through the code under test, checks
 * its invariants and says whether that code accepted the input.
 * fuzz_entry.c turns it into libFuzzer's LLVMFuzzerTestOneInput for the
 * fuzzing build; replay.c calls it for each seed input of an ordinary
 * build and compares the answer with the outcome the seed's file name
 * expects (accept-* or reject-*), so the corpora run as regression tests
 * in `make check`.
 */
#ifndef TK_FUZZ_H
#define TK_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/* fuzz_accepts: run one input; crash (abort) on a broken invariant.
 * Returns 1 when the code under test accepted the input, 0 when it
 * rejected it. The target's own comment says what accepting means. */
int fuzz_accepts(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput: libFuzzer's entry point (fuzz_entry.c): runs
 * fuzz_accepts and always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
