/*
 * Result sets kept per thread (dbcache.h): DBCACHE_SLOTS copies, each one
 * malloc'd block holding the key (statement and parameters, byte for
 * byte), the cells and their text; looked up by comparing the whole key,
 * the least recently stored making room for a new one. A hit copies the
 * rows into the request's arena, so they outlive the slot.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "dbcache.h"
#include "err.h"
#include "pagecache.h"
#include "xalloc.h"

struct slot {
	int valid;
	unsigned long generation;
	int64_t stored_ms;
	char *key; /* malloc'd */
	size_t key_len;
	size_t nrows, ncols;
	struct db_val *cells; /* malloc'd; text in text */
	char *text;           /* malloc'd */
};

static __thread struct slot slots[DBCACHE_SLOTS];

/* key_put: append n bytes of src to key at *len (NULL key: count only). */
static void
key_put(char *key, size_t *len, const void *src, size_t n)
{
	if (key != NULL)
		memcpy(key + *len, src, n);
	*len += n;
}

/* make_key: statement stmt and params[0..nparams) as bytes (each value's
 * type and length before its bytes, so no two questions share a key) into
 * key, which may be NULL to count them; returns the length. */
static size_t
make_key(char *key, int stmt, const struct db_val *params, size_t nparams)
{
	size_t len = 0, i;

	key_put(key, &len, &stmt, sizeof(stmt));
	for (i = 0; i < nparams; i++) {
		key_put(key, &len, &params[i].type, sizeof(params[i].type));
		if (params[i].type == DB_INT) {
			key_put(key, &len, &params[i].i, sizeof(params[i].i));
		} else if (params[i].type == DB_TEXT) {
			key_put(key, &len, &params[i].len, sizeof(params[i].len));
			key_put(key, &len, params[i].s, params[i].len);
		}
	}
	return len;
}

static void
slot_clear(struct slot *s)
{
	free(s->key);
	free(s->cells);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

/* text_size: the bytes of text (each with its NUL) of the cells of rows. */
static size_t
text_size(const struct db_rows *rows)
{
	size_t size = 0, i;

	for (i = 0; i < rows->nrows * rows->ncols; i++)
		if (rows->cells[i].type == DB_TEXT)
			size += rows->cells[i].len + 1;
	return size;
}

/* copy_rows: nrows x ncols cells into dst (room for them), their text into
 * text (room for text_size), pointing the copies at it. */
static void
copy_rows(struct db_val *dst, char *text, const struct db_val *src, size_t ncells)
{
	size_t i;

	for (i = 0; i < ncells; i++) {
		dst[i] = src[i];
		if (src[i].type == DB_TEXT) {
			memcpy(text, src[i].s, src[i].len);
			text[src[i].len] = '\0';
			dst[i].s = text;
			text += src[i].len + 1;
		}
	}
}

/* find: the slot holding key, or NULL. */
static struct slot *
find(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < DBCACHE_SLOTS; i++)
		if (slots[i].valid && slots[i].key_len == len &&
		    memcmp(slots[i].key, key, len) == 0)
			return &slots[i];
	return NULL;
}

/* keep: store rows under key in the slot of key, else a free slot, else
 * the least recently stored one. */
static void
keep(const char *key, size_t len, unsigned long gen, const struct db_rows *rows)
{
	size_t ncells = rows->nrows * rows->ncols, size = text_size(rows), i;
	struct slot *s = find(key, len);

	if (size + ncells * sizeof(struct db_val) > DBCACHE_RESULT_MAX)
		return;
	for (i = 0; s == NULL && i < DBCACHE_SLOTS; i++)
		if (!slots[i].valid)
			s = &slots[i];
	if (s == NULL) {
		s = &slots[0];
		for (i = 1; i < DBCACHE_SLOTS; i++)
			if (slots[i].stored_ms < s->stored_ms)
				s = &slots[i];
	}
	slot_clear(s);
	s->key = xmalloc(len);
	memcpy(s->key, key, len);
	s->key_len = len;
	s->cells = xmalloc(ncells * sizeof(struct db_val) + 1);
	s->text = xmalloc(size + 1);
	copy_rows(s->cells, s->text, rows->cells, ncells);
	s->nrows = rows->nrows;
	s->ncols = rows->ncols;
	s->generation = gen;
	s->stored_ms = clock_mono_ms();
	s->valid = 1;
}

int
dbcache_exec(struct db *db, int stmt, const struct db_val *params, size_t nparams, int64_t ttl_ms,
	     struct arena *a, struct db_rows *out)
{
	unsigned long gen = db_generation();
	size_t len, ncells;
	struct slot *s;
	char *key = NULL;
	int rc;

	if (db_in_transaction(db)) {
		rc = db_exec(db, stmt, params, nparams, a, out);
		goto out;
	}
	len = make_key(NULL, stmt, params, nparams);
	key = xmalloc(len);
	make_key(key, stmt, params, nparams);
	s = find(key, len);
	if (s != NULL && s->generation == gen && clock_mono_ms() - s->stored_ms < ttl_ms) {
		memset(out, 0, sizeof(*out));
		ncells = s->nrows * s->ncols;
		out->nrows = s->nrows;
		out->ncols = s->ncols;
		if (ncells > 0) {
			struct db_rows held = {
			    .nrows = s->nrows, .ncols = s->ncols, .cells = s->cells};

			out->cells = arena_alloc(a, ncells * sizeof(struct db_val));
			copy_rows(out->cells, arena_alloc(a, text_size(&held) + 1), s->cells,
				  ncells);
		}
		rc = TK_OK;
		goto out;
	}
	rc = db_exec(db, stmt, params, nparams, a, out);
	if (rc == TK_OK)
		keep(key, len, gen, out);
out:
	free(key);
	return rc;
}
