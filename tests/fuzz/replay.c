/*
 * Seed corpus replay: the main() of the tests/fuzz/replay_<target> programs
 * of an ordinary build. It feeds every file of the target's corpus,
 * $FUZZ_CORPUS_DIR/<target>, to the target's fuzz_accepts, so the corpus
 * runs as a regression test in `make check`: a crash fails the suite, and
 * so does an outcome other than the one the file name expects. A seed
 * named accept-* must be accepted by the code under test, one named
 * reject-* rejected; a seed named otherwise fails the replay, so every
 * seed carries its expectation. The target name comes from the program
 * name: replay_urlencoded replays corpus/urlencoded. Files named on the
 * command line are replayed instead of the corpus (to reproduce a crash a
 * fuzzer found); their outcome is printed, and checked when their name
 * carries one.
 *
 * Exit status (automake's conventions): 0 when every input ran with its
 * expected outcome, 1 when an outcome differs or a seed has none, 77
 * (skip) when FUZZ_CORPUS_DIR is not set, 99 when the corpus is missing or
 * empty or a file cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define EXIT_SKIP 77
#define EXIT_HARD 99
#define PREFIX "replay_"
#define ACCEPT "accept-"
#define REJECT "reject-"

/* What a seed's name expects, and what replay_file found. */
enum outcome { OUTCOME_REJECT, OUTCOME_ACCEPT, OUTCOME_NONE };
/* Answers of replay_file besides TK_OK-like 0. */
#define REPLAY_UNREADABLE (-1)
#define REPLAY_MISMATCH (-2)

/* target_name: "urlencoded" from ".../replay_urlencoded", or NULL. */
static const char *
target_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	const char *name = NULL;

	base = base != NULL ? base + 1 : argv0;
	if (strncmp(base, PREFIX, strlen(PREFIX)) == 0 && base[strlen(PREFIX)] != '\0')
		name = base + strlen(PREFIX);
	return name;
}

/* expected: the outcome the base name of path asks for. */
static enum outcome
expected(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strncmp(base, ACCEPT, strlen(ACCEPT)) == 0)
		return OUTCOME_ACCEPT;
	if (strncmp(base, REJECT, strlen(REJECT)) == 0)
		return OUTCOME_REJECT;
	return OUTCOME_NONE;
}

/*
 * replay_file: run the bytes of path through the target. The input gets a
 * heap block of exactly its size, so a sanitizer build sees any overread.
 * With want OUTCOME_NONE the outcome is printed, else compared with want.
 * Returns 0, REPLAY_MISMATCH when the outcome differs (with a line on
 * stderr), or REPLAY_UNREADABLE when the file cannot be read.
 */
static int
replay_file(const char *path, enum outcome want)
{
	FILE *f = NULL;
	uint8_t *data = NULL;
	struct stat st;
	size_t size;
	enum outcome got;
	int rc = REPLAY_UNREADABLE;

	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto out;
	}
	size = (size_t)st.st_size;
	data = malloc(size > 0 ? size : 1);
	if (data == NULL || fread(data, 1, size, f) != size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		goto out;
	}
	got = fuzz_accepts(data, size) ? OUTCOME_ACCEPT : OUTCOME_REJECT;
	rc = 0;
	if (want == OUTCOME_NONE) {
		printf("%s: %s\n", path, got == OUTCOME_ACCEPT ? "accepted" : "rejected");
	} else if (got != want) {
		fprintf(stderr, "replay: %s: expected %s, got %s\n", path,
			want == OUTCOME_ACCEPT ? "accept" : "reject",
			got == OUTCOME_ACCEPT ? "accept" : "reject");
		rc = REPLAY_MISMATCH;
	}
out:
	free(data);
	if (f != NULL)
		fclose(f);
	return rc;
}

/* keep_entry: skip hidden entries (replay_dir keeps regular files only). */
static int
keep_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * replay_dir: every regular file of dir, in name order, each against the
 * outcome its name expects; a file without one counts as failed. Sets
 * *failed to the number of files that failed. Returns how many were
 * replayed, or -1 when dir or a file cannot be read.
 */
static long
replay_dir(const char *dir, long *failed /* OUT */)
{
	struct dirent **names = NULL;
	long count = 0;
	int i, n;

	*failed = 0;
	n = scandir(dir, &names, keep_entry, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		count = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
		char *path = malloc(len);
		struct stat st;
		enum outcome want;
		int rc;

		if (path == NULL) {
			count = -1;
			goto out;
		}
		snprintf(path, len, "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			want = expected(path);
			if (want == OUTCOME_NONE) {
				fprintf(stderr,
					"replay: %s: no expected outcome (name it " ACCEPT
					"* or " REJECT "*)\n",
					path);
				(*failed)++;
			}
			rc = replay_file(path, want);
			if (rc == REPLAY_UNREADABLE)
				count = -1;
			else if (count >= 0)
				count++;
			if (rc == REPLAY_MISMATCH)
				(*failed)++;
		}
		free(path);
	}
out:
	if (names != NULL) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	return count;
}

int
main(int argc, char **argv)
{
	const char *target = target_name(argv[0]);
	const char *root = getenv("FUZZ_CORPUS_DIR");
	char *dir = NULL;
	size_t len;
	long count = 0, failed = 0;
	int i, rc, status = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			rc = replay_file(argv[i], expected(argv[i]));
			if (rc == REPLAY_UNREADABLE) {
				status = EXIT_HARD;
				goto out;
			}
			if (rc == REPLAY_MISMATCH)
				status = EXIT_FAILURE;
			count++;
		}
		printf("replayed %ld input(s)\n", count);
		goto out;
	}
	if (target == NULL) {
		fprintf(stderr, "replay: program name %s is not replay_<target>\n", argv[0]);
		status = EXIT_HARD;
		goto out;
	}
	if (root == NULL || *root == '\0') {
		printf("replay: FUZZ_CORPUS_DIR is not set; skipping %s\n", target);
		status = EXIT_SKIP;
		goto out;
	}
	len = strlen(root) + strlen(target) + 2;
	dir = malloc(len);
	if (dir == NULL) {
		status = EXIT_HARD;
		goto out;
	}
	snprintf(dir, len, "%s/%s", root, target);
	count = replay_dir(dir, &failed);
	if (count <= 0) {
		fprintf(stderr, "replay: %s: %s\n", dir,
			count == 0 ? "empty corpus" : "cannot replay the corpus");
		status = EXIT_HARD;
		goto out;
	}
	printf("replayed %ld input(s) from %s, %ld with an unexpected or no outcome\n", count, dir,
	       failed);
	if (failed > 0)
		status = EXIT_FAILURE;
out:
	free(dir);
	return status;
}
