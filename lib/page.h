/*
 * Pages: every HTML response is the layout (templates/layout.tpl) with one
 * page template included as BODY. page_begin opens the page and returns the
 * page's dictionary to fill; page_end renders layout and page into the
 * response. Form errors, the CSRF field and flash messages are partials the
 * layout and pages include. page_error renders every error page.
 */
#ifndef TK_PAGE_H
#define TK_PAGE_H
#include "tmpl.h"

struct request;

/* The Cache-Control of every dynamic response: pages carry CSRF tokens,
 * the member's name and their data, error pages included. */
#define PAGE_CACHE_CONTROL "private, no-store"

/*
 * page_begin: start an HTML page with template file (e.g.
 * "pages/auth/signin.tpl") and title (plain text, escaped). Fills the layout
 * (signed-in name and sign-out form, or sign-in links; a pending flash
 * message) and the page's CSRF and FORM_ERRORS includes. Returns the page's
 * dictionary, owned by the request.
 */
tmpl_dict *page_begin(struct request *r, const char *file, const char *title);

/*
 * page_refresh: the page begun by page_begin tells the browser to load it
 * again after seconds (at least 1): <meta http-equiv="refresh"> in the
 * layout's head, which works without JavaScript. For a page whose
 * content changes at a known moment (an order's deadline).
 */
void page_refresh(struct request *r, long seconds);

/*
 * page_field_error: show section (e.g. "EMAIL_ERROR") with message next to
 * the field whose element id is field, and list it in the form's error
 * summary. message is a fixed server text, never request data.
 */
void page_field_error(struct request *r, const char *section, const char *field,
		      const char *message);

/*
 * page_end: render the page begun by page_begin with status into the
 * response (Content-Type text/html). A template failure turns into a plain
 * 500 error page. Releases the dictionaries.
 */
void page_end(struct request *r, int status);
/* Where the page goes in the layout: right before this, its one
 * occurrence in the layout rendered without the page. */
#define PAGE_BODY_END "</main>"
/*
 * page_wrap: answer r with 200 and a page whose own part, the BODY of the
 * layout, was rendered before: body[0..len) (lib/pagecache.c keeps such
 * parts). The layout around it is r's own, titled title (plain text,
 * escaped), as page_begin makes it.
 */
void page_wrap(struct request *r, const char *title, const char *body, size_t len);

/*
 * page_error: the one error page renderer: a fixed heading and message per
 * status (400, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503), never
 * anything taken from the request. Discards whatever the response held
 * (headers included: the caller adds Allow or Retry-After after this call;
 * a 503 gets Retry-After: 5 here), then sets Cache-Control to
 * PAGE_CACHE_CONTROL again: the page shows the signed-in member's name and
 * a sign-out form with their CSRF token.
 */
void page_error(struct request *r, int status);

/*
 * page_error_wait: page_error for a status that asks the browser to come
 * back (429, 503), saying how long in words ("Too many attempts. Try again
 * in 8 seconds.", text_duration) and in a Retry-After header of seconds
 * (at least 1, in place of the 5 of page_error's 503).
 */
void page_error_wait(struct request *r, int status, long seconds);

/*
 * page_pagination: the PAGINATION include of d (partials/pagination.tpl)
 * for page of pages, nothing when pages <= 1; base is the link up to the
 * page number ("/?page=" or "/events?q=x&page="), already URL-encoded.
 */
void page_pagination(struct request *r, tmpl_dict *d, const char *base, long page, long pages);

/* page_paragraphs: one section PARAGRAPH with TEXT in d per non-empty
 * line of text (a description or note typed in a textarea). */
void page_paragraphs(struct request *r, tmpl_dict *d, const char *text);

/* page_fail: page_error with the HTTP status of an error code (err.h). */
void page_fail(struct request *r, int code);

/*
 * Flash messages survive one redirect in a cookie holding a code, never
 * text from the request. A service declares its codes (app_service
 * flashes, indexed by its own enum); the texts are sections of
 * templates/partials/flash.tpl named after the codes in upper case, so a
 * page shows a flash whichever service set it. A cookie value that is not
 * [a-z_]{1,32} is ignored.
 */

/* page_flash: show the service's flash number code (an index into
 * r->flashes) on the next page this browser renders. */
void page_flash(struct request *r, int code);

#endif
