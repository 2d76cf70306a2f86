/*
 * QR codes for e-tickets (libqrencode): as inline SVG for pages, and as a
 * PNG image for mail, where SVG is not shown by many readers. Both are
 * made only from the module matrix: numbers and fixed markup or pixels,
 * never a byte of the encoded text, so a page may insert the SVG
 * unescaped (ctemplate's :none modifier on a value that comes from qr_svg
 * and nothing else).
 */
#ifndef TK_QR_H
#define TK_QR_H

struct buf;

/* The quiet zone around the code, in modules (ISO/IEC 18004 asks for 4). */
#define QR_QUIET 4
/* The longest text a code is made of, in bytes. */
#define QR_TEXT_MAX 1000
/* The largest PNG scale, in pixels per module. */
#define QR_PNG_SCALE_MAX 16

/*
 * qr_svg: append to out an <svg> element showing text (1..QR_TEXT_MAX
 * bytes) as a QR code, error correction level M, 8-bit mode: a white
 * square of (modules + 2 * QR_QUIET) units with one black <path> of the
 * dark modules (one subpath per horizontal run). *modules (OUT, may be
 * NULL) gets the code's width in modules. The element has no width or
 * height: the page's stylesheet sizes it. Returns TK_OK, TK_EINVAL for
 * an empty or too long text, or TK_EINTERNAL when libqrencode fails
 * otherwise (out is unchanged on error).
 */
int qr_svg(const char *text, struct buf *out, int *modules /* OUT */);

/*
 * qr_png: append to out a PNG image of the same code: 1-bit greyscale,
 * scale (1..QR_PNG_SCALE_MAX) pixels per module, the quiet zone included,
 * so (modules + 2 * QR_QUIET) * scale pixels square. *modules as qr_svg.
 * Returns TK_OK, TK_EINVAL for a bad text or scale, or TK_EINTERNAL
 * (libqrencode or zlib failed; out is unchanged on error).
 */
int qr_png(const char *text, int scale, struct buf *out, int *modules /* OUT */);

#endif
