/*
 * One HTTP request as a FastCGI program sees it, and the response it builds.
 * A request owns an arena: everything parsed from it, fetched for it or
 * rendered for it lives there and is released when the request ends. The
 * response is buffered (status, headers, body) and written once
 * (resp_serialize), so a handler can still turn into an error page halfway.
 */
#ifndef TK_REQ_H
#define TK_REQ_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "params.h"
#include "sess.h"
#include "store.h"

struct arena;
typedef struct FCGX_Request FCGX_Request;

#define REQ_MAX_BODY (64 * 1024) /* urlencoded forms are small */

struct request {
	FCGX_Request *fcgx; /* NULL when built by req_init_env in tests */
	struct arena *arena;
	int64_t started_us; /* monotonic clock, for the log line */

	/* From the FastCGI parameters nginx sends. */
	const char *method;      /* REQUEST_METHOD */
	const char *path;        /* DOCUMENT_URI: decoded and normalised by nginx */
	const char *request_id;  /* REQUEST_ID (nginx $request_id), "-" if absent */
	const char *remote_addr; /* REMOTE_ADDR */
	int https;               /* HTTPS parameter is "on" */

	struct params query;   /* from QUERY_STRING */
	struct params form;    /* from an urlencoded POST body */
	struct params cookies; /* from HTTP_COOKIE */
	struct params route;   /* :name parts of the matched route pattern */
	/* An application/json POST body, unparsed and NUL-terminated (form
	 * stays empty); NULL otherwise. Only RF_MACHINE routes take one. */
	const char *raw_body;
	size_t raw_len;

	/* Set by the application before the handler runs. */
	const struct session *session; /* NULL when signed out */
	const char *csrf_binding;      /* session id, or the visitor cookie value */
	const char *csrf_token;        /* token to put in this page's forms */
	struct store store;            /* data access: the thread's connection, the
					* arena and the session as actor */
	unsigned cookie_flags;         /* COOKIE_* for the cookies the site sets */
	const char *const *flashes;    /* the service's flash codes (page_flash) */
	size_t nflashes;

	/* Set by page_begin (page.c): the layout and the page inside it
	 * (rendered apart and put where the layout's BODY include is). */
	struct tmpl_dict *layout;
	struct tmpl_dict *page;
	const char *page_file;  /* the page's template */
	const char *page_title; /* as given to page_begin, in the arena */
	/* Set by page_end: where the page's own part (the BODY) lies in body. */
	size_t page_body_off, page_body_len;
	struct tmpl_dict *form_errors;
	struct tmpl_dict *hidden; /* the page's CSRF include: its forms' hidden fields */

	/* The response. */
	int status;         /* 200 until changed */
	struct buf headers; /* "Name: value\r\n" lines, Status excluded */
	struct buf body;
	int finished;
};

/* The environment lookup a request is parsed from: FCGX_GetParam on the
 * request's envp in production, a table in tests. */
typedef const char *(*req_getenv_fn)(const char *name, void *ctx);

/*
 * req_parse: fill method, path, request_id, remote_addr, https, query and
 * cookies from getenv, and read the body with read_body when the method is
 * POST. The body must be application/x-www-form-urlencoded (parsed into
 * form) or application/json (kept in raw_body for a machine endpoint to
 * read) and at most REQ_MAX_BODY bytes, checked against CONTENT_LENGTH
 * before a byte is read.
 * read_body(ctx, buf, n) reads up to n bytes and returns how many (0 at end).
 * Returns TK_OK; TK_ETOOBIG (413) when the body is too large; TK_EUNSUPPORTED
 * (415) for another content type; TK_EINVAL (400) for malformed parameters,
 * a bad CONTENT_LENGTH or a short body. r must be zeroed with arena set.
 */
int req_parse(struct request *r, req_getenv_fn getenv_fn,
	      int (*read_body)(void *ctx, char *buf, int n), void *ctx);

/* req_param: the form value (POST) or else query value called name, or NULL. */
const char *req_param(const struct request *r, const char *name);

/* resp_status: set the status code. */
void resp_status(struct request *r, int status);
/* resp_header: add a header. Returns TK_OK, or TK_EINVAL (and adds nothing)
 * when name or value holds CR, LF or another control byte. */
int resp_header(struct request *r, const char *name, const char *value);
/* resp_header_remove: drop every header called name (any case) that was
 * added so far. */
void resp_header_remove(struct request *r, const char *name);
/* resp_cookie: add a Set-Cookie header (see cookie_format). */
int resp_cookie(struct request *r, const char *name, const char *value, long max_age,
		unsigned flags);
/*
 * req_local_path: 1 when p is a path of this site to send a browser to
 * (a ?next= return path): it starts with one '/' (not "//" or "/\\", which
 * browsers read as another host), holds only visible ASCII without '\\'
 * (so no scheme-relative trick, control byte or header split gets
 * through), and is at most REQ_LOCAL_PATH_MAX bytes; else 0. Absolute URLs
 * ("https://...") are never local.
 */
#define REQ_LOCAL_PATH_MAX 2048
int req_local_path(const char *p);

/* resp_redirect: 303 See Other to location, which must be a local path
 * starting with one '/' (refused otherwise: TK_EINVAL, nothing set). */
int resp_redirect(struct request *r, const char *location);
/* resp_text: status, Content-Type text/plain; charset=utf-8, and text as
 * the body: the answer of a machine endpoint. */
void resp_text(struct request *r, int status, const char *text);
/* resp_html: set Content-Type text/html; charset=utf-8 and append to the body. */
void resp_html(struct request *r, const char *html, size_t len);

/*
 * resp_serialize: the whole FastCGI response (Status line, headers, blank
 * line, body) into out. A HEAD request gets no body.
 */
void resp_serialize(const struct request *r, struct buf *out);

/* req_free: release the response buffers (the arena is the caller's). */
void req_free(struct request *r);

#endif
