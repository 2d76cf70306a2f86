/*
 * Checks of what people type into the events service: form texts, the
 * datetime-local times of events, search dates and page numbers, venue
 * capacity and time zone names, and the full-text query built from the
 * search words. Pure functions of their input (no database), so the unit
 * test covers them without a server. Messages are fixed texts, never the
 * input itself.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "events.h"
#include "req.h"
#include "text.h"

#define FT_MIN_CHARS 3 /* InnoDB's innodb_ft_min_token_size */
#define FT_MAX_WORDS 8 /* more search words than this are ignored */

/* InnoDB's default full-text stop words of 3 letters or more: a "+word"
 * that is one of them would match nothing, so they are left out. */
static const char *const stop_words[] = {
    "about", "are",  "com",  "for",   "from", "how",  "that", "the", "this",
    "was",   "what", "when", "where", "who",  "will", "with", "und", "www",
};

/* controls_in: 1 when s holds a control character other than LF and tab
 * (multiline) or any at all. */
static int
controls_in(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (multiline && (*p == '\n' || *p == '\t'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

const char *
input_text(struct request *r, const char *raw, size_t max_chars, int required, int multiline,
           const char **out, const char *missing, const char *too_long)
{
	char *t = text_trim(r->arena, raw ? raw : "");
	const char *msg = NULL;
	char *src, *dst;

	if (multiline) {
		/* Browsers send CR LF line breaks: keep LF only. */
		for (src = dst = t; *src != '\0'; src++)
			if (*src != '\r')
				*dst++ = *src;
		*dst = '\0';
	}
	*out = t;
	if (*t == '\0' && required)
		msg = missing;
	else if (text_chars(t) > max_chars)
		msg = too_long;
	else if (controls_in(t, multiline))
		msg = "This text cannot contain control characters.";
	return msg;
}

/* digits: the number in s[0..n) when all are ASCII digits, else -1. */
static long
digits(const char *s, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(long y, long m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* date_ok: s[0..10) is a real date YYYY-MM-DD from year 2000 to 9999. */
static int
date_ok(const char *s)
{
	long y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);

	return s[4] == '-' && s[7] == '-' && y >= 2000 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

int
input_date(const char *raw)
{
	return raw != NULL && strlen(raw) == 10 && date_ok(raw) ? 0 : -1;
}

int
input_local_time(const char *raw, char out[20])
{
	size_t n = raw ? strlen(raw) : 0;
	long hh, mm, ss = 0;

	if ((n != 16 && n != 19) || !date_ok(raw) || raw[10] != 'T' || raw[13] != ':')
		return -1;
	hh = digits(raw + 11, 2);
	mm = digits(raw + 14, 2);
	if (n == 19) {
		if (raw[16] != ':')
			return -1;
		ss = digits(raw + 17, 2);
	}
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return -1;
	memcpy(out, raw, 16);
	out[10] = ' ';
	memcpy(out + 16, n == 19 ? raw + 16 : ":00", 3);
	out[19] = '\0';
	return 0;
}

int
input_page(const char *raw, long *page)
{
	size_t n = raw ? strlen(raw) : 0;
	long v;

	*page = 1;
	if (n == 0)
		return 0;
	if (n > 6)
		return -1;
	v = digits(raw, (int)n);
	if (v < 1 || v > EVENTS_PAGE_MAX)
		return -1;
	*page = v;
	return 0;
}

int
input_capacity(const char *raw, long *out)
{
	size_t n = raw ? strlen(raw) : 0;
	long v;

	*out = 0;
	if (n == 0 || n > 8)
		return -1;
	v = digits(raw, (int)n);
	if (v < 1 || v > VENUE_CAPACITY_MAX)
		return -1;
	*out = v;
	return 0;
}

int
input_timezone_name(const char *raw)
{
	size_t n = raw ? strlen(raw) : 0, i;

	if (n == 0 || n > 64)
		return -1;
	if (strcmp(raw, "UTC") == 0)
		return 0;
	/* Letters first; then letters, digits, '_', '-', '+' and '/'. An
	 * offset like "+02:00" is not a zone name. */
	if (!((raw[0] >= 'A' && raw[0] <= 'Z') || (raw[0] >= 'a' && raw[0] <= 'z')) ||
	    strchr(raw, '/') == NULL || raw[n - 1] == '/' || strstr(raw, "//") != NULL)
		return -1;
	for (i = 0; i < n; i++) {
		char c = raw[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '+' || c == '/'))
			return -1;
	}
	return 0;
}

/* word_char: c is part of a search word (ASCII letter or digit, or any
 * byte of a non-ASCII UTF-8 character). */
static int
word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

static int
stop_word(const char *w, size_t n)
{
	size_t i, j;

	for (i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++) {
		if (strlen(stop_words[i]) != n)
			continue;
		for (j = 0; j < n; j++) {
			char c = w[j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != stop_words[i][j])
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

const char *
input_fulltext(struct request *r, const char *q)
{
	size_t len = q ? strlen(q) : 0, i = 0, start, words = 0;
	char *out = arena_alloc(r->arena, len * 2 + 4 * FT_MAX_WORDS + 1), *p = out;

	while (i < len && words < FT_MAX_WORDS) {
		while (i < len && !word_char((unsigned char)q[i]))
			i++;
		start = i;
		while (i < len && word_char((unsigned char)q[i]))
			i++;
		if (i == start)
			break;
		{
			char *w = arena_strndup(r->arena, q + start, i - start);

			if (text_chars(w) < FT_MIN_CHARS || stop_word(w, i - start))
				continue;
			if (p != out)
				*p++ = ' ';
			*p++ = '+';
			memcpy(p, w, i - start);
			p += i - start;
			*p++ = '*';
			words++;
		}
	}
	*p = '\0';
	return out;
}
