/*
 * Rendered pages kept for a moment: each thread of a service keeps the last
 * few pages it rendered for visitors who are signed out and carry no cookie
 * but the visitor cookie (so no flash message either), whole, for at most
 * the caller's lifetime, under a key the caller makes from what the page
 * depends on (its path and query). Such a page holds nothing personal: no
 * CSRF field, no name, so one visitor's copy may be served to the next.
 * A generation number of the caller's (e.g. one that grows with every
 * change the process commits) drops every copy made before it changed.
 *
 * Pages for signed-in members are kept too, but only their own part (the
 * layout's BODY: page_wrap puts the member's own layout around it, with
 * their name, sign-out form and flash message), under the caller's key
 * with the member's role, and for organizers and admins their account
 * (lib/pagecache.c slot_key). A caller that keeps pages promises that the
 * page's own part depends on the visitor through that alone and carries
 * no CSRF field: pagecache_keep refuses, and logs, a part that holds the
 * member's CSRF token.
 *
 * A thread serves one request at a time, so its cache needs no lock; the
 * copies live until the thread's next store into the same slot.
 *
 * The same pages are the only responses any other cache may keep: a page
 * served or kept here goes out with PAGECACHE_SHARED_CONTROL instead of
 * the private Cache-Control of every other response, and without the
 * visitor cookie a browser without one is otherwise given (the page has
 * no form to bind it to). nginx's micro-cache (nginx/site.conf.in) keeps
 * nothing else (docs/DECISIONS.md, "A micro-cache of signed-out pages").
 */
#ifndef TK_PAGECACHE_H
#define TK_PAGECACHE_H
#include <stddef.h>
#include <stdint.h>

struct request;

/* Pages kept per thread: the least recently stored one makes room. */
#define PAGECACHE_SLOTS 8
/* Keys longer than this are never cached. */
#define PAGECACHE_KEY_MAX 96
/* What the key of a member's page adds (role and account id). */
#define PAGECACHE_VARIANT_MAX 64
/* The Cache-Control of a page that is the same for every signed-out
 * visitor: a shared cache (nginx) may keep it for a second; a browser asks
 * again each time, so it shows the member's own page once they sign in. */
#define PAGECACHE_SHARED_CONTROL "public, max-age=0, s-maxage=1"

/* pagecache_anonymous: 1 when r may be answered from, and its page kept in,
 * the cache: signed out, and no cookie but the visitor cookie. */
int pagecache_anonymous(const struct request *r);

/*
 * pagecache_serve: when this thread keeps the page of key for r (anonymous,
 * or a member: see above), stored at generation gen less than ttl_ms ago,
 * answer r with it (200, text/html; shared when anonymous) and return 1;
 * else 0 and r is untouched.
 */
int pagecache_serve(struct request *r, const char *key, unsigned long gen, int64_t ttl_ms);

/*
 * pagecache_keep: when r's response is a 200 page: for an anonymous r, mark
 * the response shared and keep a copy of it under key; for a member, keep
 * a copy of the page's own part and its title under key, role and
 * account. Stamped with gen and the time now. The copy is the thread's: r
 * keeps its body.
 */
void pagecache_keep(struct request *r, const char *key, unsigned long gen);

#endif
