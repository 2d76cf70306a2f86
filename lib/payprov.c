/*
 * The provider interface (payprov.h) and its one implementation, the
 * sandbox provider's client: form-encoded POSTs to
 * <base_url>/sandbox-pay/api/... with libcurl, the API key as bearer, and
 * a strict reader of the "key=value" answers (docs/PAYMENTS.md,
 * "Server-to-server API"). A second provider would put its own calls
 * behind the same functions, chosen by conf->provider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "err.h"
#include "payprov.h"
#include "xalloc.h"

/* How long one API call may take. */
#define CALL_TIMEOUT_MS 10000L
/* The longest answer read; the API's are a few lines. */
#define ANSWER_MAX 4096
#define MAX_LINES 8

struct payprov {
	CURL *curl;
	char *base_url;
	char bearer[sizeof("Authorization: Bearer ") + 2 * PAYPROV_API_KEY_LEN];
	unsigned char secret[PAYSIG_KEY_LEN];
	int has_secret;
};

int
payprov_open(const struct payprov_conf *conf, struct payprov **out)
{
	struct payprov *p = NULL;
	char hex[2 * PAYPROV_API_KEY_LEN + 1];
	int rc = TK_ECONFIG;

	*out = NULL;
	if (conf->provider == NULL || strcmp(conf->provider, "sandbox") != 0 ||
	    conf->base_url == NULL || *conf->base_url == '\0' || conf->api_key == NULL)
		goto out;
	p = xcalloc(1, sizeof(*p));
	if ((p->curl = curl_easy_init()) == NULL)
		goto out;
	p->base_url = xstrdup(conf->base_url);
	sodium_bin2hex(hex, sizeof(hex), conf->api_key, PAYPROV_API_KEY_LEN);
	snprintf(p->bearer, sizeof(p->bearer), "Authorization: Bearer %s", hex);
	sodium_memzero(hex, sizeof(hex));
	if (conf->webhook_secret != NULL) {
		memcpy(p->secret, conf->webhook_secret, PAYSIG_KEY_LEN);
		p->has_secret = 1;
	}
	*out = p;
	p = NULL;
	rc = TK_OK;
out:
	payprov_close(p);
	return rc;
}

void
payprov_close(struct payprov *p)
{
	if (p == NULL)
		return;
	if (p->curl != NULL)
		curl_easy_cleanup(p->curl);
	free(p->base_url);
	sodium_memzero(p, sizeof(*p));
	free(p);
}

/* collect: libcurl's write callback: the answer into a struct buf, at
 * most ANSWER_MAX bytes (more fails the transfer). */
static size_t
collect(char *ptr, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;

	if (b->len + size * n > ANSWER_MAX)
		return 0;
	buf_append(b, ptr, size * n);
	return size * n;
}

/* One "key=value" line of an answer, pointing into it. */
struct line {
	const char *key, *value;
};

/*
 * parse: answer text (NUL-terminated, modified) into lines: each
 * "key=value\n", keys [a-z_]+, values of printable ASCII without spaces,
 * the last line ended too. The count, or -1 when malformed.
 */
static int
parse(char *text, struct line *l, int max)
{
	char *p = text, *nl, *eq;
	int n = 0;

	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL || n == max)
			return -1;
		*nl = '\0';
		if ((eq = strchr(p, '=')) == NULL || eq == p)
			return -1;
		*eq = '\0';
		if (strspn(p, "abcdefghijklmnopqrstuvwxyz_") != (size_t)(eq - p))
			return -1;
		for (const char *v = eq + 1; *v != '\0'; v++)
			if (*v <= ' ' || *v > '~')
				return -1;
		l[n].key = p;
		l[n++].value = eq + 1;
		p = nl + 1;
	}
	return n;
}

/* want: the value of line i when its key is key, else NULL. */
static const char *
want(const struct line *l, int n, int i, const char *key)
{
	return i < n && strcmp(l[i].key, key) == 0 ? l[i].value : NULL;
}

/* copy_id: value into out (UUID_STR_LEN + 1 bytes) when it is a UUID. */
static int
copy_id(const char *value, char *out)
{
	if (value == NULL || !uuid_valid(value))
		return TK_EIO;
	memcpy(out, value, UUID_STR_LEN + 1);
	return TK_OK;
}

/* status_rc: the error code of an API answer's HTTP status. */
static int
status_rc(long status)
{
	switch (status) {
	case 200:
		return TK_OK;
	case 400:
		return TK_EINVAL;
	case 401:
		return TK_EAUTH;
	case 404:
		return TK_ENOTFOUND;
	case 409:
		return TK_ECONFLICT;
	default:
		return TK_EIO;
	}
}

/*
 * call: POST the form fields names[i]=values[i] (i < n) to the API path
 * and parse a 200 answer into l (up to MAX_LINES) and *nlines; the text
 * lives in *answer (the caller frees it). TK_OK or an error of the
 * status (payprov.h).
 */
static int
call(struct payprov *p, const char *path, const char *const *names, const char *const *values,
     int n, struct buf *answer, struct line *l, int *nlines)
{
	struct buf url = {0}, form = {0};
	struct curl_slist *h = NULL;
	long status = 0;
	char *esc;
	int i, rc = TK_EIO;

	buf_printf(&url, "%s%s", p->base_url, path);
	for (i = 0; i < n; i++) {
		esc = curl_easy_escape(p->curl, values[i], 0);
		if (esc == NULL)
			goto out;
		buf_printf(&form, "%s%s=%s", i > 0 ? "&" : "", names[i], esc);
		curl_free(esc);
	}
	h = curl_slist_append(h, p->bearer);
	h = curl_slist_append(h, "Expect:");
	curl_easy_reset(p->curl);
	curl_easy_setopt(p->curl, CURLOPT_URL, url.data);
	curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(p->curl, CURLOPT_POSTFIELDS, form.data != NULL ? form.data : "");
	curl_easy_setopt(p->curl, CURLOPT_TIMEOUT_MS, CALL_TIMEOUT_MS);
	curl_easy_setopt(p->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(p->curl, CURLOPT_WRITEDATA, answer);
	if (curl_easy_perform(p->curl) != CURLE_OK)
		goto out;
	curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &status);
	if ((rc = status_rc(status)) != TK_OK)
		goto out;
	buf_append(answer, "", 1);
	*nlines = parse(answer->data, l, MAX_LINES);
	rc = *nlines >= 0 ? TK_OK : TK_EIO;
out:
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&form);
	return rc;
}

int
payprov_checkout(struct payprov *p, const char *order_id, int64_t amount, const char *currency,
		 const char *return_url, const char *key, struct payprov_session *s)
{
	static const char *const names[] = {"order_id", "amount", "currency", "return_url",
					    "idempotency_key"};
	char minor[24];
	const char *values[] = {order_id, minor, currency, return_url, key}, *url;
	struct line l[MAX_LINES];
	struct buf answer = {0};
	int n = 0, rc;

	memset(s, 0, sizeof(*s));
	snprintf(minor, sizeof(minor), "%lld", (long long)amount);
	rc = call(p, "/sandbox-pay/api/sessions", names, values, 5, &answer, l, &n);
	if (rc == TK_OK)
		rc = copy_id(want(l, n, 0, "session_id"), s->id);
	url = want(l, n, 1, "url");
	if (rc == TK_OK && (url == NULL || strlen(url) > PAYPROV_URL_MAX))
		rc = TK_EIO;
	if (rc == TK_OK)
		strcpy(s->url, url);
	buf_free(&answer);
	return rc;
}

/* charge_op: POST .../charges/<id>/<op> with key (and amount); state is
 * the answer's state on success; refund_id (when not NULL) gets the
 * refund's id. */
static int
charge_op(struct payprov *p, const char *op, const char *state, const char *charge_id,
	  const char *key, int64_t amount, char *refund_id)
{
	static const char *const names[] = {"idempotency_key", "amount"};
	char path[128], minor[24];
	const char *values[] = {key, minor};
	struct line l[MAX_LINES];
	struct buf answer = {0};
	int n = 0, i = 1, rc = TK_ENOTFOUND;

	if (charge_id == NULL || !uuid_valid(charge_id))
		goto out;
	snprintf(path, sizeof(path), "/sandbox-pay/api/charges/%s/%s", charge_id, op);
	snprintf(minor, sizeof(minor), "%lld", (long long)amount);
	rc = call(p, path, names, values, refund_id != NULL ? 2 : 1, &answer, l, &n);
	if (rc == TK_OK && (want(l, n, 0, "charge_id") == NULL ||
			    strcmp(want(l, n, 0, "charge_id"), charge_id) != 0))
		rc = TK_EIO;
	if (rc == TK_OK && refund_id != NULL)
		rc = copy_id(want(l, n, i++, "refund_id"), refund_id);
	if (rc == TK_OK && (want(l, n, i, "state") == NULL || strcmp(l[i].value, state) != 0))
		rc = TK_EIO;
out:
	buf_free(&answer);
	return rc;
}

int
payprov_capture(struct payprov *p, const char *charge_id, const char *key)
{
	return charge_op(p, "capture", "captured", charge_id, key, 0, NULL);
}

int
payprov_void(struct payprov *p, const char *charge_id, const char *key)
{
	return charge_op(p, "void", "voided", charge_id, key, 0, NULL);
}

int
payprov_refund(struct payprov *p, const char *charge_id, int64_t amount, const char *key,
	       char *refund_id)
{
	refund_id[0] = '\0';
	return charge_op(p, "refund", "refunded", charge_id, key, amount, refund_id);
}

/* str_into: the string member name of o into out (size bytes) when it is
 * a string that fits; TK_EINVAL otherwise. */
static int
str_into(json_t *o, const char *name, char *out, size_t size)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_string(v) || json_string_length(v) >= size ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return TK_EINVAL;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return TK_OK;
}

/* int_of: the integer member name of o into *out; TK_EINVAL otherwise. */
static int
int_of(json_t *o, const char *name, int64_t *out)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_integer(v))
		return TK_EINVAL;
	*out = json_integer_value(v);
	return TK_OK;
}

int
payprov_verify(struct payprov *p, const char *header, const char *body, size_t len, int64_t now,
	       struct payprov_event *ev)
{
	json_t *root = NULL, *data;
	int rc = TK_ECONFIG;

	memset(ev, 0, sizeof(*ev));
	if (!p->has_secret)
		goto out;
	rc = paysig_verify(p->secret, header, body, len, now, PAYSIG_TOLERANCE, NULL);
	if (rc != TK_OK)
		goto out;
	rc = TK_EINVAL;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	data = json_object_get(root, "data");
	if (!json_is_object(root) || !json_is_object(data))
		goto out;
	if (str_into(root, "id", ev->id, sizeof(ev->id)) != TK_OK || !uuid_valid(ev->id) ||
	    str_into(root, "type", ev->type, sizeof(ev->type)) != TK_OK ||
	    int_of(root, "created", &ev->created) != TK_OK ||
	    str_into(data, "session_id", ev->session_id, sizeof(ev->session_id)) != TK_OK ||
	    !uuid_valid(ev->session_id) ||
	    str_into(data, "charge_id", ev->charge_id, sizeof(ev->charge_id)) != TK_OK ||
	    !uuid_valid(ev->charge_id) ||
	    str_into(data, "order_id", ev->order_id, sizeof(ev->order_id)) != TK_OK ||
	    !uuid_valid(ev->order_id) ||
	    str_into(data, "currency", ev->currency, sizeof(ev->currency)) != TK_OK ||
	    str_into(data, "failure_code", ev->failure_code, sizeof(ev->failure_code)) != TK_OK ||
	    int_of(data, "amount", &ev->amount) != TK_OK || ev->amount <= 0)
		goto out;
	if (strcmp(ev->type, "charge.authorized") != 0 && strcmp(ev->type, "charge.failed") != 0)
		goto out;
	rc = TK_OK;
out:
	json_decref(root);
	if (rc != TK_OK)
		memset(ev, 0, sizeof(*ev));
	return rc;
}
