/*
 * Unit tests for mail composition (lib/mail.c): headers that no value can
 * add to (CR/LF in names, subjects, addresses), RFC 2047 encoded words
 * that decode back, quoted-printable bodies within the line limits, the
 * MIME structure with and without inline images, Message-IDs and dates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"
#include <sodium.h>

#include "buf.h"
#include "err.h"
#include "mail.h"

#define MID "<0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.verify_email@127.0.0.1>"

static struct mail_msg
msg(const char *to_name, const char *to_addr, const char *subject)
{
	struct mail_msg m = {
	    .from = {"Ticketing", "noreply@example.com"},
	    .to = {to_name, to_addr},
	    .subject = subject,
	    .date = 1700000000,
	    .message_id = MID,
	    .text = "Hello,\nclick the link.\n",
	    .html = "<p>Hello,</p>\n<p>click the link.</p>\n",
	};
	return m;
}

/* header_block: the headers of message s (up to the blank line), in a
 * static copy. */
static char *
header_block(const char *s)
{
	static char h[8192];
	const char *end = strstr(s, "\r\n\r\n");

	if (end == NULL || (size_t)(end - s) + 3 > sizeof(h))
		return NULL;
	memcpy(h, s, (size_t)(end - s) + 2);
	h[end - s + 2] = '\0';
	return h;
}

/* headers_only_known: every line of the header block is a continuation
 * (starts with a space) or one of the fields the composer writes; the
 * field names in order, joined by ',', into names. */
static int
headers_only_known(const char *s, char *names, size_t size)
{
	static const char *const known[] = {
	    "From:", "To:", "Subject:", "Date:", "Message-ID:", "MIME-Version:", "Content-Type:"};
	const char *h = header_block(s), *line, *eol;
	size_t i;

	names[0] = '\0';
	if (h == NULL)
		return 0;
	for (line = h; *line != '\0'; line = eol + 2) {
		eol = strstr(line, "\r\n");
		if (eol == NULL)
			return 0;
		if (line[0] == ' ')
			continue;
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strncmp(line, known[i], strlen(known[i])) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return 0;
		if (names[0] != '\0')
			strncat(names, ",", size - strlen(names) - 1);
		strncat(names, known[i], size - strlen(names) - 1);
	}
	return 1;
}

/* lines_ok: CRLF line ends only (no bare CR or LF), each line at most max. */
static int
lines_ok(const char *s, size_t max)
{
	size_t col = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\r') {
			if (s[1] != '\n')
				return 0;
			s++;
			col = 0;
			continue;
		}
		if (*s == '\n' || ++col > max)
			return 0;
	}
	return 1;
}

/* decode_words: the concatenated text of the RFC 2047 B-encoded words in
 * the header line starting with field (continuations included). */
static char *
decode_words(const char *s, const char *field)
{
	static char out[1024];
	const char *p = strstr(header_block(s), field), *w, *e;
	size_t n = 0, got;

	out[0] = '\0';
	if (p == NULL)
		return out;
	for (w = strstr(p, "=?UTF-8?B?"); w != NULL; w = strstr(e, "=?UTF-8?B?")) {
		/* Stop at the next field. */
		const char *next = strstr(p + 2, "\r\n");
		while (next != NULL && next[2] == ' ')
			next = strstr(next + 2, "\r\n");
		if (next != NULL && w > next)
			break;
		w += 10;
		e = strstr(w, "?=");
		if (e == NULL || sodium_base642bin((unsigned char *)out + n, sizeof(out) - n - 1, w,
						   (size_t)(e - w), NULL, &got, NULL,
						   sodium_base64_VARIANT_ORIGINAL) != 0)
			return NULL;
		n += got;
		out[n] = '\0';
	}
	return out;
}

/* qp_decode: a quoted-printable part back to text (CRLF -> LF). */
static char *
qp_decode(const char *s, const char *end)
{
	static char out[8192];
	size_t n = 0;
	unsigned v;

	while (s < end && n + 1 < sizeof(out)) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=' && sscanf(s + 1, "%2X", &v) == 1) {
			out[n++] = (char)v;
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			out[n++] = '\n';
			s += 2;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return out;
}

static void
test_plain_message(void)
{
	struct mail_msg m = msg("Alice Example", "alice@example.com", "Confirm your address");
	struct buf b = {0};
	char names[256];

	CU_ASSERT_EQUAL_FATAL(mail_compose(&m, &b), TK_OK);
	CU_ASSERT(headers_only_known(b.data, names, sizeof(names)));
	CU_ASSERT_STRING_EQUAL(names,
			       "From:,To:,Subject:,Date:,Message-ID:,MIME-Version:,Content-Type:");
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\nTo: Alice Example <alice@example.com>\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\nSubject: Confirm your address\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\nMessage-ID: " MID "\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\nMIME-Version: 1.0\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "Content-Type: multipart/alternative; boundary="));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "Content-Type: text/plain; charset=UTF-8"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "Content-Type: text/html; charset=UTF-8"));
	CU_ASSERT_PTR_NULL(strstr(b.data, "multipart/related"));
	CU_ASSERT(lines_ok(b.data, MAIL_LINE_MAX));
	buf_free(&b);
}

/* The attack of the brief: a member's name that would add a Bcc. */
static void
test_name_cannot_add_header(void)
{
	static const char *const names[] = {
	    "Eve\r\nBcc: x@evil",       "Eve\nBcc: x@evil", "Eve\rBcc: x@evil",
	    "Eve\r\n\r\nBody start",    "\r\nBcc: x@evil",  "Eve\x0b\x0c\x7f\tBcc: x@evil",
	    "Eve =?UTF-8?B?QmNjOg==?=",
	};
	struct buf b = {0};
	char fields[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct mail_msg m = msg(names[i], "eve@example.com", names[i]);

		buf_reset(&b);
		CU_ASSERT_EQUAL_FATAL(mail_compose(&m, &b), TK_OK);
		CU_ASSERT(headers_only_known(b.data, fields, sizeof(fields)));
		CU_ASSERT_STRING_EQUAL(
		    fields, "From:,To:,Subject:,Date:,Message-ID:,MIME-Version:,Content-Type:");
		CU_ASSERT_PTR_NULL(strstr(header_block(b.data), "\nBcc"));
		CU_ASSERT(lines_ok(b.data, MAIL_LINE_MAX));
	}
	/* The name is still there, its control characters made spaces. */
	{
		struct mail_msg m = msg("Eve\r\nBcc: x@evil", "eve@example.com", "Hi");
		char *name;

		buf_reset(&b);
		CU_ASSERT_EQUAL_FATAL(mail_compose(&m, &b), TK_OK);
		name = decode_words(b.data, "\r\nTo: ");
		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_STRING_EQUAL(name, "Eve  Bcc: x@evil");
	}
	buf_free(&b);
}

static void
test_addresses_refused(void)
{
	static const char *const bad[] = {
	    "eve@example.com\r\nBcc: x@evil",
	    "eve@example.com\n",
	    "eve @example.com",
	    "<eve@example.com>",
	    "eve@example.com, x@evil",
	    "eve",
	    "@example.com",
	    "eve@",
	    "eve@example.com>",
	    "\"eve\"@example.com",
	    "",
	    "eve@exa\x7fmple.com",
	};
	struct buf b = {0};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mail_msg m = msg("Eve", bad[i], "Hi");

		CU_ASSERT_FALSE(mail_addr_valid(bad[i]));
		CU_ASSERT_EQUAL(mail_compose(&m, &b), TK_EINVAL);
		CU_ASSERT_EQUAL(b.len, 0);
	}
	CU_ASSERT(mail_addr_valid("alice+tickets@mail.example.com"));
	{
		struct mail_msg m = msg("Eve", "eve@example.com", "Hi");

		m.message_id = "<a@b>\r\nBcc: x@evil";
		CU_ASSERT_EQUAL(mail_compose(&m, &b), TK_EINVAL);
		m.message_id = "no-brackets@host";
		CU_ASSERT_EQUAL(mail_compose(&m, &b), TK_EINVAL);
	}
	buf_free(&b);
}

static void
test_utf8_subject_and_name(void)
{
	const char *subject = "Réservation confirmée — « Concert » à l'Olympia, "
			      "ce soir 20 h 30, places assises, €";
	struct mail_msg m = msg("Zoë Ünal 李小龍", "zoe@example.com", subject);
	struct buf b = {0};
	char *got;

	CU_ASSERT_EQUAL_FATAL(mail_compose(&m, &b), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\nSubject: =?UTF-8?B?"));
	got = decode_words(b.data, "\r\nSubject: ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, subject);
	got = decode_words(b.data, "\r\nTo: ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, "Zoë Ünal 李小龍");
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\r\n <zoe@example.com>\r\n"));
	CU_ASSERT(lines_ok(b.data, MAIL_LINE_MAX));
	/* Each header word is valid UTF-8 on its own (no split character). */
	buf_free(&b);
}

static void
test_quoted_printable(void)
{
	char text[600], *dec;
	const char *part, *end;
	struct buf b = {0};
	struct mail_msg m = msg("A", "a@example.com", "QP");
	size_t i;

	for (i = 0; i < 300; i++)
		text[i] = "ab=cd é"[i % 8];
	strcpy(text + 300, "\n.leading dot\nFrom the start\ntrailing space \nend");
	m.text = text;
	CU_ASSERT_EQUAL_FATAL(mail_compose(&m, &b), TK_OK);
	CU_ASSERT(lines_ok(b.data, 76));
	CU_ASSERT_PTR_NULL(strstr(b.data, "\r\n.leading"));
	part = strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(part);
	part += strlen("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	end = strstr(part, "\r\n--=_alt_");
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	dec = qp_decode(part, end);
	CU_ASSERT_EQUAL(strncmp(dec, text, strlen(text)), 0);
	CU_ASSERT_STRING_EQUAL(dec + strlen(text), "\n");
	buf_free(&b);
}

static void
test_inline_images(void)
{
	static const unsigned char png[200] = {0x89, 'P', 'N', 'G'};
	struct mail_image img[] = {
	    {"qr-1.ORDER@127.0.0.1", "image/png", "ticket-1.png", png, sizeof(png)},
	    {"qr-2.ORDER@127.0.0.1", "image/png", "ticket-2.png", png, sizeof(png)},
	};
	struct mail_msg m = msg("A", "a@example.com", "Receipt");
	struct buf b = {0};
	const char *alt, *rel, *html, *i1, *i2, *end;

	m.html = "<p><img src=\"cid:qr-1.ORDER@127.0.0.1\"></p>";
	m.images = img;
	m.nimages = 2;
	CU_ASSERT_EQUAL_FATAL(mail_compose(&m, &b), TK_OK);
	CU_ASSERT(lines_ok(b.data, MAIL_LINE_MAX));
	alt = strstr(b.data, "multipart/alternative");
	rel = strstr(b.data, "Content-Type: multipart/related; type=\"text/html\"");
	html = strstr(b.data, "text/html; charset=UTF-8");
	i1 = strstr(b.data, "Content-ID: <qr-1.ORDER@127.0.0.1>");
	i2 = strstr(b.data, "Content-ID: <qr-2.ORDER@127.0.0.1>");
	CU_ASSERT_PTR_NOT_NULL_FATAL(alt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rel);
	CU_ASSERT_PTR_NOT_NULL_FATAL(html);
	CU_ASSERT_PTR_NOT_NULL_FATAL(i1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(i2);
	CU_ASSERT(alt < rel && rel < html && html < i1 && i1 < i2);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(i1, "Content-Disposition: inline; filename=\"ticket-1.png\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(i1, "\r\n\r\niVBORw"));
	end = strstr(i2, "--\r\n");
	CU_ASSERT_PTR_NOT_NULL(end);
	/* A Content-ID that would break out of its header is refused. */
	img[1].cid = "x@y>\r\nBcc: x@evil";
	buf_reset(&b);
	CU_ASSERT_EQUAL(mail_compose(&m, &b), TK_EINVAL);
	img[1].cid = "qr-2@h";
	img[1].filename = "a\"b.png";
	CU_ASSERT_EQUAL(mail_compose(&m, &b), TK_EINVAL);
	buf_free(&b);
}

static void
test_message_id(void)
{
	char id[128];

	CU_ASSERT_EQUAL(mail_message_id("0190a1b2-c3d4", "verify_email", "http://127.0.0.1:8080",
					id, sizeof(id)),
			TK_OK);
	CU_ASSERT_STRING_EQUAL(id, "<0190a1b2-c3d4.verify_email@127.0.0.1>");
	CU_ASSERT_EQUAL(mail_message_id("e1", "role_changed", "https://tickets.example.com/shop",
					id, sizeof(id)),
			TK_OK);
	CU_ASSERT_STRING_EQUAL(id, "<e1.role_changed@tickets.example.com>");
	CU_ASSERT_EQUAL(mail_message_id("e1", "x", "https://u:p@h.example.com", id, sizeof(id)),
			TK_OK);
	CU_ASSERT_STRING_EQUAL(id, "<e1.x@h.example.com>");
	CU_ASSERT_EQUAL(mail_message_id("e1>", "x", "http://h", id, sizeof(id)), TK_EINVAL);
	CU_ASSERT_EQUAL(mail_message_id("e1", "a b", "http://h", id, sizeof(id)), TK_EINVAL);
	CU_ASSERT_EQUAL(mail_message_id("e1", "x", "http://", id, sizeof(id)), TK_EINVAL);
	CU_ASSERT_EQUAL(mail_message_id("e1", "x", "http://h\r\nBcc", id, sizeof(id)), TK_EINVAL);
	CU_ASSERT_EQUAL(mail_message_id("e1", "x", "http://host", id, 8), TK_EINVAL);
}

static void
test_date_and_header_text(void)
{
	char d[40], t[8];

	mail_date(0, d);
	CU_ASSERT_STRING_EQUAL(d, "Thu, 1 Jan 1970 00:00:00 +0000");
	mail_date(1796023137, d);
	CU_ASSERT_STRING_EQUAL(d, "Mon, 30 Nov 2026 07:18:57 +0000");
	mail_header_text("a\r\nb", t, sizeof(t));
	CU_ASSERT_STRING_EQUAL(t, "a  b");
	/* Cut at a character boundary: "ab" + "é" (2 bytes) + "€" (3 bytes). */
	mail_header_text("ab\xc3\xa9\xe2\x82\xac", t, 6);
	CU_ASSERT_STRING_EQUAL(t, "ab\xc3\xa9");
	mail_header_text("ab\xc3\xa9\xe2\x82\xac", t, 5);
	CU_ASSERT_STRING_EQUAL(t, "ab\xc3\xa9");
	mail_header_text("abc\xc3\xa9", t, 5);
	CU_ASSERT_STRING_EQUAL(t, "abc");
}

static const struct cu_test mail_tests[] = {
    {"plain message", test_plain_message},
    {"a name cannot add a header", test_name_cannot_add_header},
    {"addresses and ids refused", test_addresses_refused},
    {"UTF-8 subject and name", test_utf8_subject_and_name},
    {"quoted-printable", test_quoted_printable},
    {"inline images", test_inline_images},
    {"Message-ID", test_message_id},
    {"date and header text", test_date_and_header_text},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"mail", NULL, NULL, mail_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	return cu_run(suites);
}
