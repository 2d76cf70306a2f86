/*
 * Per-request arena: a bump allocator over a list of blocks. Everything a
 * request parses, fetches or renders is allocated here and released at once
 * by arena_reset (keep the first block for the next request) or arena_free.
 * Allocation never fails (it aborts on exhaustion like xmalloc).
 */
#ifndef TK_ARENA_H
#define TK_ARENA_H
#include <stdarg.h>
#include <stddef.h>

struct arena;

/* arena_new: an empty arena. Owned by the caller; release with arena_free. */
struct arena *arena_new(void);
/* arena_free: release the arena and everything in it. Accepts NULL. */
void arena_free(struct arena *a);
/* arena_reset: release everything allocated, keeping one block for reuse. */
void arena_reset(struct arena *a);

/* arena_alloc: n bytes aligned for any type; zero-filled. */
void *arena_alloc(struct arena *a, size_t n);
/* arena_strdup / arena_strndup: a NUL-terminated copy in the arena. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* arena_printf: a formatted string in the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
