/*
 * Mail delivery over SMTP with libcurl (smtp.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "err.h"
#include "smtp.h"
#include "xalloc.h"

#define CONNECT_TIMEOUT_MS 10000
#define TIMEOUT_MS 60000
/* How long an idle SMTP session may wait for the next mail. */
#define SMTP_IDLE_REUSE_S 10

struct smtp {
	CURL *curl;
	char *url, *user, *password;
	enum smtp_tls tls;
	long connect_timeout_ms, timeout_ms;
	/* Of the attempt in progress. */
	enum smtp_stage stage;
	int closing;     /* QUIT sent: what follows says nothing of the mail */
	char reply[160]; /* the server's last reply line */
	const char *msg;
	size_t len, off;
};

int
smtp_tls_parse(const char *s, enum smtp_tls *out)
{
	if (strcmp(s, "none") == 0)
		*out = SMTP_TLS_NONE;
	else if (strcmp(s, "try") == 0)
		*out = SMTP_TLS_TRY;
	else if (strcmp(s, "all") == 0)
		*out = SMTP_TLS_ALL;
	else
		return TK_EINVAL;
	return TK_OK;
}

int
smtp_open(const struct smtp_conf *conf, struct smtp **out)
{
	struct smtp *s;

	*out = NULL;
	if (conf->url == NULL ||
	    (strncmp(conf->url, "smtp://", 7) != 0 && strncmp(conf->url, "smtps://", 8) != 0))
		return TK_ECONFIG;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return TK_ECONFIG;
	s = xcalloc(1, sizeof(*s));
	s->curl = curl_easy_init();
	if (s->curl == NULL) {
		free(s);
		return TK_ECONFIG;
	}
	s->url = xstrdup(conf->url);
	s->user = xstrdup(conf->user != NULL ? conf->user : "");
	s->password = xstrdup(conf->password != NULL ? conf->password : "");
	s->tls = conf->tls;
	s->connect_timeout_ms =
	    conf->connect_timeout_ms > 0 ? conf->connect_timeout_ms : CONNECT_TIMEOUT_MS;
	s->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms : TIMEOUT_MS;
	*out = s;
	return TK_OK;
}

void
smtp_close(struct smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s->url);
	free(s->user);
	if (s->password != NULL)
		memset(s->password, 0, strlen(s->password));
	free(s->password);
	free(s);
}

enum smtp_stage
smtp_stage_of(const char *line, size_t len)
{
	if (len >= 4 && strncasecmp(line, "RCPT", 4) == 0)
		return SMTP_STAGE_RCPT;
	if (len >= 4 && strncasecmp(line, "DATA", 4) == 0)
		return SMTP_STAGE_DATA;
	return SMTP_STAGE_SESSION;
}

enum smtp_outcome
smtp_classify(int curl_code, long code, enum smtp_stage stage)
{
	if (curl_code == CURLE_OK)
		return SMTP_SENT;
	/* The server refused this mail for good: its recipient or content. */
	if (code >= 500 && code <= 599 && stage != SMTP_STAGE_SESSION &&
	    curl_code != CURLE_OPERATION_TIMEDOUT && curl_code != CURLE_COULDNT_CONNECT)
		return SMTP_PERMANENT;
	/* Everything else may pass later: no connection, a timeout, a 4xx,
	 * a failed TLS or AUTH, a 5xx to the session's set-up. */
	return SMTP_TRANSIENT;
}

/* on_debug: the commands sent (their stage) and the server's last line. */
static int
on_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp *s = arg;
	size_t n, i;

	(void)curl;
	if (s->closing)
		return 0;
	if (type == CURLINFO_HEADER_OUT) {
		/* libcurl ends a failed transaction with QUIT (or RSET on a
		 * reused connection): the failure was the command before. */
		if (size >= 4 &&
		    (strncasecmp(data, "QUIT", 4) == 0 || strncasecmp(data, "RSET", 4) == 0))
			s->closing = 1;
		else
			s->stage = smtp_stage_of(data, size);
	} else if (type == CURLINFO_HEADER_IN) {
		n = size < sizeof(s->reply) - 1 ? size : sizeof(s->reply) - 1;
		for (i = 0; i < n; i++)
			s->reply[i] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : ' ';
		while (n > 0 && s->reply[n - 1] == ' ')
			n--;
		s->reply[n] = '\0';
	}
	return 0;
}

/* on_read: the message, piece by piece (libcurl escapes leading dots). */
static size_t
on_read(char *buffer, size_t size, size_t nitems, void *arg)
{
	struct smtp *s = arg;
	size_t n = size * nitems;

	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(buffer, s->msg + s->off, n);
	s->off += n;
	return n;
}

enum smtp_outcome
smtp_send(struct smtp *s, const char *from, const char *to, const char *msg, size_t len,
	  struct smtp_result *r)
{
	static const long use_ssl[] = {
	    [SMTP_TLS_NONE] = CURLUSESSL_NONE,
	    [SMTP_TLS_TRY] = CURLUSESSL_TRY,
	    [SMTP_TLS_ALL] = CURLUSESSL_ALL,
	};
	char errbuf[CURL_ERROR_SIZE] = "", sender[300];
	struct curl_slist *rcpt = NULL;
	CURLcode cc;
	size_t i;

	memset(r, 0, sizeof(*r));
	s->stage = SMTP_STAGE_SESSION;
	s->closing = 0;
	s->reply[0] = '\0';
	s->msg = msg;
	s->len = len;
	s->off = 0;
	snprintf(sender, sizeof(sender), "<%s>", from);
	{
		char to_arg[300];

		snprintf(to_arg, sizeof(to_arg), "<%s>", to);
		rcpt = curl_slist_append(rcpt, to_arg);
	}
	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, sender);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(s->curl, CURLOPT_USE_SSL, use_ssl[s->tls]);
	if (s->user[0] != '\0') {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD, s->password);
	}
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	/* A session left idle is not reused after SMTP_IDLE_REUSE_S: servers
	 * close idle sessions (maildev after 60 s, answering the next command
	 * with 421), which would fail a mail for nothing. */
	curl_easy_setopt(s->curl, CURLOPT_MAXAGE_CONN, (long)SMTP_IDLE_REUSE_S);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_VERBOSE, 1L);
	cc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &r->code);
	r->outcome = smtp_classify((int)cc, r->code, s->stage);
	if (cc != CURLE_OK)
		snprintf(r->detail, sizeof(r->detail), "%s%s%s",
			 errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc),
			 s->reply[0] != '\0' ? ": " : "", s->reply);
	else
		snprintf(r->detail, sizeof(r->detail), "%s", s->reply);
	for (i = 0; r->detail[i] != '\0'; i++)
		if (r->detail[i] < 0x20 || r->detail[i] >= 0x7f)
			r->detail[i] = ' ';
	curl_slist_free_all(rcpt);
	s->msg = NULL;
	return r->outcome;
}
