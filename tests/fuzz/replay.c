/*
 * Seed corpus replay: the main() of the tests/fuzz/replay_<target> programs
 * of an ordinary build. It feeds every file of the target's corpus,
 * $FUZZ_CORPUS_DIR/<target>, to LLVMFuzzerTestOneInput, so the corpus runs
 * as a regression test in `make check` and a crash fails the suite. The
 * target name comes from the program name: replay_urlencoded replays
 * corpus/urlencoded. Files named on the command line are replayed instead
 * of the corpus (to reproduce a crash a fuzzer found).
 *
 * Exit status (automake's conventions): 0 when every input ran, 77 (skip)
 * when FUZZ_CORPUS_DIR is not set, 99 when the corpus is missing or empty
 * or a file cannot be read.
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

/*
 * replay_file: run the bytes of path through the target. The input gets a
 * heap block of exactly its size, so a sanitizer build sees any overread.
 * Returns 0, or -1 when the file cannot be read.
 */
static int
replay_file(const char *path)
{
	FILE *f = NULL;
	uint8_t *data = NULL;
	struct stat st;
	size_t size;
	int rc = -1;

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
	LLVMFuzzerTestOneInput(data, size);
	rc = 0;
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
 * replay_dir: every regular file of dir, in name order. Returns how many
 * were replayed, or -1 when dir cannot be read or a file fails.
 */
static long
replay_dir(const char *dir)
{
	struct dirent **names = NULL;
	long count = 0;
	int i, n;

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

		if (path == NULL) {
			count = -1;
			goto out;
		}
		snprintf(path, len, "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) != 0)
				count = -1;
			else if (count >= 0)
				count++;
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
	long count = 0;
	int i, status = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if (replay_file(argv[i]) != 0) {
				status = EXIT_HARD;
				goto out;
			}
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
	count = replay_dir(dir);
	if (count <= 0) {
		fprintf(stderr, "replay: %s: %s\n", dir,
			count == 0 ? "empty corpus" : "cannot replay the corpus");
		status = EXIT_HARD;
		goto out;
	}
	printf("replayed %ld input(s) from %s\n", count, dir);
out:
	free(dir);
	return status;
}
