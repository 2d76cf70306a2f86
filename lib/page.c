/*
 * Layout, page and error rendering (page.h).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "err.h"
#include "log.h"
#include "page.h"
#include "req.h"
#include "text.h"
#include "tmpl.h"

#define FLASH_COOKIE "tk_flash"

#define FLASH_CODE_MAX 32

static const struct {
	int status;
	const char *heading;
	const char *message;
} errors[] = {
    {400, "Bad request",
     "The request could not be understood. Check the address or the form "
     "and try again."},
    {403, "Forbidden",
     "You are not allowed to do that. If you submitted a form, reload the "
     "page and try again."},
    {404, "Page not found", "There is nothing at this address."},
    {405, "Method not allowed", "This address does not accept that kind of request."},
    {409, "Conflict",
     "That cannot be done in the current state. Reload the page and try "
     "again."},
    {413, "Too large", "What you sent is larger than this site accepts."},
    {415, "Unsupported form", "The form was sent in a format this site does not accept."},
    {422, "Check the form", "Some of what you entered is not valid."},
    {429, "Too many attempts", "Too many attempts. Wait a while and try again."},
    {500, "Something went wrong", "An error occurred on our side. Try again in a moment."},
    {503, "Temporarily unavailable",
     "The service is briefly unavailable. Try again in a "
     "moment."},
};

/* What page_error_wait says before "Try again in ...", for the statuses
 * that ask the browser to come back. */
static const struct {
	int status;
	const char *lead;
} wait_leads[] = {
    {429, "Too many attempts."},
    {503, "The service is briefly unavailable."},
};

static const char fallback_500[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Error · Ticketing</title></head><body><h1>Something went wrong</h1>"
    "<p>An error occurred on our side. Try again in a moment.</p></body></html>\n";

static void
release(struct request *r)
{
	tmpl_dict_free(r->layout);
	tmpl_dict_free(r->page);
	r->layout = r->page = r->form_errors = r->hidden = NULL;
}

/* flash_section: the template section of flash code, upper-cased into
 * out; 0, or -1 when code is not [a-z_]{1,FLASH_CODE_MAX}. */
static int
flash_section(const char *code, char out[FLASH_CODE_MAX + 1])
{
	size_t i;

	for (i = 0; code[i] != '\0'; i++) {
		if (i == FLASH_CODE_MAX || !((code[i] >= 'a' && code[i] <= 'z') || code[i] == '_'))
			return -1;
		out[i] = (char)(code[i] == '_' ? '_' : code[i] - 'a' + 'A');
	}
	out[i] = '\0';
	return i > 0 ? 0 : -1;
}

static void
show_flash(struct request *r, tmpl_dict *flash)
{
	const char *code = params_get(&r->cookies, FLASH_COOKIE);
	char section[FLASH_CODE_MAX + 1];

	if (code == NULL)
		return;
	if (flash_section(code, section) == 0)
		tmpl_show(tmpl_section(flash, "FLASH"), section);
	resp_cookie(r, FLASH_COOKIE, "", 0, r->cookie_flags);
}

/* layout_begin: a new layout for r titled title: the member's name and
 * sign-out form or the sign-in links, and the pending flash message. */
static void
layout_begin(struct request *r, const char *title)
{
	tmpl_dict *d;

	release(r);
	r->layout = tmpl_dict_new();
	r->page_title = arena_strdup(r->arena, title != NULL ? title : "");
	tmpl_set(r->layout, "TITLE", title);
	if (r->session != NULL) {
		d = tmpl_section(r->layout, "SIGNED_IN");
		tmpl_set(d, "USER_NAME", r->session->name);
		tmpl_set(tmpl_include(d, "CSRF", "partials/csrf.tpl"), "CSRF_TOKEN", r->csrf_token);
	} else {
		tmpl_show(r->layout, "SIGNED_OUT");
	}
	show_flash(r, tmpl_include(r->layout, "FLASH", "partials/flash.tpl"));
}

tmpl_dict *
page_begin(struct request *r, const char *file, const char *title)
{
	layout_begin(r, title);
	r->page_file = file;
	r->page = tmpl_dict_new();
	r->hidden = tmpl_include(r->page, "CSRF", "partials/csrf.tpl");
	tmpl_set(r->hidden, "CSRF_TOKEN", r->csrf_token);
	r->form_errors = tmpl_include(r->page, "FORM_ERRORS", "partials/form_errors.tpl");
	return r->page;
}

void
page_refresh(struct request *r, long seconds)
{
	tmpl_set_int(tmpl_section(r->layout, "REFRESH"), "SECONDS", seconds > 1 ? seconds : 1);
}

void
page_field_error(struct request *r, const char *section, const char *field, const char *message)
{
	tmpl_dict *e;

	tmpl_set(tmpl_section(r->page, section), "MESSAGE", message);
	e = tmpl_section(r->form_errors, "ERROR");
	tmpl_set(e, "FIELD", field);
	tmpl_set(e, "MESSAGE", message);
	tmpl_show(r->form_errors, "ERRORS");
}

/*
 * compose: r's page into out (empty): r's layout rendered without the
 * page, and body[0..len) (the page's own part) right before the layout's
 * one PAGE_BODY_END (any such text from a value is escaped), where the
 * layout's BODY include would put it (tests/unit/test_templates.c renders
 * both ways and compares). r->page_body_off and page_body_len say where the
 * part lies in out. TK_OK, or TK_ETEMPLATE (logged) with out empty.
 */
static int
compose(struct request *r, const char *body, size_t len, struct buf *out)
{
	struct buf frame = {0};
	const char *end;
	size_t at;
	int rc = TK_ETEMPLATE;

	if (tmpl_render("layout.tpl", r->layout, &frame) != TK_OK ||
	    (end = strstr(frame.data, PAGE_BODY_END)) == NULL) {
		log_error("%s: rendering a page failed", r->request_id);
		goto out;
	}
	at = (size_t)(end - frame.data);
	buf_append(out, frame.data, at);
	r->page_body_off = at;
	r->page_body_len = len;
	buf_append(out, body, len);
	buf_append(out, frame.data + at, frame.len - at);
	rc = TK_OK;
out:
	buf_free(&frame);
	return rc;
}

/* render: r's page begun by page_begin, page and layout, into out (empty):
 * TK_OK, or TK_ETEMPLATE (logged) with out empty. */
static int
render(struct request *r, struct buf *out)
{
	struct buf page = {0};
	int rc;

	rc = tmpl_render(r->page_file, r->page, &page);
	if (rc != TK_OK)
		log_error("%s: rendering a page failed", r->request_id);
	else
		rc = compose(r, page.data, page.len, out);
	buf_free(&page);
	return rc;
}

/* respond: answer r with status and the page in out (compose), which is
 * the response's whole body. */
static void
respond(struct request *r, int status, const struct buf *out)
{
	size_t before = r->body.len;

	release(r);
	resp_status(r, status);
	resp_html(r, out->data, out->len);
	r->page_body_off += before;
}

void
page_end(struct request *r, int status)
{
	struct buf out = {0};

	if (render(r, &out) != TK_OK) {
		release(r);
		page_error(r, 500);
	} else {
		respond(r, status, &out);
	}
	buf_free(&out);
}

void
page_wrap(struct request *r, const char *title, const char *body, size_t len)
{
	struct buf out = {0};

	layout_begin(r, title);
	if (compose(r, body, len, &out) != TK_OK) {
		release(r);
		page_error(r, 500);
	} else {
		respond(r, 200, &out);
	}
	buf_free(&out);
}

/* error_index: the entry for status, or the 500 entry for unknown ones. */
static size_t
error_index(int status)
{
	size_t i, fallback = 0;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		if (errors[i].status == status)
			return i;
		if (errors[i].status == 500)
			fallback = i;
	}
	return fallback;
}

/* error_page: page_error with message (when not NULL) in place of the
 * status's own, and Retry-After: retry seconds when retry > 0. */
static void
error_page(struct request *r, int status, const char *message, long retry)
{
	char seconds[32];
	size_t i = error_index(status);
	tmpl_dict *d;
	struct buf out = {0};

	status = errors[i].status;
	buf_reset(&r->headers);
	buf_reset(&r->body);
	d = page_begin(r, "pages/error.tpl", errors[i].heading);
	tmpl_set(d, "HEADING", errors[i].heading);
	tmpl_set(d, "MESSAGE", message != NULL ? message : errors[i].message);
	if (render(r, &out) != TK_OK) {
		status = 500;
		buf_reset(&out);
		buf_puts(&out, fallback_500);
	}
	release(r);
	resp_status(r, status);
	resp_header(r, "Cache-Control", PAGE_CACHE_CONTROL);
	if (retry > 0 || status == 503) {
		snprintf(seconds, sizeof(seconds), "%ld", retry > 0 ? retry : 5);
		resp_header(r, "Retry-After", seconds);
	}
	resp_html(r, out.data, out.len);
	buf_free(&out);
}

void
page_error(struct request *r, int status)
{
	error_page(r, status, NULL, 0);
}

void
page_error_wait(struct request *r, int status, long seconds)
{
	const char *lead = NULL;
	size_t i;

	for (i = 0; i < sizeof(wait_leads) / sizeof(wait_leads[0]); i++)
		if (wait_leads[i].status == status)
			lead = wait_leads[i].lead;
	if (seconds < 1)
		seconds = 1;
	error_page(r, status,
		   lead == NULL ? NULL
				: arena_printf(r->arena, "%s Try again in %s.", lead,
					       text_duration(r->arena, seconds)),
		   seconds);
}

void
page_paragraphs(struct request *r, tmpl_dict *d, const char *text)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p)
			tmpl_set(tmpl_section(d, "PARAGRAPH"), "TEXT",
				 arena_strndup(r->arena, p, (size_t)(nl - p)));
		p = *nl ? nl + 1 : nl;
	}
}

void
page_pagination(struct request *r, tmpl_dict *d, const char *base, long page, long pages)
{
	tmpl_dict *p;

	if (pages <= 1)
		return;
	p = tmpl_include(d, "PAGINATION", "partials/pagination.tpl");
	tmpl_set_int(p, "PAGE", page);
	tmpl_set_int(p, "PAGES", pages);
	if (page > 1)
		tmpl_set(tmpl_section(p, "PREV"), "PREV_URL",
			 arena_printf(r->arena, "%s%ld", base, page - 1));
	if (page < pages)
		tmpl_set(tmpl_section(p, "NEXT"), "NEXT_URL",
			 arena_printf(r->arena, "%s%ld", base, page + 1));
}

void
page_fail(struct request *r, int code)
{
	page_error(r, err_http_status(code));
}

void
page_flash(struct request *r, int code)
{
	if (code < 0 || (size_t)code >= r->nflashes)
		return;
	resp_cookie(r, FLASH_COOKIE, r->flashes[code], 60, r->cookie_flags);
}
