/*
 * QR codes (qr.h). libqrencode gives the module matrix (bit 0 of each
 * byte: dark), which both renderers read and nothing else.
 *
 * SVG: each row's runs of dark modules become one "M x y h n v 1 h -n z"
 * subpath of a single <path>, which keeps an e-ticket page small (a
 * version 8 code: 8.7 KB, where one <rect> per dark module would be about
 * 50 KB).
 *
 * PNG (ISO/IEC 15948): the signature, an IHDR of a 1-bit greyscale image
 * without interlace, one IDAT of the zlib-compressed rows (each a filter
 * byte 0, "none", and its pixels, most significant bit first, 1 for
 * white), and IEND; each chunk's CRC is zlib's crc32 over its type and
 * data.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zlib.h>

#include "buf.h"
#include "err.h"
#include "qr.h"
#include "xalloc.h"

/* encode: the QR code of text, or NULL with *rc set (TK_EINVAL for an
 * empty or too long text, TK_EINTERNAL otherwise). */
static QRcode *
encode(const char *text, int *rc)
{
	size_t len = text != NULL ? strlen(text) : 0;
	QRcode *qr;

	*rc = TK_EINVAL;
	if (len == 0 || len > QR_TEXT_MAX)
		return NULL;
	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		*rc = errno == ERANGE ? TK_EINVAL : TK_EINTERNAL;
	else
		*rc = TK_OK;
	return qr;
}

int
qr_svg(const char *text, struct buf *out, int *modules)
{
	QRcode *qr;
	int rc, w, side, x, y, run;

	if (modules != NULL)
		*modules = 0;
	qr = encode(text, &rc);
	if (qr == NULL)
		return rc;
	w = qr->width;
	side = w + 2 * QR_QUIET;
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\""
		   " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   side, side, side, side);
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x += run) {
			for (run = 0; x + run < w && (qr->data[y * w + x + run] & 1); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
		}
	}
	buf_puts(out, "\"/></svg>");
	if (modules != NULL)
		*modules = w;
	QRcode_free(qr);
	return TK_OK;
}

/* put32: v big-endian at p. */
static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* chunk: append a PNG chunk of type (4 letters) and data[0..len) to out. */
static void
chunk(struct buf *out, const char *type, const unsigned char *data, size_t len)
{
	unsigned char word[4];
	uLong crc = crc32(0L, (const Bytef *)type, 4);

	put32(word, (uint32_t)len);
	buf_append(out, (const char *)word, 4);
	buf_append(out, type, 4);
	if (len > 0) {
		buf_append(out, (const char *)data, len);
		crc = crc32(crc, data, (uInt)len);
	}
	put32(word, (uint32_t)crc);
	buf_append(out, (const char *)word, 4);
}

int
qr_png(const char *text, int scale, struct buf *out, int *modules)
{
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char ihdr[13] = {0}, *raw = NULL, *z = NULL, *row;
	QRcode *qr = NULL;
	size_t stride, rawlen;
	uLongf zlen;
	int rc = TK_EINVAL, w, side, px, x, y, dark;

	if (modules != NULL)
		*modules = 0;
	if (scale < 1 || scale > QR_PNG_SCALE_MAX)
		goto out;
	qr = encode(text, &rc);
	if (qr == NULL)
		goto out;
	w = qr->width;
	side = w + 2 * QR_QUIET;
	px = side * scale;
	stride = 1 + ((size_t)px + 7) / 8;
	rawlen = stride * (size_t)px;
	raw = xcalloc(rawlen, 1);
	for (y = 0; y < px; y++) {
		row = raw + (size_t)y * stride;
		for (x = 0; x < px; x++) {
			int mx = x / scale - QR_QUIET, my = y / scale - QR_QUIET;

			dark =
			    mx >= 0 && my >= 0 && mx < w && my < w && (qr->data[my * w + mx] & 1);
			if (!dark)
				row[1 + x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
	}
	zlen = compressBound((uLong)rawlen);
	z = xmalloc(zlen);
	if (compress2(z, &zlen, raw, (uLong)rawlen, Z_BEST_COMPRESSION) != Z_OK) {
		rc = TK_EINTERNAL;
		goto out;
	}
	put32(ihdr, (uint32_t)px);
	put32(ihdr + 4, (uint32_t)px);
	ihdr[8] = 1; /* bit depth; colour type 0 (greyscale), compression,
		      * filter and interlace methods 0 */
	buf_append(out, (const char *)signature, sizeof(signature));
	chunk(out, "IHDR", ihdr, sizeof(ihdr));
	chunk(out, "IDAT", z, zlen);
	chunk(out, "IEND", NULL, 0);
	if (modules != NULL)
		*modules = w;
	rc = TK_OK;
out:
	free(z);
	free(raw);
	if (qr != NULL)
		QRcode_free(qr);
	return rc;
}
