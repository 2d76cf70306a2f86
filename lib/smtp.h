/*
 * Mail delivery over SMTP with libcurl (smtp.c), for the notifications
 * worker (docs/MAIL.md). One struct smtp per thread: it keeps one curl
 * handle, whose connection libcurl reuses between mails.
 *
 * URL schemes: smtp://HOST:PORT (STARTTLS as tls says) and
 * smtps://HOST:PORT (TLS from the start). AUTH when a user is given.
 *
 * Every attempt ends in one of three outcomes (smtp_classify):
 *   SMTP_SENT       the server accepted the message (250 after DATA)
 *   SMTP_TRANSIENT  try again later: no connection, a timeout, a 4xx, a
 *                   TLS or AUTH failure, a 5xx to the session's own set-up
 *                   (EHLO, STARTTLS, AUTH, MAIL FROM: the operator's
 *                   configuration, not this mail)
 *   SMTP_PERMANENT  a 5xx answering this mail's recipient (RCPT TO) or its
 *                   content (DATA, the end of data): never sent as it is
 * The last command libcurl sent is read from its debug callback (SMTP
 * commands arrive there as CURLINFO_HEADER_OUT), the server's code from
 * CURLINFO_RESPONSE_CODE.
 */
#ifndef TK_SMTP_H
#define TK_SMTP_H
#include <stddef.h>

enum smtp_tls {
	SMTP_TLS_NONE, /* plain smtp:// (a local catcher) */
	SMTP_TLS_TRY,  /* STARTTLS when the server offers it (CURLUSESSL_TRY) */
	SMTP_TLS_ALL,  /* STARTTLS required (CURLUSESSL_ALL) */
};

enum smtp_outcome { SMTP_SENT, SMTP_TRANSIENT, SMTP_PERMANENT };

/* The command a failure answered, as far as the classification cares. */
enum smtp_stage {
	SMTP_STAGE_SESSION, /* connect, greeting, EHLO, STARTTLS, AUTH, MAIL FROM */
	SMTP_STAGE_RCPT,    /* RCPT TO */
	SMTP_STAGE_DATA,    /* DATA, the message, the end of data */
};

struct smtp_conf {
	const char *url;      /* smtp:// or smtps:// */
	const char *user;     /* "" or NULL: no AUTH */
	const char *password; /* with user */
	enum smtp_tls tls;
	long connect_timeout_ms, timeout_ms; /* 0: 10 s and 60 s */
};

struct smtp_result {
	enum smtp_outcome outcome;
	long code;        /* the server's last code; 0 when it said nothing */
	char detail[200]; /* for the log and the mail's record: printable ASCII */
};

struct smtp;

/* smtp_open: a sender for conf (copied). TK_OK or TK_ECONFIG (not an
 * smtp:// or smtps:// URL, libcurl could not start). */
int smtp_open(const struct smtp_conf *conf, struct smtp **out /* OUT */);
void smtp_close(struct smtp *s);

/*
 * smtp_send: send message msg[0..len) (CRLF line ends, mail.h) from the
 * envelope sender from to the one recipient to, and classify the outcome
 * into *r. Returns r->outcome.
 */
enum smtp_outcome smtp_send(struct smtp *s, const char *from, const char *to, const char *msg,
			    size_t len, struct smtp_result *r /* OUT */);

/* smtp_classify: the outcome of an attempt that ended with libcurl's code
 * curl_code (a CURLcode), the server's last reply code and the stage of
 * the last command sent. Pure. */
enum smtp_outcome smtp_classify(int curl_code, long code, enum smtp_stage stage);

/* smtp_stage_of: the stage of an SMTP command line ("RCPT TO:<a@b>"). */
enum smtp_stage smtp_stage_of(const char *line, size_t len);

/* smtp_tls_parse: "none", "try" or "all" into *out; TK_OK or TK_EINVAL. */
int smtp_tls_parse(const char *s, enum smtp_tls *out);

#endif
