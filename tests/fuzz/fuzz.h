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

struct arena;
struct field;
struct fields;
struct params;

/* fuzz_accepts: run one input; crash (abort) on a broken invariant.
 * Returns 1 when the code under test accepted the input, 0 when it
 * rejected it. The target's own comment says what accepting means. */
int fuzz_accepts(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput: libFuzzer's entry point (fuzz_entry.c): runs
 * fuzz_accepts and always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * fuzz_form_read (fuzz_form.c): the shared check of the targets over a
 * declared form: form_parse body[0..size) into *p, fields_read it against
 * form into *f (both in arena a), and abort when a promise of fields_read
 * breaks or a message is not one of messages (NULL-terminated). Returns 1
 * when the body parses and every field reads without error, else 0 (*f is
 * all zero, f->form NULL, when the body does not parse).
 */
int fuzz_form_read(struct arena *a, const struct field *const *form, const char *const *messages,
		   const char *body, size_t size, struct params *p /* OUT */,
		   struct fields *f /* OUT */);

/* A form a fuzz input names by its prefix ("event?" and the body). */
struct fuzz_form {
	const char *prefix;
	const struct field *const *form;
};

/* fuzz_form_pick (fuzz_form.c): the form of forms[0..n) whose prefix
 * begins data[0..size), with the prefix's length in *plen; NULL when
 * none does. */
const struct fuzz_form *fuzz_form_pick(const struct fuzz_form *forms, size_t n, const uint8_t *data,
				       size_t size, size_t *plen /* OUT */);

/*
 * FUZZ_KEYPAIR(seed): a fixed Ed25519 key pair fuzz_pk, fuzz_sk for the
 * targets over signed inputs, derived from seed (crypto_sign_SEEDBYTES) on
 * the first call of fuzz_keys_init(), which aborts when libsodium fails.
 */
#define FUZZ_KEYPAIR(seed)                                                                         \
	static unsigned char fuzz_pk[crypto_sign_PUBLICKEYBYTES];                                  \
	static unsigned char fuzz_sk[crypto_sign_SECRETKEYBYTES];                                  \
	static void fuzz_keys_init(void)                                                           \
	{                                                                                          \
		static int ready;                                                                  \
		if (!ready) {                                                                      \
			if (sodium_init() < 0 ||                                                   \
			    crypto_sign_seed_keypair(fuzz_pk, fuzz_sk, seed) != 0)                 \
				abort();                                                           \
			ready = 1;                                                                 \
		}                                                                                  \
	}

#endif
