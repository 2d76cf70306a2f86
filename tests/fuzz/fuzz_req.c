/*
 * Fuzz target for req_parse (lib/req.c), the first code every request
 * reaches, through its injectable environment. The input is nine
 * NUL-terminated strings, the FastCGI parameters REQUEST_METHOD,
 * DOCUMENT_URI, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, HTTP_COOKIE,
 * REQUEST_ID, REMOTE_ADDR and HTTPS in that order, then the body: all the
 * bytes after the ninth NUL. A parameter the input ends before is absent
 * (NULL), as a parameter nginx does not send. The body is handed out in
 * pieces of varying size, as FCGX_GetStr may.
 *
 * Beyond not crashing, req_parse's contract must hold: only its four
 * answers; on TK_OK the method is a token, the path absolute, valid UTF-8
 * and free of control bytes, the request id "-" or a short token, the
 * remote address free of control bytes, every parameter valid UTF-8; a
 * POST body is read only after its length and type passed, never beyond
 * CONTENT_LENGTH, and anything but a POST has no form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "form.h"
#include "fuzz.h"
#include "params.h"
#include "req.h"
#include "text.h"

static const char *const names[] = {
    "REQUEST_METHOD", "DOCUMENT_URI", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
    "HTTP_COOKIE",    "REQUEST_ID",   "REMOTE_ADDR",  "HTTPS",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* The input split up: the parameters and the body still to read. */
struct input {
	const char *params[NNAMES];
	const char *body;
	size_t body_len, read, reads;
};

static const char *
env(const char *name, void *ctx)
{
	struct input *in = ctx;
	size_t i;

	for (i = 0; i < NNAMES; i++)
		if (strcmp(name, names[i]) == 0)
			return in->params[i];
	return NULL;
}

/* read_body: up to n bytes, at most 1 + (calls so far * 7 % 1000) at a time. */
static int
read_body(void *ctx, char *buf, int n)
{
	struct input *in = ctx;
	size_t k = in->body_len - in->read, most = 1 + in->reads * 7 % 1000;

	if (n <= 0)
		abort();
	if (k > (size_t)n)
		k = (size_t)n;
	if (k > most)
		k = most;
	memcpy(buf, in->body + in->read, k);
	in->read += k;
	in->reads++;
	return (int)k;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(((unsigned char)*s >= '0' && (unsigned char)*s <= '9') ||
		      ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
		      strchr("!#$%&'*+-.^_`|~", *s) != NULL))
			return 0;
	return 1;
}

static void
check_params(const struct params *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strlen(p->v[i].value) != p->v[i].value_len ||
		    !utf8_valid(p->v[i].name, strlen(p->v[i].name)) ||
		    !utf8_valid(p->v[i].value, p->v[i].value_len))
			abort();
}

/* check_request: abort when r, parsed from in with answer rc, breaks
 * req_parse's contract. */
static void
check_request(const struct request *r, const struct input *in, int rc)
{
	const char *length = in->params[4];

	if (rc != TK_OK && rc != TK_EINVAL && rc != TK_ETOOBIG && rc != TK_EUNSUPPORTED)
		abort();
	if (r->status != 200)
		abort();
	/* Nothing of the body is read before its length and type passed. */
	if ((rc == TK_ETOOBIG || rc == TK_EUNSUPPORTED) && in->read != 0)
		abort();
	if (length == NULL && in->read != 0)
		abort();
	if (length != NULL && in->read > strtoul(length, NULL, 10))
		abort();
	if (rc != TK_OK)
		return;
	if (!token(r->method) || r->path[0] != '/' || has_control(r->path) ||
	    !utf8_valid(r->path, strlen(r->path)))
		abort();
	if (strcmp(r->request_id, "-") != 0 &&
	    (!token(r->request_id) || strlen(r->request_id) > 64))
		abort();
	if (*r->remote_addr == '\0' || has_control(r->remote_addr))
		abort();
	check_params(&r->query);
	check_params(&r->form);
	if (strcmp(r->method, "POST") != 0 && (r->form.n != 0 || in->read != 0))
		abort();
	if (r->form.n > 0 && in->read != strtoul(length, NULL, 10))
		abort();
}

/* fuzz_accepts (fuzz.h): 1 when req_parse answers TK_OK, 0 for its
 * refusals; aborts on another answer or a broken promise. */
int
fuzz_accepts(const uint8_t *data, size_t size)
{
	struct input in;
	struct request r;
	const char *p, *end;
	char *copy = NULL;
	size_t i;
	int rc;

	memset(&in, 0, sizeof(in));
	/* A copy ending in NUL, so the last parameter is a string too. */
	copy = malloc(size + 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	p = copy;
	end = copy + size;
	for (i = 0; i < NNAMES && p < end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (nul == NULL)
			break;
		in.params[i] = p;
		p = nul + 1;
	}
	in.body = i == NNAMES ? p : end;
	in.body_len = (size_t)(end - in.body);

	memset(&r, 0, sizeof(r));
	r.arena = arena_new();
	rc = req_parse(&r, env, read_body, &in);
	check_request(&r, &in, rc);
	req_free(&r);
	arena_free(r.arena);
	free(copy);
	return rc == TK_OK;
}
