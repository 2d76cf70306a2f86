/*
 * Mail composition (pure: no I/O, no clock unless asked): an RFC 5322
 * message with MIME (RFC 2045-2047) from a struct mail_msg, for the
 * notifications worker (workers/notify, docs/MAIL.md).
 *
 * The message:
 *   From, To         display name (an RFC 2047 encoded word, UTF-8, base64,
 *                    whenever it holds anything but letters, digits and
 *                    spaces) and the address in angle brackets
 *   Subject          plain when it is printable ASCII, else encoded words,
 *                    folded so that no line passes 78 characters
 *   Date             RFC 5322 date of msg->date (UTC, "+0000")
 *   Message-ID       msg->message_id (mail_message_id makes one)
 *   MIME-Version: 1.0
 *   body             multipart/alternative of text/plain and text/html,
 *                    both UTF-8 and quoted-printable (lines of at most 76
 *                    characters); with images, the HTML part becomes a
 *                    multipart/related of the HTML and each image (base64,
 *                    Content-ID <cid>, inline), for cid: references.
 * Header safety: a header value never holds a CR, an LF or another
 * control character, so no value can start a header of its own (the
 * "Eve\r\nBcc: x@evil" name): in display names and subjects each control
 * character becomes a space before encoding; an address with anything but
 * the printable characters of a plain addr-spec is refused.
 */
#ifndef TK_MAIL_H
#define TK_MAIL_H
#include <stddef.h>
#include <stdint.h>

struct buf;

/* An address: display name (UTF-8, may be NULL or "") and addr-spec. */
struct mail_addr {
	const char *name;
	const char *addr;
};

/* An inline image of the HTML part, referenced there as cid:CID. */
struct mail_image {
	const char *cid;  /* e.g. "qr-1@example.com": printable, no <>, space or control */
	const char *type; /* e.g. "image/png" */
	const char *filename;
	const unsigned char *data;
	size_t len;
};

struct mail_msg {
	struct mail_addr from, to;
	const char *subject;    /* UTF-8 */
	int64_t date;           /* seconds since 1970 (UTC) */
	const char *message_id; /* with its angle brackets */
	const char *text;       /* UTF-8 text/plain body */
	const char *html;       /* UTF-8 text/html body */
	const struct mail_image *images;
	size_t nimages;
};

/* Longest line the composer writes (RFC 5322 allows 998). */
#define MAIL_LINE_MAX 78

/*
 * mail_compose: the whole message (headers, CRLF line ends) of msg,
 * appended to out. TK_OK, or TK_EINVAL (out unchanged) when an address or
 * a Message-ID or a Content-ID is not acceptable, or a body is missing.
 */
int mail_compose(const struct mail_msg *msg, struct buf *out);

/* mail_addr_valid: 1 when addr is a plain addr-spec (local@domain, printable
 * ASCII without spaces, quotes, brackets, commas, semicolons, backslashes),
 * at most 254 characters, else 0. */
int mail_addr_valid(const char *addr);

/*
 * mail_message_id: "<ID.KIND@HOST>" into out (size bytes), HOST being the
 * host of base_url (scheme, port and path dropped). id and kind: letters,
 * digits, '-', '_', '.'. TK_OK, or TK_EINVAL (bad part, no host, too small).
 */
int mail_message_id(const char *id, const char *kind, const char *base_url, char *out, size_t size);

/* mail_date: the RFC 5322 date of t ("Mon, 30 Nov 2026 07:38:57 +0000"). */
void mail_date(int64_t t, char out[40]);

/* mail_header_text: s with each control character (CR, LF, TAB, DEL...)
 * replaced by a space, into out (at most size - 1 bytes, cut at a
 * character boundary). What the composer does to names and subjects. */
void mail_header_text(const char *s, char *out, size_t size);

#endif
