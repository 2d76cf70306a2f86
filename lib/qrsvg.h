/*
 * QR codes as inline SVG, for e-tickets (libqrencode). The SVG is made
 * only from the module matrix: numbers and fixed markup, never a byte of
 * the encoded text, so a page may insert it unescaped (ctemplate's
 * :none modifier on a value that comes from qrsvg_render and nothing else).
 */
#ifndef TK_QRSVG_H
#define TK_QRSVG_H

struct buf;

/* The quiet zone around the code, in modules (ISO/IEC 18004 asks for 4). */
#define QRSVG_QUIET 4

/*
 * qrsvg_render: append to out an <svg> element showing text (1..1000
 * bytes) as a QR code, error correction level M, 8-bit mode: a white
 * square of (modules + 2 * QRSVG_QUIET) units with one black <path> of
 * the dark modules (one subpath per horizontal run). *modules (OUT, may
 * be NULL) gets the code's width in modules. The element has no width or
 * height: the page's stylesheet sizes it. Returns TK_OK, TK_EINVAL for
 * an empty or too long text, or TK_EINTERNAL when libqrencode fails
 * otherwise (out is unchanged on error).
 */
int qrsvg_render(const char *text, struct buf *out, int *modules /* OUT */);

#endif
