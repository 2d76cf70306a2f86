/*
 * Allocators that never return NULL: running out of memory is fatal
 * (the process logs and aborts; its supervisor restarts it).
 */
#ifndef TK_XALLOC_H
#define TK_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
