/*
 * Unit tests for the SMTP client's classification (lib/smtp.c): which
 * failures are retried and which are recorded for good, the stage of the
 * commands, the TLS setting, and a server that is not there.
 */
#include <string.h>

#include "cu.h"
#include <curl/curl.h>

#include "err.h"
#include "smtp.h"

static void
test_classify(void)
{
	CU_ASSERT_EQUAL(smtp_classify(CURLE_OK, 250, SMTP_STAGE_DATA), SMTP_SENT);
	/* No server, no answer in time: later. */
	CU_ASSERT_EQUAL(smtp_classify(CURLE_COULDNT_CONNECT, 0, SMTP_STAGE_SESSION),
			SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_OPERATION_TIMEDOUT, 0, SMTP_STAGE_DATA),
			SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_OPERATION_TIMEDOUT, 550, SMTP_STAGE_RCPT),
			SMTP_TRANSIENT);
	/* 4xx anywhere: later. */
	CU_ASSERT_EQUAL(smtp_classify(CURLE_SEND_ERROR, 450, SMTP_STAGE_RCPT), SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_SEND_ERROR, 451, SMTP_STAGE_DATA), SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_WEIRD_SERVER_REPLY, 421, SMTP_STAGE_SESSION),
			SMTP_TRANSIENT);
	/* 5xx for this mail's recipient or content: for good. */
	CU_ASSERT_EQUAL(smtp_classify(CURLE_SEND_ERROR, 550, SMTP_STAGE_RCPT), SMTP_PERMANENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_SEND_ERROR, 554, SMTP_STAGE_DATA), SMTP_PERMANENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_WEIRD_SERVER_REPLY, 552, SMTP_STAGE_DATA),
			SMTP_PERMANENT);
	/* 5xx to the session's set-up (a wrong password, a sender the relay
	 * does not take, STARTTLS refused): the operator's to fix, later. */
	CU_ASSERT_EQUAL(smtp_classify(CURLE_LOGIN_DENIED, 535, SMTP_STAGE_SESSION), SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_SEND_ERROR, 553, SMTP_STAGE_SESSION), SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(smtp_classify(CURLE_USE_SSL_FAILED, 0, SMTP_STAGE_SESSION), SMTP_TRANSIENT);
}

static void
test_stage_and_tls(void)
{
	enum smtp_tls t;

	CU_ASSERT_EQUAL(smtp_stage_of("RCPT TO:<a@b>\r\n", 15), SMTP_STAGE_RCPT);
	CU_ASSERT_EQUAL(smtp_stage_of("DATA\r\n", 6), SMTP_STAGE_DATA);
	CU_ASSERT_EQUAL(smtp_stage_of("MAIL FROM:<a@b>\r\n", 17), SMTP_STAGE_SESSION);
	CU_ASSERT_EQUAL(smtp_stage_of("EHLO x\r\n", 8), SMTP_STAGE_SESSION);
	CU_ASSERT_EQUAL(smtp_stage_of("RC", 2), SMTP_STAGE_SESSION);
	CU_ASSERT_EQUAL(smtp_tls_parse("none", &t), TK_OK);
	CU_ASSERT_EQUAL(t, SMTP_TLS_NONE);
	CU_ASSERT_EQUAL(smtp_tls_parse("try", &t), TK_OK);
	CU_ASSERT_EQUAL(t, SMTP_TLS_TRY);
	CU_ASSERT_EQUAL(smtp_tls_parse("all", &t), TK_OK);
	CU_ASSERT_EQUAL(t, SMTP_TLS_ALL);
	CU_ASSERT_EQUAL(smtp_tls_parse("yes", &t), TK_EINVAL);
}

static void
test_open_and_no_server(void)
{
	struct smtp_conf c = {.url = "http://127.0.0.1:1"};
	struct smtp_result r;
	struct smtp *s;
	const char *msg = "Subject: x\r\n\r\nx\r\n";

	CU_ASSERT_EQUAL(smtp_open(&c, &s), TK_ECONFIG);
	CU_ASSERT_PTR_NULL(s);
	/* Port 1 on loopback: nothing listens, the connection is refused. */
	c.url = "smtp://127.0.0.1:1";
	c.connect_timeout_ms = 2000;
	c.timeout_ms = 3000;
	CU_ASSERT_EQUAL_FATAL(smtp_open(&c, &s), TK_OK);
	CU_ASSERT_EQUAL(smtp_send(s, "noreply@example.com", "a@example.com", msg, strlen(msg), &r),
			SMTP_TRANSIENT);
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT(r.detail[0] != '\0');
	smtp_close(s);
}

static const struct cu_test smtp_tests[] = {
    {"classify", test_classify},
    {"stage and TLS setting", test_stage_and_tls},
    {"open, and no server", test_open_and_no_server},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"smtp", NULL, NULL, smtp_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
