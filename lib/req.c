/*
 * The request pipeline's two ends (req.h): req_parse turns the FastCGI
 * parameters and body into a struct request, and the resp_* functions build
 * the buffered response that resp_serialize writes out in one piece.
 *
 * Everything parsed is copied into the request's arena, so nothing points
 * into libfcgi's buffers. The response side refuses header bytes that could
 * split a header (CR, LF and other controls) and redirects that would leave
 * the site, so request data can never steer the response headers.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "err.h"
#include "form.h"
#include "params.h"
#include "req.h"

#define FORM_TYPE "application/x-www-form-urlencoded"
#define JSON_TYPE "application/json"
#define REQUEST_ID_MAX 64

/* token_char: 1 for the bytes of an HTTP token (RFC 9110 tchar). */
static int
token_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* is_token: 1 when s is a non-empty HTTP token. */
static int
is_token(const char *s)
{
	const char *p = s;

	while (token_char((unsigned char)*p))
		p++;
	return p != s && *p == '\0';
}

/* has_control: 1 when s holds a byte below 0x20 or 0x7f. */
static int
has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0' && *p >= 0x20 && *p != 0x7f)
		p++;
	return *p != '\0';
}

/* skip_ows: past spaces and tabs. */
static const char *
skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * media_type: 1 when ct is the media type type, alone or with a charset
 * parameter of UTF-8 (case-insensitive, optionally quoted), else 0.
 */
static int
media_type(const char *ct, const char *type)
{
	const char *p = skip_ows(ct);
	int ok = 0;

	if (strncasecmp(p, type, strlen(type)) != 0)
		goto out;
	p = skip_ows(p + strlen(type));
	while (*p == ';') {
		p = skip_ows(p + 1);
		if (strncasecmp(p, "charset=", 8) != 0)
			goto out;
		p += 8;
		if (strncasecmp(p, "utf-8", 5) == 0)
			p += 5;
		else if (strncasecmp(p, "\"utf-8\"", 7) == 0)
			p += 7;
		else
			goto out;
		p = skip_ows(p);
	}
	ok = *p == '\0';
out:
	return ok;
}

/* form_content_type: 1 when ct is the urlencoded media type (media_type). */
static int
form_content_type(const char *ct)
{
	return media_type(ct, FORM_TYPE);
}

/*
 * parse_length: CONTENT_LENGTH into *out; absent or empty means 0. Returns
 * TK_OK, TK_EINVAL for anything but decimal digits, or TK_ETOOBIG above
 * REQ_MAX_BODY (however many digits).
 */
static int
parse_length(const char *s, size_t *out /* OUT */)
{
	size_t v = 0;
	int rc = TK_OK;

	*out = 0;
	if (s == NULL)
		goto out;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			rc = TK_EINVAL;
			goto out;
		}
		if (v <= REQ_MAX_BODY)
			v = v * 10 + (size_t)(*s - '0');
	}
	if (v > REQ_MAX_BODY) {
		rc = TK_ETOOBIG;
		goto out;
	}
	*out = v;
out:
	return rc;
}

/*
 * read_form: the urlencoded body of a POST into r->form, or a JSON body
 * into r->raw_body unparsed. The length and the type are checked before
 * the first read.
 */
static int
read_form(struct request *r, req_getenv_fn getenv_fn, int (*read_body)(void *ctx, char *buf, int n),
	  void *ctx)
{
	const char *type = getenv_fn("CONTENT_TYPE", ctx);
	size_t len, got = 0;
	char *body;
	int rc, json = 0;

	rc = parse_length(getenv_fn("CONTENT_LENGTH", ctx), &len);
	if (rc != TK_OK || len == 0)
		goto out;
	if (type != NULL && media_type(type, JSON_TYPE))
		json = 1;
	else if (type == NULL || !form_content_type(type)) {
		rc = TK_EUNSUPPORTED;
		goto out;
	}
	if (read_body == NULL) {
		rc = TK_EINVAL;
		goto out;
	}
	body = arena_alloc(r->arena, len + 1);
	while (got < len) {
		int k = read_body(ctx, body + got, (int)(len - got));

		if (k <= 0 || (size_t)k > len - got)
			break;
		got += (size_t)k;
	}
	if (got < len) {
		rc = TK_EINVAL;
		goto out;
	}
	body[len] = '\0';
	if (json) {
		/* Kept as sent: a signature covers these exact bytes. */
		r->raw_body = body;
		r->raw_len = len;
		goto out;
	}
	rc = form_parse(r->arena, body, len, &r->form);
out:
	return rc;
}

/*
 * req_parse: fill r from the FastCGI parameters and body (see req.h).
 * Beyond the header's contract: the path must be valid UTF-8 without
 * control bytes and the method a token (else TK_EINVAL); a missing or odd
 * REQUEST_ID becomes "-", a missing REMOTE_ADDR "-". A POST without
 * CONTENT_LENGTH has no body (nginx sends the length for every browser
 * form post). Sets the status to 200.
 */
int
req_parse(struct request *r, req_getenv_fn getenv_fn, int (*read_body)(void *ctx, char *buf, int n),
	  void *ctx)
{
	const char *method = getenv_fn("REQUEST_METHOD", ctx);
	const char *path = getenv_fn("DOCUMENT_URI", ctx);
	const char *id = getenv_fn("REQUEST_ID", ctx);
	const char *addr = getenv_fn("REMOTE_ADDR", ctx);
	const char *https = getenv_fn("HTTPS", ctx);
	const char *query = getenv_fn("QUERY_STRING", ctx);
	int rc = TK_OK;

	r->status = 200;
	if (method == NULL || !is_token(method) || path == NULL || path[0] != '/' ||
	    has_control(path) || !utf8_valid(path, strlen(path))) {
		rc = TK_EINVAL;
		goto out;
	}
	r->method = arena_strdup(r->arena, method);
	r->path = arena_strdup(r->arena, path);
	if (id == NULL || *id == '\0' || strlen(id) > REQUEST_ID_MAX || !is_token(id))
		id = "-";
	r->request_id = arena_strdup(r->arena, id);
	if (addr == NULL || *addr == '\0' || has_control(addr))
		addr = "-";
	r->remote_addr = arena_strdup(r->arena, addr);
	r->https = https != NULL && strcasecmp(https, "on") == 0;

	if (query != NULL) {
		rc = form_parse(r->arena, query, strlen(query), &r->query);
		if (rc != TK_OK)
			goto out;
	}
	rc = cookie_parse(r->arena, getenv_fn("HTTP_COOKIE", ctx), &r->cookies);
	if (rc != TK_OK)
		goto out;
	if (strcmp(r->method, "POST") == 0)
		rc = read_form(r, getenv_fn, read_body, ctx);
out:
	return rc;
}

/* req_param: the form value or else the query value called name, or NULL. */
const char *
req_param(const struct request *r, const char *name)
{
	const char *v = params_get(&r->form, name);

	if (v == NULL)
		v = params_get(&r->query, name);
	return v;
}

/* resp_status: set the status code. */
void
resp_status(struct request *r, int status)
{
	r->status = status;
}

/* resp_header: append "name: value" (see req.h); name must be a token. */
int
resp_header(struct request *r, const char *name, const char *value)
{
	int rc = TK_OK;

	if (name == NULL || value == NULL || !is_token(name) || has_control(value)) {
		rc = TK_EINVAL;
		goto out;
	}
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
out:
	return rc;
}

/* header_is: 1 when the header line at line is called name (any case). */
static int
header_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

/* resp_header_remove: copy every other line over (see req.h). */
void
resp_header_remove(struct request *r, const char *name)
{
	char *line = r->headers.data, *to = r->headers.data, *next;
	size_t len;

	while (line != NULL && *line != '\0') {
		next = strstr(line, "\r\n");
		next = next != NULL ? next + 2 : line + strlen(line);
		len = (size_t)(next - line);
		if (!header_is(line, name)) {
			memmove(to, line, len);
			to += len;
		}
		line = next;
	}
	if (r->headers.data != NULL) {
		*to = '\0';
		r->headers.len = (size_t)(to - r->headers.data);
	}
}

/* resp_cookie: add a Set-Cookie header (see cookie_format). */
int
resp_cookie(struct request *r, const char *name, const char *value, long max_age, unsigned flags)
{
	struct buf b = {0};
	int rc;

	rc = cookie_format(&b, name, value, max_age, flags);
	if (rc != TK_OK)
		goto out;
	rc = resp_header(r, "Set-Cookie", b.data);
out:
	buf_free(&b);
	return rc;
}

int
req_local_path(const char *p)
{
	const unsigned char *c;
	int ok = 0;

	if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\' ||
	    strnlen(p, REQ_LOCAL_PATH_MAX + 1) > REQ_LOCAL_PATH_MAX)
		goto out;
	for (c = (const unsigned char *)p; *c != '\0'; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '\\')
			goto out;
	ok = 1;
out:
	return ok;
}

/*
 * resp_redirect: 303 to a local path. "//host" and "/\host" are refused:
 * browsers read both as another site.
 */
int
resp_redirect(struct request *r, const char *location)
{
	int rc = TK_OK;

	if (location == NULL || location[0] != '/' || location[1] == '/' || location[1] == '\\' ||
	    has_control(location)) {
		rc = TK_EINVAL;
		goto out;
	}
	rc = resp_header(r, "Location", location);
	if (rc != TK_OK)
		goto out;
	r->status = 303;
out:
	return rc;
}

/* has_header: 1 when the response already has a header called name. */
static int
has_header(const struct request *r, const char *name)
{
	const char *line = r->headers.data;
	int found = 0;

	while (line != NULL && *line != '\0') {
		if (header_is(line, name)) {
			found = 1;
			break;
		}
		line = strstr(line, "\r\n");
		if (line != NULL)
			line += 2;
	}
	return found;
}

/* resp_text: a plain-text answer (see req.h). */
void
resp_text(struct request *r, int status, const char *text)
{
	resp_status(r, status);
	resp_header(r, "Content-Type", "text/plain; charset=utf-8");
	buf_puts(&r->body, text);
}

/* resp_html: the HTML content type (once) and len bytes more of body. */
void
resp_html(struct request *r, const char *html, size_t len)
{
	if (!has_header(r, "Content-Type"))
		buf_puts(&r->headers, "Content-Type: text/html; charset=utf-8\r\n");
	if (len > 0)
		buf_append(&r->body, html, len);
}

/* reason: the reason phrase of an HTTP status (RFC 9110), NULL if unknown. */
static const char *
reason(int status)
{
	static const struct {
		int status;
		const char *text;
	} reasons[] = {
	    {200, "OK"},
	    {201, "Created"},
	    {204, "No Content"},
	    {301, "Moved Permanently"},
	    {302, "Found"},
	    {303, "See Other"},
	    {304, "Not Modified"},
	    {307, "Temporary Redirect"},
	    {308, "Permanent Redirect"},
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {409, "Conflict"},
	    {410, "Gone"},
	    {413, "Content Too Large"},
	    {415, "Unsupported Media Type"},
	    {422, "Unprocessable Content"},
	    {429, "Too Many Requests"},
	    {500, "Internal Server Error"},
	    {502, "Bad Gateway"},
	    {503, "Service Unavailable"},
	    {504, "Gateway Timeout"},
	};
	const char *text = NULL;
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (reasons[i].status == status) {
			text = reasons[i].text;
			break;
		}
	}
	return text;
}

/*
 * resp_serialize: append the whole response to out (see req.h). A status
 * without a known reason phrase is written as 500: a handler bug must not
 * produce a status line nginx refuses.
 */
void
resp_serialize(const struct request *r, struct buf *out)
{
	int status = r->status;
	const char *text = reason(status);

	if (text == NULL) {
		status = 500;
		text = reason(status);
	}
	buf_printf(out, "Status: %d %s\r\n", status, text);
	if (r->headers.len > 0)
		buf_append(out, r->headers.data, r->headers.len);
	buf_puts(out, "\r\n");
	if (r->body.len > 0 && (r->method == NULL || strcmp(r->method, "HEAD") != 0))
		buf_append(out, r->body.data, r->body.len);
}

/* req_free: release the response buffers. Accepts NULL. */
void
req_free(struct request *r)
{
	if (r != NULL) {
		buf_free(&r->headers);
		buf_free(&r->body);
	}
}
