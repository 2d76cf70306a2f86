/*
 * Growable byte buffer (heap). Used for response bodies and anything built
 * piece by piece. The data is always NUL-terminated for convenience.
 */
#ifndef TK_BUF_H
#define TK_BUF_H
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* buf_reset: empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* buf_free: release the memory; the buffer is empty and reusable after. */
void buf_free(struct buf *b);

#endif
