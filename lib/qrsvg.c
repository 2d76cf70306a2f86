/*
 * QR codes as inline SVG (qrsvg.h). libqrencode gives the module matrix
 * (bit 0 of each byte: dark); each row's runs of dark modules become one
 * "M x y h n v 1 h -n z" subpath of a single <path>, which keeps an
 * e-ticket page small (a version 8 code: 8.7 KB, where one <rect> per
 * dark module would be about 50 KB). Nothing of the encoded text reaches the
 * output: only integers this file prints.
 */
#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "buf.h"
#include "err.h"
#include "qrsvg.h"

#define QRSVG_TEXT_MAX 1000

int
qrsvg_render(const char *text, struct buf *out, int *modules)
{
	QRcode *qr = NULL;
	size_t len = text != NULL ? strlen(text) : 0;
	int rc = TK_EINVAL, w, side, x, y, run;

	if (modules != NULL)
		*modules = 0;
	if (len == 0 || len > QRSVG_TEXT_MAX)
		goto out;
	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL) {
		rc = errno == ERANGE ? TK_EINVAL : TK_EINTERNAL;
		goto out;
	}
	w = qr->width;
	side = w + 2 * QRSVG_QUIET;
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
			buf_printf(out, "M%d %dh%dv1h-%dz", x + QRSVG_QUIET, y + QRSVG_QUIET, run,
				   run);
		}
	}
	buf_puts(out, "\"/></svg>");
	if (modules != NULL)
		*modules = w;
	rc = TK_OK;
out:
	if (qr != NULL)
		QRcode_free(qr);
	return rc;
}
