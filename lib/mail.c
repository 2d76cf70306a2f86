/*
 * Mail composition (mail.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "mail.h"

#define MAIL_ADDR_MAX 254
#define MAIL_ID_MAX 250
/* Bytes of UTF-8 per encoded word: 39 bytes are 52 base64 characters,
 * "=?UTF-8?B?...?=" 64, so "Subject: " plus one word stays within 78. */
#define WORD_BYTES 39
/* Characters of a quoted-printable line before its soft break. */
#define QP_LINE 76

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64: standard base64 (with padding) of in[0..n) appended to out. */
static void
b64(struct buf *out, const unsigned char *in, size_t n)
{
	char q[4];
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = b64chars[v >> 6 & 63];
		q[3] = b64chars[v & 63];
		buf_append(out, q, 4);
	}
	if (i < n) {
		v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = i + 1 < n ? b64chars[v >> 6 & 63] : '=';
		q[3] = '=';
		buf_append(out, q, 4);
	}
}

int
mail_addr_valid(const char *addr)
{
	const char *at = NULL, *p;
	size_t len;

	if (addr == NULL)
		return 0;
	len = strlen(addr);
	if (len < 3 || len > MAIL_ADDR_MAX)
		return 0;
	for (p = addr; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"(),:;<>[\\]", *p) != NULL)
			return 0;
		if (*p == '@') {
			if (at != NULL)
				return 0;
			at = p;
		}
	}
	return at != NULL && at != addr && at[1] != '\0' && at[1] != '.' && addr[len - 1] != '.';
}

/* id_valid: a Message-ID or Content-ID: printable ASCII without spaces,
 * with an '@'; bracketed ("<...>") or not as brackets says. */
static int
id_valid(const char *id, int brackets)
{
	size_t len, i;

	if (id == NULL)
		return 0;
	len = strlen(id);
	if (len < 3 || len > MAIL_ID_MAX || strchr(id, '@') == NULL)
		return 0;
	if (brackets && (id[0] != '<' || id[len - 1] != '>'))
		return 0;
	for (i = 0; i < len; i++) {
		if (id[i] <= 0x20 || id[i] >= 0x7f)
			return 0;
		if ((id[i] == '<' || id[i] == '>') && !(brackets && (i == 0 || i == len - 1)))
			return 0;
	}
	return 1;
}

void
mail_header_text(const char *s, char *out, size_t size)
{
	size_t i, n = 0;
	unsigned char c;

	if (size == 0)
		return;
	for (i = 0; s != NULL && s[i] != '\0' && n + 1 < size; i++) {
		c = (unsigned char)s[i];
		out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	/* Cut short: never end inside a UTF-8 sequence. */
	if (s != NULL && s[i] != '\0') {
		size_t k = n, need;
		unsigned char lead;

		while (k > 0 && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)out[k - 1] & 0x80) != 0) {
			lead = (unsigned char)out[k - 1];
			need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
			if (k - 1 + need > n)
				n = k - 1;
		}
	}
	out[n] = '\0';
}

/* plain_word: 1 when s may stand in a header as it is: only letters,
 * digits and single spaces (so nothing RFC 5322 gives a meaning to). */
static int
plain_word(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == ' ')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == ' '))
			return 0;
	return p[-1] != ' ';
}

/* encoded_words: s (already free of control characters) as RFC 2047
 * encoded words, each of at most WORD_BYTES bytes of whole UTF-8
 * characters, separated by a fold (CRLF and a space). */
static void
encoded_words(struct buf *out, const char *s)
{
	size_t len = strlen(s), at = 0, n;

	do {
		n = len - at < WORD_BYTES ? len - at : WORD_BYTES;
		/* Back off to the start of a character. */
		while (n > 0 && at + n < len && ((unsigned char)s[at + n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			n = len - at < WORD_BYTES ? len - at : WORD_BYTES;
		if (at > 0)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		b64(out, (const unsigned char *)s + at, n);
		buf_puts(out, "?=");
		at += n;
	} while (at < len);
}

/* header_addr: "NAME: display <addr>" and its CRLF. */
static void
header_addr(struct buf *out, const char *field, const struct mail_addr *a)
{
	char name[256];

	mail_header_text(a->name, name, sizeof(name));
	buf_printf(out, "%s: ", field);
	if (name[0] == '\0') {
		buf_printf(out, "<%s>\r\n", a->addr);
		return;
	}
	if (plain_word(name) &&
	    strlen(field) + strlen(name) + strlen(a->addr) + 5 <= MAIL_LINE_MAX) {
		buf_printf(out, "%s <%s>\r\n", name, a->addr);
		return;
	}
	encoded_words(out, name);
	buf_printf(out, "\r\n <%s>\r\n", a->addr);
}

static void
header_subject(struct buf *out, const char *subject)
{
	char s[1000];
	const char *p;
	int ascii = 1;

	mail_header_text(subject, s, sizeof(s));
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x7f)
			ascii = 0;
	buf_puts(out, "Subject: ");
	if (s[0] == '\0') {
		buf_puts(out, "\r\n");
		return;
	}
	if (ascii && strlen(s) <= MAIL_LINE_MAX - 9 && strstr(s, "=?") == NULL) {
		buf_printf(out, "%s\r\n", s);
		return;
	}
	encoded_words(out, s);
	buf_puts(out, "\r\n");
}

void
mail_date(int64_t t, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* qp_put: one encoded unit (1 or 3 characters) on the current line, with a
 * soft break first when it would pass QP_LINE - 1 (room for the '='). */
static void
qp_put(struct buf *out, size_t *col, const char *unit, size_t n)
{
	if (*col + n > QP_LINE - 1) {
		buf_puts(out, "=\r\n");
		*col = 0;
	}
	buf_append(out, unit, n);
	*col += n;
}

/* qp: text as quoted-printable (RFC 2045 6.7) with CRLF line ends; LF or
 * CRLF in text end lines. A '.' at the start of a line is encoded too,
 * so no line of the body can look like SMTP's end of data. */
static void
qp(struct buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;
	char unit[3];
	int last;

	for (; *p != '\0'; p++) {
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			if (*p == '\r')
				p++;
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		last = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=' && !(*p == '.' && col == 0)) ||
		    ((*p == ' ' || *p == '\t') && !last)) {
			qp_put(out, &col, (const char *)p, 1);
			continue;
		}
		unit[0] = '=';
		unit[1] = hex[*p >> 4];
		unit[2] = hex[*p & 15];
		qp_put(out, &col, unit, 3);
	}
	buf_puts(out, "\r\n");
}

/* b64_lines: base64 in lines of 76 characters. */
static void
b64_lines(struct buf *out, const unsigned char *data, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += 57) {
		n = len - i < 57 ? len - i : 57;
		b64(out, data + i, n);
		buf_puts(out, "\r\n");
	}
}

/* text_part: a UTF-8 quoted-printable part of type. */
static void
text_part(struct buf *out, const char *type, const char *body)
{
	buf_printf(out,
		   "Content-Type: %s; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
		   type);
	qp(out, body);
}

/* hash: FNV-1a of s, for boundaries that depend only on the message. */
static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* filename_ok: a plain file name for Content-Disposition. */
static int
filename_ok(const char *f)
{
	const char *p;

	if (f == NULL || *f == '\0' || strlen(f) > 64)
		return 0;
	for (p = f; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

/* type_ok: a MIME type token "a/b" of letters, digits, '.', '+', '-'. */
static int
type_ok(const char *t)
{
	const char *p;
	int slash = 0;

	if (t == NULL || *t == '\0' || strlen(t) > 64)
		return 0;
	for (p = t; *p != '\0'; p++) {
		if (*p == '/')
			slash++;
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '.' || *p == '+' || *p == '-'))
			return 0;
	}
	return slash == 1;
}

int
mail_compose(const struct mail_msg *m, struct buf *out)
{
	char date[40], alt[40], rel[40];
	uint64_t h;
	size_t i;

	if (!mail_addr_valid(m->from.addr) || !mail_addr_valid(m->to.addr) ||
	    !id_valid(m->message_id, 1) || m->text == NULL || m->html == NULL)
		return TK_EINVAL;
	for (i = 0; i < m->nimages; i++)
		if (!id_valid(m->images[i].cid, 0) || !type_ok(m->images[i].type) ||
		    !filename_ok(m->images[i].filename) || m->images[i].data == NULL)
			return TK_EINVAL;
	/* "=_" never occurs in quoted-printable or base64 text. */
	h = hash(m->message_id);
	snprintf(alt, sizeof(alt), "=_alt_%016llx", (unsigned long long)h);
	snprintf(rel, sizeof(rel), "=_rel_%016llx", (unsigned long long)h);
	mail_date(m->date, date);

	header_addr(out, "From", &m->from);
	header_addr(out, "To", &m->to);
	header_subject(out, m->subject);
	buf_printf(out, "Date: %s\r\n", date);
	buf_printf(out, "Message-ID: %s\r\n", m->message_id);
	buf_puts(out, "MIME-Version: 1.0\r\n");
	buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", alt);
	buf_puts(out, "This is a multi-part message in MIME format.\r\n");

	buf_printf(out, "\r\n--%s\r\n", alt);
	text_part(out, "text/plain", m->text);
	buf_printf(out, "\r\n--%s\r\n", alt);
	if (m->nimages == 0) {
		text_part(out, "text/html", m->html);
	} else {
		buf_printf(out,
			   "Content-Type: multipart/related; type=\"text/html\";\r\n"
			   " boundary=\"%s\"\r\n\r\n",
			   rel);
		buf_printf(out, "--%s\r\n", rel);
		text_part(out, "text/html", m->html);
		for (i = 0; i < m->nimages; i++) {
			buf_printf(out, "\r\n--%s\r\n", rel);
			buf_printf(out,
				   "Content-Type: %s\r\n"
				   "Content-Transfer-Encoding: base64\r\n"
				   "Content-ID: <%s>\r\n"
				   "Content-Disposition: inline; filename=\"%s\"\r\n\r\n",
				   m->images[i].type, m->images[i].cid, m->images[i].filename);
			b64_lines(out, m->images[i].data, m->images[i].len);
		}
		buf_printf(out, "\r\n--%s--\r\n", rel);
	}
	buf_printf(out, "\r\n--%s--\r\n", alt);
	return TK_OK;
}

/* id_part_ok: letters, digits, '-', '_', '.'; not empty. */
static int
id_part_ok(const char *s)
{
	const char *p;

	if (s == NULL || *s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

int
mail_message_id(const char *id, const char *kind, const char *base_url, char *out, size_t size)
{
	const char *host, *end;
	size_t hlen, i;
	int n;

	if (!id_part_ok(id) || !id_part_ok(kind) || base_url == NULL)
		return TK_EINVAL;
	host = strstr(base_url, "://");
	host = host != NULL ? host + 3 : base_url;
	/* user:password@ never belongs to a base_url, but never copy it. */
	end = host + strcspn(host, "/?#");
	for (i = 0; host + i < end; i++)
		if (host[i] == '@')
			host += i + 1, i = 0;
	hlen = strcspn(host, ":/?#");
	if (host[0] == '[' || hlen == 0 || hlen > 200)
		return TK_EINVAL;
	for (i = 0; i < hlen; i++)
		if (!((host[i] >= 'a' && host[i] <= 'z') || (host[i] >= 'A' && host[i] <= 'Z') ||
		      (host[i] >= '0' && host[i] <= '9') || host[i] == '-' || host[i] == '.'))
			return TK_EINVAL;
	n = snprintf(out, size, "<%s.%s@%.*s>", id, kind, (int)hlen, host);
	return n > 0 && (size_t)n < size ? TK_OK : TK_EINVAL;
}
