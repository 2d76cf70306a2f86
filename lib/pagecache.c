/*
 * Rendered pages kept per thread for signed-out visitors (pagecache.h):
 * PAGECACHE_SLOTS copies, looked up by key, the least recently stored
 * making room for a new key. The responses made of such pages are marked
 * for shared caches here too, so one test decides both.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "buf.h"
#include "clock.h"
#include "log.h"
#include "page.h"
#include "pagecache.h"
#include "req.h"
#include "sess.h"

struct slot {
	int valid;
	char key[PAGECACHE_KEY_MAX + PAGECACHE_VARIANT_MAX + 1];
	unsigned long generation;
	int64_t stored_ms;
	struct buf html;  /* the whole page, or a member's page's own part */
	struct buf title; /* a member's page's title, with its '\0' */
};

static __thread struct slot slots[PAGECACHE_SLOTS];

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

/*
 * slot_key: the key under which r's page of key is kept, into out: key
 * itself for an anonymous visitor; for a member, key with what the page's
 * own part may depend on: the member's role, and for organizers and
 * admins the account too (their pages link to what they manage). Returns
 * 0, or -1 when r's page is not kept (a visitor with other cookies, a key
 * too long).
 */
static int
slot_key(const struct request *r, const char *key,
	 char out[PAGECACHE_KEY_MAX + PAGECACHE_VARIANT_MAX + 1])
{
	size_t n = strlen(key);

	if (n > PAGECACHE_KEY_MAX)
		return -1;
	if (pagecache_anonymous(r)) {
		memcpy(out, key, n + 1);
		return 0;
	}
	if (r->session == NULL)
		return -1;
	snprintf(out, PAGECACHE_KEY_MAX + PAGECACHE_VARIANT_MAX + 1, "%s\x1f%s%s%s", key,
		 role_name(r->session->role), r->session->role == ROLE_MEMBER ? "" : "\x1f",
		 r->session->role == ROLE_MEMBER ? "" : r->session->user_id);
	return 0;
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
	char k[PAGECACHE_KEY_MAX + PAGECACHE_VARIANT_MAX + 1];
	struct slot *s;

	if (slot_key(r, key, k) != 0 || (s = find(k)) == NULL || s->generation != gen ||
	    clock_mono_ms() - s->stored_ms >= ttl_ms)
		return 0;
	if (r->session != NULL) {
		page_wrap(r, s->title.data, s->html.data, s->html.len);
		return 1;
	}
	resp_html(r, s->html.data, s->html.len);
	share(r);
	return 1;
}

void
pagecache_keep(struct request *r, const char *key, unsigned long gen)
{
	char k[PAGECACHE_KEY_MAX + PAGECACHE_VARIANT_MAX + 1];
	const char *html = r->body.data;
	size_t len = r->body.len, i;
	struct slot *s;

	if (slot_key(r, key, k) != 0 || r->status != 200)
		return;
	if (r->session != NULL) {
		/* A member's page keeps its own part only, and never one that
		 * carries the member's CSRF token: it would be served to others. */
		html = r->body.data + r->page_body_off;
		len = r->page_body_len;
		if (r->page_title == NULL ||
		    memmem(html, len, r->csrf_token, strlen(r->csrf_token)) != NULL) {
			log_error("%s: a page kept for members carries a CSRF token: not kept",
				  r->request_id);
			return;
		}
	} else {
		share(r);
	}
	s = find(k);
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
	buf_append(&s->html, html, len);
	buf_reset(&s->title);
	if (r->session != NULL)
		buf_append(&s->title, r->page_title, strlen(r->page_title) + 1);
	memcpy(s->key, k, strlen(k) + 1);
	s->generation = gen;
	s->stored_ms = clock_mono_ms();
	s->valid = 1;
}
