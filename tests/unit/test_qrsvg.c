/*
 * Unit tests for lib/qrsvg.c: the SVG of a known text has the size its QR
 * version gives (modules plus the quiet zone), one <path> and nothing of
 * the text; and a QR reader decodes it back: rsvg-convert (librsvg2-bin)
 * renders it to PNG and zbarimg (zbar-tools) reads it. Without those two
 * programs the decoding case says so and checks nothing more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu.h"

#include "buf.h"
#include "err.h"
#include "qrsvg.h"

/* 152 characters, as long as an e-ticket code (lib/eticket.h), with the
 * characters markup would need escaped. */
#define CODE_LIKE                                                                                  \
	"AQGPK24cLXoAiwABI0VniasBAY8rbgAAcACAAAAAAADg4AGPK27__3__v___________"                     \
	"<&>\"'xCpQ0fH1yqTz-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012"

static void
test_size(void)
{
	struct buf b = {0};
	char want[64];
	int modules = 0;

	CU_ASSERT_EQUAL_FATAL(strlen(CODE_LIKE), 152);
	CU_ASSERT_EQUAL_FATAL(qrsvg_render(CODE_LIKE, &b, &modules), TK_OK);
	/* 152 bytes at level M need version 8: 17 + 4 * 8 = 49 modules. */
	CU_ASSERT_EQUAL(modules, 49);
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", 49 + 2 * QRSVG_QUIET,
		 49 + 2 * QRSVG_QUIET);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "<path"));
	CU_ASSERT_PTR_NULL(strstr(strstr(b.data, "<path") + 1, "<path"));
	CU_ASSERT_PTR_NULL(strstr(b.data, "<&"));
	CU_ASSERT_PTR_NULL(strstr(b.data, "AQGPK"));
	CU_ASSERT(b.len < 12000);
	buf_free(&b);
	CU_ASSERT_EQUAL_FATAL(qrsvg_render("hello", &b, &modules), TK_OK);
	CU_ASSERT_EQUAL(modules, 21);
	buf_free(&b);
}

static void
test_refused(void)
{
	struct buf b = {0};
	char *big = malloc(3001);
	int modules = 7;

	CU_ASSERT_EQUAL(qrsvg_render("", &b, &modules), TK_EINVAL);
	CU_ASSERT_EQUAL(modules, 0);
	CU_ASSERT_EQUAL(qrsvg_render(NULL, &b, NULL), TK_EINVAL);
	memset(big, 'x', 3000);
	big[3000] = '\0';
	CU_ASSERT_EQUAL(qrsvg_render(big, &b, NULL), TK_EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);
	free(big);
	buf_free(&b);
}

/* The SVG read back by a QR reader. */
static void
test_decoded(void)
{
	char dir[] = "/tmp/test_qrsvg.XXXXXX", cmd[512], got[400];
	struct buf b = {0};
	FILE *f;
	size_t n = 0;

	if (system("command -v rsvg-convert >/dev/null && command -v zbarimg >/dev/null") != 0) {
		fprintf(stderr, "test_qrsvg: rsvg-convert or zbarimg missing: not decoded\n");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL_FATAL(qrsvg_render(CODE_LIKE, &b, NULL), TK_OK);
	snprintf(cmd, sizeof(cmd), "%s/qr.svg", dir);
	f = fopen(cmd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(b.data, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "rsvg-convert -w 400 -h 400 -o %s/qr.png %s/qr.svg 2>/dev/null &&"
		 " zbarimg -q --raw %s/qr.png > %s/out 2>/dev/null",
		 dir, dir, dir, dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/out", dir);
	f = fopen(cmd, "r");
	if (f != NULL) {
		n = fread(got, 1, sizeof(got) - 1, f);
		fclose(f);
	}
	got[n] = '\0';
	if (n > 0 && got[n - 1] == '\n')
		got[n - 1] = '\0';
	CU_ASSERT_STRING_EQUAL(got, CODE_LIKE);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	buf_free(&b);
}

static const struct cu_test qrsvg_tests[] = {
    {"size, one path, no text", test_size},
    {"empty and too long", test_refused},
    {"decoded by a QR reader", test_decoded},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"qrsvg", NULL, NULL, qrsvg_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
