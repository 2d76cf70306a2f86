/*
 * Unit tests for lib/qr.c: the SVG of a known text has the size its QR
 * version gives (modules plus the quiet zone), one <path> and nothing of
 * the text; the PNG is a 1-bit greyscale image of that size times the
 * scale; and a QR reader decodes both back: zbarimg (zbar-tools) reads
 * the PNG, and the SVG once rsvg-convert (librsvg2-bin) made a PNG of it.
 * Without those programs the decoding case says so and checks nothing
 * more.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu.h"

#include "buf.h"
#include "err.h"
#include "qr.h"

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
	CU_ASSERT_EQUAL_FATAL(qr_svg(CODE_LIKE, &b, &modules), TK_OK);
	/* 152 bytes at level M need version 8: 17 + 4 * 8 = 49 modules. */
	CU_ASSERT_EQUAL(modules, 49);
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", 49 + 2 * QR_QUIET, 49 + 2 * QR_QUIET);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "<path"));
	CU_ASSERT_PTR_NULL(strstr(strstr(b.data, "<path") + 1, "<path"));
	CU_ASSERT_PTR_NULL(strstr(b.data, "<&"));
	CU_ASSERT_PTR_NULL(strstr(b.data, "AQGPK"));
	CU_ASSERT(b.len < 12000);
	buf_free(&b);
	CU_ASSERT_EQUAL_FATAL(qr_svg("hello", &b, &modules), TK_OK);
	CU_ASSERT_EQUAL(modules, 21);
	buf_free(&b);
}

static void
test_refused(void)
{
	struct buf b = {0};
	char *big = malloc(3001);
	int modules = 7;

	CU_ASSERT_EQUAL(qr_svg("", &b, &modules), TK_EINVAL);
	CU_ASSERT_EQUAL(modules, 0);
	CU_ASSERT_EQUAL(qr_svg(NULL, &b, NULL), TK_EINVAL);
	memset(big, 'x', 3000);
	big[3000] = '\0';
	CU_ASSERT_EQUAL(qr_svg(big, &b, NULL), TK_EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);
	free(big);
	buf_free(&b);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
test_png(void)
{
	const unsigned char *p;
	struct buf b = {0};
	int modules = 0;

	CU_ASSERT_EQUAL_FATAL(qr_png(CODE_LIKE, 4, &b, &modules), TK_OK);
	CU_ASSERT_EQUAL(modules, 49);
	p = (const unsigned char *)b.data;
	CU_ASSERT_FATAL(b.len > 8 + 25 + 12);
	CU_ASSERT(memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0);
	CU_ASSERT_EQUAL(get32(p + 8), 13);
	CU_ASSERT(memcmp(p + 12, "IHDR", 4) == 0);
	CU_ASSERT_EQUAL(get32(p + 16), (49 + 2 * QR_QUIET) * 4);
	CU_ASSERT_EQUAL(get32(p + 20), (49 + 2 * QR_QUIET) * 4);
	CU_ASSERT_EQUAL(p[24], 1); /* bit depth */
	CU_ASSERT_EQUAL(p[25], 0); /* greyscale */
	CU_ASSERT(memcmp(p + b.len - 12, "\0\0\0\0IEND", 8) == 0);
	CU_ASSERT(b.len < 4000);
	buf_free(&b);
	CU_ASSERT_EQUAL(qr_png(CODE_LIKE, 0, &b, &modules), TK_EINVAL);
	CU_ASSERT_EQUAL(qr_png(CODE_LIKE, QR_PNG_SCALE_MAX + 1, &b, NULL), TK_EINVAL);
	CU_ASSERT_EQUAL(qr_png("", 4, &b, NULL), TK_EINVAL);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(modules, 0);
	buf_free(&b);
}

/* decoded: what zbarimg reads from image b written as dir/name (first
 * turned into a PNG by rsvg-convert when it is an SVG), into got. */
static void
decoded(const char *dir, const char *name, const struct buf *b, char *got, size_t size)
{
	char cmd[512];
	FILE *f;
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "%s/%s", dir, name);
	f = fopen(cmd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(b->data, 1, b->len, f), b->len);
	fclose(f);
	if (strstr(name, ".svg") != NULL)
		snprintf(cmd, sizeof(cmd),
			 "rsvg-convert -w 400 -h 400 -o %s/svg.png %s/%s 2>/dev/null &&"
			 " zbarimg -q --raw %s/svg.png > %s/out 2>/dev/null",
			 dir, dir, name, dir, dir);
	else
		snprintf(cmd, sizeof(cmd), "zbarimg -q --raw %s/%s > %s/out 2>/dev/null", dir, name,
			 dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/out", dir);
	f = fopen(cmd, "r");
	if (f != NULL) {
		n = fread(got, 1, size - 1, f);
		fclose(f);
	}
	got[n] = '\0';
	if (n > 0 && got[n - 1] == '\n')
		got[n - 1] = '\0';
}

/* The SVG and the PNG read back by a QR reader. */
static void
test_decoded(void)
{
	char dir[] = "/tmp/test_qr.XXXXXX", cmd[512], got[400];
	struct buf b = {0};

	if (system("command -v rsvg-convert >/dev/null && command -v zbarimg >/dev/null") != 0) {
		fprintf(stderr, "test_qr: rsvg-convert or zbarimg missing: not decoded\n");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL_FATAL(qr_svg(CODE_LIKE, &b, NULL), TK_OK);
	decoded(dir, "qr.svg", &b, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, CODE_LIKE);
	buf_reset(&b);
	CU_ASSERT_EQUAL_FATAL(qr_png(CODE_LIKE, 3, &b, NULL), TK_OK);
	decoded(dir, "qr.png", &b, got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, CODE_LIKE);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	buf_free(&b);
}

static const struct cu_test qr_tests[] = {
    {"SVG: size, one path, no text", test_size},
    {"empty and too long", test_refused},
    {"PNG: signature, size, 1-bit greyscale, scale refused", test_png},
    {"SVG and PNG decoded by a QR reader", test_decoded},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"qr", NULL, NULL, qr_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
