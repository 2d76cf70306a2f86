/*
 * Unit tests for lib/req.c: req_parse driven by a table of FastCGI
 * parameters and a fake body reader (which counts its calls, so the tests
 * can prove a refused body was never read), and the response side: headers,
 * cookies, redirects and the serialized output.
 */
#include <string.h>

#include "cu.h"

#include "arena.h"
#include "buf.h"
#include "cookie.h"
#include "err.h"
#include "req.h"
#include "app.h"

/* A fake FastCGI request: parameters and a body served in small chunks. */
struct fake {
	const char *const *env; /* name, value, name, value, ..., NULL */
	const char *body;
	size_t body_len;
	size_t pos;
	int chunk; /* largest read answered, to exercise partial reads */
	int reads;
};

static struct arena *arena;
static struct request req;

static const char *
fake_getenv(const char *name, void *ctx)
{
	const struct fake *f = ctx;
	const char *v = NULL;
	size_t i;

	for (i = 0; f->env[i] != NULL; i += 2) {
		if (strcmp(f->env[i], name) == 0) {
			v = f->env[i + 1];
			break;
		}
	}
	return v;
}

static int
fake_read(void *ctx, char *buf, int n)
{
	struct fake *f = ctx;
	size_t k = f->body_len - f->pos;

	f->reads++;
	if (k > (size_t)n)
		k = (size_t)n;
	if (k > (size_t)f->chunk)
		k = (size_t)f->chunk;
	memcpy(buf, f->body + f->pos, k);
	f->pos += k;
	return (int)k;
}

/* run: a fresh request parsed from env and body. */
static int
run(const char *const *env, const char *body, struct fake *f)
{
	req_free(&req);
	arena_reset(arena);
	memset(&req, 0, sizeof(req));
	req.arena = arena;
	memset(f, 0, sizeof(*f));
	f->env = env;
	f->body = body;
	f->body_len = body != NULL ? strlen(body) : 0;
	f->chunk = 7;
	return req_parse(&req, fake_getenv, fake_read, f);
}

static int
setup(void)
{
	arena = arena_new();
	return 0;
}

static int
teardown(void)
{
	req_free(&req);
	arena_free(arena);
	return 0;
}

static void
test_get(void)
{
	static const char *const env[] = {
	    "REQUEST_METHOD",
	    "GET",
	    "DOCUMENT_URI",
	    "/events/search",
	    "QUERY_STRING",
	    "q=jazz+night&city=Li%C3%A8ge&page=2",
	    "HTTP_COOKIE",
	    "sid=tok; tk_v=abc",
	    "REQUEST_ID",
	    "0123456789abcdef0123456789abcdef",
	    "REMOTE_ADDR",
	    "192.0.2.7",
	    "HTTPS",
	    "on",
	    NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL_FATAL(run(env, "unread=1", &f), TK_OK);
	CU_ASSERT_STRING_EQUAL(req.method, "GET");
	CU_ASSERT_STRING_EQUAL(req.path, "/events/search");
	CU_ASSERT_STRING_EQUAL(req.request_id, "0123456789abcdef0123456789abcdef");
	CU_ASSERT_STRING_EQUAL(req.remote_addr, "192.0.2.7");
	CU_ASSERT_EQUAL(req.https, 1);
	CU_ASSERT_EQUAL(req.status, 200);
	CU_ASSERT_EQUAL(req.query.n, 3);
	CU_ASSERT_STRING_EQUAL(req_param(&req, "q"), "jazz night");
	CU_ASSERT_STRING_EQUAL(req_param(&req, "city"), "Li\xc3\xa8ge");
	CU_ASSERT_PTR_NULL(req_param(&req, "unread"));
	CU_ASSERT_EQUAL(req.form.n, 0);
	CU_ASSERT_STRING_EQUAL(params_get(&req.cookies, "sid"), "tok");
	CU_ASSERT_STRING_EQUAL(params_get(&req.cookies, "tk_v"), "abc");
	CU_ASSERT_EQUAL(f.reads, 0); /* a GET body is never read */
}

static void
test_defaults(void)
{
	static const char *const env[] = {
	    "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/", "HTTPS", "", NULL,
	};
	static const char *const bad_id[] = {
	    "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/", "REQUEST_ID", "x y\r\n", NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL_FATAL(run(env, NULL, &f), TK_OK);
	CU_ASSERT_STRING_EQUAL(req.request_id, "-");
	CU_ASSERT_STRING_EQUAL(req.remote_addr, "-");
	CU_ASSERT_EQUAL(req.https, 0);
	CU_ASSERT_EQUAL(req.query.n, 0);
	CU_ASSERT_EQUAL(req.cookies.n, 0);
	CU_ASSERT_EQUAL_FATAL(run(bad_id, NULL, &f), TK_OK);
	CU_ASSERT_STRING_EQUAL(req.request_id, "-");
}

static void
test_bad_request_line(void)
{
	static const char *const no_method[] = {"DOCUMENT_URI", "/", NULL};
	static const char *const no_path[] = {"REQUEST_METHOD", "GET", NULL};
	static const char *const rel_path[] = {"REQUEST_METHOD", "GET", "DOCUMENT_URI", "a/b",
					       NULL};
	static const char *const empty_path[] = {"REQUEST_METHOD", "GET", "DOCUMENT_URI", "", NULL};
	static const char *const ctl_path[] = {"REQUEST_METHOD", "GET", "DOCUMENT_URI", "/a\nb",
					       NULL};
	static const char *const utf_path[] = {"REQUEST_METHOD", "GET", "DOCUMENT_URI", "/\xc0\xaf",
					       NULL};
	static const char *const bad_query[] = {
	    "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/", "QUERY_STRING", "a=%zz", NULL};
	static const char *const bad_cookie[] = {"REQUEST_METHOD",
						 "GET",
						 "DOCUMENT_URI",
						 "/",
						 "HTTP_COOKIE",
						 "a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;"
						 "a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;"
						 "a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a;a",
						 NULL};
	struct fake f;

	CU_ASSERT_EQUAL(run(no_method, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(no_path, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(rel_path, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(empty_path, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(ctl_path, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(utf_path, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(bad_query, NULL, &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(bad_cookie, NULL, &f), TK_EINVAL);
}

static void
test_post_form(void)
{
	static const char *const env[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/auth/signin",
	    "QUERY_STRING",
	    "next=%2Forders&email=query%40example.com",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "62",
	    NULL,
	};
	const char *body = "email=ada%40example.com&password=p%C3%A4ss+word&csrf_token=t0k";
	struct fake f;

	CU_ASSERT_EQUAL_FATAL(strlen(body), 62);
	CU_ASSERT_EQUAL_FATAL(run(env, body, &f), TK_OK);
	CU_ASSERT(f.reads >= 9); /* 7-byte chunks: partial reads are joined */
	CU_ASSERT_EQUAL(req.form.n, 3);
	CU_ASSERT_STRING_EQUAL(req_param(&req, "password"), "p\xc3\xa4ss word");
	/* The form wins over the query; the query fills in the rest. */
	CU_ASSERT_STRING_EQUAL(req_param(&req, "email"), "ada@example.com");
	CU_ASSERT_STRING_EQUAL(req_param(&req, "next"), "/orders");
	CU_ASSERT_STRING_EQUAL(req_param(&req, "csrf_token"), "t0k");
}

static void
test_post_charset(void)
{
	static const char *const types[] = {
	    "application/x-www-form-urlencoded; charset=UTF-8",
	    "Application/X-WWW-Form-Urlencoded;charset=utf-8",
	    "application/x-www-form-urlencoded ; charset=\"utf-8\" ",
	};
	const char *env[] = {
	    "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/x", "CONTENT_TYPE", NULL,
	    "CONTENT_LENGTH", "3",    NULL,
	};
	struct fake f;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		env[5] = types[i];
		CU_ASSERT_EQUAL(run(env, "a=1", &f), TK_OK);
		CU_ASSERT_STRING_EQUAL(req_param(&req, "a"), "1");
	}
}

static void
test_post_empty(void)
{
	static const char *const zero[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/auth/signout",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "0",
	    NULL,
	};
	static const char *const none[] = {
	    "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/auth/signout", "CONTENT_LENGTH", "", NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL(run(zero, NULL, &f), TK_OK);
	CU_ASSERT_EQUAL(req.form.n, 0);
	CU_ASSERT_EQUAL(f.reads, 0);
	CU_ASSERT_EQUAL(run(none, NULL, &f), TK_OK);
	CU_ASSERT_EQUAL(req.form.n, 0);
}

static void
test_post_too_big(void)
{
	static const char *const env[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "65537",
	    NULL,
	};
	static const char *const huge[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "99999999999999999999999999999",
	    NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL(run(env, "a=1", &f), TK_ETOOBIG);
	CU_ASSERT_EQUAL(f.reads, 0);
	CU_ASSERT_EQUAL(run(huge, "a=1", &f), TK_ETOOBIG);
	CU_ASSERT_EQUAL(f.reads, 0);
}

static void
test_post_exact_limit(void)
{
	static char body[REQ_MAX_BODY + 1];
	static const char *const env[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "65536",
	    NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL_FATAL(REQ_MAX_BODY, 65536);
	memset(body, 'a', REQ_MAX_BODY);
	body[0] = 'n';
	body[1] = '=';
	CU_ASSERT_EQUAL(run(env, body, &f), TK_OK);
	CU_ASSERT_EQUAL_FATAL(req.form.n, 1);
	CU_ASSERT_EQUAL(req.form.v[0].value_len, REQ_MAX_BODY - 2);
}

static void
test_post_unsupported(void)
{
	static const char *const types[] = {
	    "multipart/form-data; boundary=xyz",
	    "application/jsonX",
	    "text/plain",
	    "application/x-www-form-urlencodedX",
	    "application/x-www-form-urlencoded; charset=iso-8859-1",
	    "application/x-www-form-urlencoded; boundary=1",
	};
	const char *env[] = {
	    "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/x", "CONTENT_TYPE", NULL,
	    "CONTENT_LENGTH", "3",    NULL,
	};
	static const char *const no_type[] = {
	    "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/x", "CONTENT_LENGTH", "3", NULL,
	};
	struct fake f;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		env[5] = types[i];
		CU_ASSERT_EQUAL(run(env, "a=1", &f), TK_EUNSUPPORTED);
		CU_ASSERT_EQUAL(f.reads, 0);
	}
	CU_ASSERT_EQUAL(run(no_type, "a=1", &f), TK_EUNSUPPORTED);
	CU_ASSERT_EQUAL(f.reads, 0);
}

/* A JSON body is kept whole and unparsed, for a machine endpoint. */
static void
test_post_json(void)
{
	static const char *const env[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/json; charset=utf-8",
	    "CONTENT_LENGTH",
	    "8",
	    NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL(run(env, "{\"a\": 1}", &f), TK_OK);
	CU_ASSERT_EQUAL(req.form.n, 0);
	CU_ASSERT_EQUAL_FATAL(req.raw_len, 8);
	CU_ASSERT_STRING_EQUAL(req.raw_body, "{\"a\": 1}");
}

static void
test_post_short_or_bad(void)
{
	static const char *const short_env[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "20",
	    NULL,
	};
	static const char *const bad_len[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "-1",
	    NULL,
	};
	static const char *const bad_len2[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "1e3",
	    NULL,
	};
	static const char *const bad_body[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "5",
	    NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL(run(short_env, "a=1&b=2", &f), TK_EINVAL);
	CU_ASSERT(f.reads >= 2); /* it read what there was, then saw the end */
	CU_ASSERT_EQUAL(run(bad_len, "a=1", &f), TK_EINVAL);
	CU_ASSERT_EQUAL(f.reads, 0);
	CU_ASSERT_EQUAL(run(bad_len2, "a=1", &f), TK_EINVAL);
	CU_ASSERT_EQUAL(run(bad_body, "a=%zz", &f), TK_EINVAL);
}

/* Reads are confined to CONTENT_LENGTH even when the stream holds more. */
static void
test_post_extra_ignored(void)
{
	static const char *const env[] = {
	    "REQUEST_METHOD",
	    "POST",
	    "DOCUMENT_URI",
	    "/x",
	    "CONTENT_TYPE",
	    "application/x-www-form-urlencoded",
	    "CONTENT_LENGTH",
	    "3",
	    NULL,
	};
	struct fake f;

	CU_ASSERT_EQUAL(run(env, "a=1&b=2", &f), TK_OK);
	CU_ASSERT_EQUAL(req.form.n, 1);
	CU_ASSERT_EQUAL(f.pos, 3);
}

/* start: a parsed GET or HEAD request ready for a response. */
static void
start(const char *method)
{
	const char *env[] = {"REQUEST_METHOD", method, "DOCUMENT_URI", "/", NULL};
	struct fake f;

	CU_ASSERT_EQUAL_FATAL(run(env, NULL, &f), TK_OK);
}

static void
test_resp_header(void)
{
	start("GET");
	CU_ASSERT_EQUAL(resp_header(&req, "X-Frame-Options", "DENY"), TK_OK);
	CU_ASSERT_EQUAL(resp_header(&req, "X-Test", "a\r\nSet-Cookie: evil=1"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X-Test", "a\nb"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X-Test", "a\rb"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X-Test", "a\tb"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X-Test", "a\x7f"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X-Test\r\nA", "b"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X Test", "b"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "X:Test", "b"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_header(&req, "", "b"), TK_EINVAL);
	CU_ASSERT_STRING_EQUAL(req.headers.data, "X-Frame-Options: DENY\r\n");
	/* UTF-8 in a value is not a control byte. */
	CU_ASSERT_EQUAL(resp_header(&req, "X-Name", "Li\xc3\xa8ge"), TK_OK);
}

static void
test_resp_redirect(void)
{
	start("POST");
	CU_ASSERT_EQUAL(resp_redirect(&req, "//evil.example"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_redirect(&req, "https://x"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_redirect(&req, "/\\evil.example"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_redirect(&req, "evil"), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_redirect(&req, ""), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_redirect(&req, "/a\r\nSet-Cookie: x=1"), TK_EINVAL);
	CU_ASSERT_EQUAL(req.status, 200);
	CU_ASSERT_EQUAL(req.headers.len, 0);
	CU_ASSERT_EQUAL(resp_redirect(&req, "/orders/1?x=1"), TK_OK);
	CU_ASSERT_EQUAL(req.status, 303);
	CU_ASSERT_STRING_EQUAL(req.headers.data, "Location: /orders/1?x=1\r\n");
	start("POST");
	CU_ASSERT_EQUAL(resp_redirect(&req, "/"), TK_OK);
}

static void
test_resp_cookie(void)
{
	start("GET");
	CU_ASSERT_EQUAL(resp_cookie(&req, "sid", "a;b", -1, 0), TK_EINVAL);
	CU_ASSERT_EQUAL(resp_cookie(&req, "sid", "abc", 60, COOKIE_HTTPONLY), TK_OK);
	CU_ASSERT_STRING_EQUAL(req.headers.data,
			       "Set-Cookie: sid=abc; Path=/; Max-Age=60; HttpOnly\r\n");
}

static void
test_resp_header_remove(void)
{
	start("GET");
	resp_header_remove(&req, "Set-Cookie"); /* no header yet */
	CU_ASSERT_EQUAL(req.headers.len, 0);
	CU_ASSERT_EQUAL(resp_cookie(&req, "a", "1", -1, 0), TK_OK);
	CU_ASSERT_EQUAL(resp_header(&req, "Cache-Control", "private, no-store"), TK_OK);
	CU_ASSERT_EQUAL(resp_header(&req, "set-cookie", "b=2"), TK_OK);
	CU_ASSERT_EQUAL(resp_header(&req, "Set-Cookie-Like", "c"), TK_OK);
	CU_ASSERT_EQUAL(resp_cookie(&req, "d", "4", -1, 0), TK_OK);
	resp_header_remove(&req, "Set-Cookie");
	CU_ASSERT_STRING_EQUAL(req.headers.data, "Cache-Control: private, no-store\r\n"
						 "Set-Cookie-Like: c\r\n");
	CU_ASSERT_EQUAL(req.headers.len, strlen(req.headers.data));
	resp_header_remove(&req, "cache-control");
	resp_header_remove(&req, "Set-Cookie-Like");
	CU_ASSERT_EQUAL(req.headers.len, 0);
	CU_ASSERT_STRING_EQUAL(req.headers.data, "");
	CU_ASSERT_EQUAL(resp_header(&req, "X-A", "1"), TK_OK);
	CU_ASSERT_STRING_EQUAL(req.headers.data, "X-A: 1\r\n");
}

static void
test_resp_serialize(void)
{
	struct buf out = {0};
	int i;

	start("GET");
	resp_status(&req, 404);
	CU_ASSERT_EQUAL(resp_header(&req, "X-A", "1"), TK_OK);
	resp_html(&req, "<p>no</p>", 9);
	resp_html(&req, "\n", 1);
	resp_serialize(&req, &out);
	CU_ASSERT_STRING_EQUAL(out.data, "Status: 404 Not Found\r\n"
					 "X-A: 1\r\n"
					 "Content-Type: text/html; charset=utf-8\r\n"
					 "\r\n"
					 "<p>no</p>\n");
	buf_free(&out);

	start("HEAD");
	resp_html(&req, "body", 4);
	resp_serialize(&req, &out);
	CU_ASSERT_STRING_EQUAL(out.data, "Status: 200 OK\r\n"
					 "Content-Type: text/html; charset=utf-8\r\n"
					 "\r\n");
	buf_free(&out);

	start("POST");
	CU_ASSERT_EQUAL(resp_redirect(&req, "/done"), TK_OK);
	resp_serialize(&req, &out);
	CU_ASSERT_STRING_EQUAL(out.data, "Status: 303 See Other\r\nLocation: /done\r\n\r\n");
	buf_free(&out);

	/* Every status the project answers has its phrase; others become 500. */
	{
		static const struct {
			int status;
			const char *line;
		} lines[] = {
		    {200, "Status: 200 OK\r\n"},
		    {303, "Status: 303 See Other\r\n"},
		    {400, "Status: 400 Bad Request\r\n"},
		    {403, "Status: 403 Forbidden\r\n"},
		    {404, "Status: 404 Not Found\r\n"},
		    {405, "Status: 405 Method Not Allowed\r\n"},
		    {409, "Status: 409 Conflict\r\n"},
		    {413, "Status: 413 Content Too Large\r\n"},
		    {415, "Status: 415 Unsupported Media Type\r\n"},
		    {422, "Status: 422 Unprocessable Content\r\n"},
		    {429, "Status: 429 Too Many Requests\r\n"},
		    {500, "Status: 500 Internal Server Error\r\n"},
		    {503, "Status: 503 Service Unavailable\r\n"},
		    {0, "Status: 500 Internal Server Error\r\n"},
		    {799, "Status: 500 Internal Server Error\r\n"},
		};

		for (i = 0; i < (int)(sizeof(lines) / sizeof(lines[0])); i++) {
			start("GET");
			resp_status(&req, lines[i].status);
			resp_serialize(&req, &out);
			CU_ASSERT_EQUAL(out.len, strlen(lines[i].line) + 2);
			CU_ASSERT_NSTRING_EQUAL(out.data, lines[i].line, strlen(lines[i].line));
			buf_free(&out);
		}
	}
}

/* req_local_path: the return paths auth's renewal and sign-in accept. */
static void
test_local_path(void)
{
	static const char *good[] = {"/",         "/events/new",     "/events?q=jazz&page=2",
				     "/a%2F%2Fb", "/venues#venue-1", "/auth/account"};
	static const char *bad[] = {
	    "https://evil.example/",
	    "http://evil.example",
	    "//evil.example",
	    "///evil.example",
	    "/\\evil.example",
	    "\\evil.example",
	    "evil.example",
	    "",
	    "javascript:alert(1)",
	    "/a b",
	    "/a\tb",
	    "/a\r\nSet-Cookie: x=1",
	    "/caf\xc3\xa9",
	    "/a\\b",
	    " /",
	    "/\x7f",
	};
	char longest[REQ_LOCAL_PATH_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(req_local_path(good[i]), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(req_local_path(bad[i]), 0);
		if (req_local_path(bad[i]))
			fprintf(stderr, "accepted: %s\n", bad[i]);
	}
	CU_ASSERT_EQUAL(req_local_path(NULL), 0);
	longest[0] = '/';
	memset(longest + 1, 'a', REQ_LOCAL_PATH_MAX - 1);
	longest[REQ_LOCAL_PATH_MAX] = '\0';
	CU_ASSERT_EQUAL(req_local_path(longest), 1);
	longest[REQ_LOCAL_PATH_MAX] = 'a';
	longest[REQ_LOCAL_PATH_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(req_local_path(longest), 0);
}

/* Over https (the HTTPS parameter "on"): Secure cookies under "__Host-"
 * names, and HSTS; over http neither. */
static void
test_https_transport(void)
{
	static const char *const https_env[] = {
	    "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/", "HTTPS", "on", NULL};
	static const char *const http_env[] = {"REQUEST_METHOD", "GET", "DOCUMENT_URI", "/", NULL};
	struct fake f;

	CU_ASSERT_EQUAL_FATAL(run(https_env, NULL, &f), TK_OK);
	CU_ASSERT_EQUAL(req.https, 1);
	app_transport(&req);
	CU_ASSERT(req.cookie_flags & COOKIE_SECURE);
	CU_ASSERT(req.cookie_flags & COOKIE_HTTPONLY);
	CU_ASSERT_STRING_EQUAL(app_cookie_name(&req, APP_SESSION_COOKIE), "__Host-tk_session");
	CU_ASSERT_STRING_EQUAL(app_cookie_name(&req, APP_VISITOR_COOKIE), "__Host-tk_visitor");
	app_end_session(&req);
	CU_ASSERT_STRING_EQUAL(req.headers.data,
			       "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
			       "Set-Cookie: __Host-tk_session=; Path=/; Max-Age=0; "
			       "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; "
			       "SameSite=Lax\r\n");
	CU_ASSERT_PTR_NULL(strstr(req.headers.data, "Domain="));

	CU_ASSERT_EQUAL_FATAL(run(http_env, NULL, &f), TK_OK);
	CU_ASSERT_EQUAL(req.https, 0);
	app_transport(&req);
	CU_ASSERT_FALSE(req.cookie_flags & COOKIE_SECURE);
	CU_ASSERT_STRING_EQUAL(app_cookie_name(&req, APP_SESSION_COOKIE), "tk_session");
	app_end_session(&req);
	CU_ASSERT_STRING_EQUAL(req.headers.data, "Set-Cookie: tk_session=; Path=/; Max-Age=0; "
						 "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; "
						 "SameSite=Lax\r\n");
}

static const struct cu_test req_tests[] = {
    {"GET with query and cookies", test_get},
    {"defaults", test_defaults},
    {"bad request line", test_bad_request_line},
    {"POST form", test_post_form},
    {"POST charset", test_post_charset},
    {"POST empty", test_post_empty},
    {"POST too big (413, unread)", test_post_too_big},
    {"POST at the size limit", test_post_exact_limit},
    {"POST unsupported type (415)", test_post_unsupported},
    {"POST JSON kept raw", test_post_json},
    {"POST short or bad body", test_post_short_or_bad},
    {"POST extra bytes ignored", test_post_extra_ignored},
    {"resp_header", test_resp_header},
    {"resp_redirect", test_resp_redirect},
    {"resp_cookie", test_resp_cookie},
    {"resp_header_remove", test_resp_header_remove},
    {"resp_serialize", test_resp_serialize},
    {"local return paths", test_local_path},
    {"https: __Host- cookies and HSTS", test_https_transport},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"req", setup, teardown, req_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
