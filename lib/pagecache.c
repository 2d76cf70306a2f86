/*
 * Rendered pages kept per thread for signed-out visitors (pagecache.h):
 * PAGECACHE_SLOTS copies, looked up by key, the least recently stored
 * making room for a new key. The responses made of such pages are marked
 * for shared caches here too, so one test decides both.
 */
#include <string.h>
#include <time.h>

#include "app.h"
#include "buf.h"
#include "pagecache.h"
#include "req.h"

struct slot {
	int valid;
	char key[PAGECACHE_KEY_MAX + 1];
	unsigned long generation;
	int64_t stored_ms;
	struct buf html;
};

static __thread struct slot slots[PAGECACHE_SLOTS];

int64_t
pagecache_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
pagecache_anonymous(const struct request *r)
{
	/* The name app_cookie_name gives it over https and over http. */
	const char *visitor = r->https ? APP_HOST_PREFIX APP_VISITOR_COOKIE : APP_VISITOR_COOKIE;
	size_t i;

	if (r->session != NULL)
		return 0;
	for (i = 0; i < r->cookies.n; i++)
		if (strcmp(r->cookies.v[i].name, visitor) != 0)
			return 0;
	return 1;
}

/* find: the valid slot of key, or NULL. */
static struct slot *
find(const char *key)
{
	size_t i;

	for (i = 0; i < PAGECACHE_SLOTS; i++)
		if (slots[i].valid && strcmp(slots[i].key, key) == 0)
			return &slots[i];
	return NULL;
}

/*
 * share: r's response is a page the same for every signed-out visitor:
 * shared caches may keep it, and it sets no cookie. r is anonymous, so
 * the only cookie it can set is the visitor cookie (app.c's set_csrf, for
 * a browser that has none); a page without a form does not need it, and
 * a response that sets one could not be shared.
 */
static void
share(struct request *r)
{
	resp_header_remove(r, "Set-Cookie");
	resp_header_remove(r, "Cache-Control");
	resp_header(r, "Cache-Control", PAGECACHE_SHARED_CONTROL);
}

int
pagecache_serve(struct request *r, const char *key, unsigned long gen, int64_t ttl_ms)
{
	struct slot *s;

	if (!pagecache_anonymous(r) || (s = find(key)) == NULL || s->generation != gen ||
	    pagecache_now_ms() - s->stored_ms >= ttl_ms)
		return 0;
	resp_html(r, s->html.data, s->html.len);
	share(r);
	return 1;
}

void
pagecache_keep(struct request *r, const char *key, unsigned long gen)
{
	struct slot *s;
	size_t i;

	if (!pagecache_anonymous(r) || r->status != 200)
		return;
	share(r);
	if (strlen(key) > PAGECACHE_KEY_MAX)
		return;
	s = find(key);
	for (i = 0; s == NULL && i < PAGECACHE_SLOTS; i++)
		if (!slots[i].valid)
			s = &slots[i];
	if (s == NULL) {
		s = &slots[0];
		for (i = 1; i < PAGECACHE_SLOTS; i++)
			if (slots[i].stored_ms < s->stored_ms)
				s = &slots[i];
	}
	buf_reset(&s->html);
	buf_append(&s->html, r->body.data, r->body.len);
	memcpy(s->key, key, strlen(key) + 1);
	s->generation = gen;
	s->stored_ms = pagecache_now_ms();
	s->valid = 1;
}
