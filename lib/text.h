/*
 * Checks on user-entered text shared by every form: length in characters
 * (code points, not bytes) and the absence of control characters. Input is
 * already valid UTF-8 (form_parse refuses anything else). Also small texts
 * made for pages: URL-encoded values, waits said in words.
 */
#ifndef TK_TEXT_H
#define TK_TEXT_H
#include <stddef.h>

/* text_chars: the number of code points in the UTF-8 string s. */
size_t text_chars(const char *s);

/* What text_has_controls lets pass. */
enum {
	TEXT_ALLOW_TAB = 1 << 0,
	TEXT_ALLOW_NEWLINE = 1 << 1, /* LF (multiline text after CR LF became LF) */
};

/* text_has_controls: 1 when s holds a C0 control (other than those allow
 * lets pass), DEL, or a C1 control; else 0. */
int text_has_controls(const char *s, int allow);

/* text_url_encode: s with every byte but ALPHA, DIGIT and "-._~"
 * percent-encoded, for a query value or path segment; a copy in arena a. */
struct arena;
char *text_url_encode(struct arena *a, const char *s);

/* text_trim: s without leading and trailing ASCII white space, a copy in
 * arena a. */
char *text_trim(struct arena *a, const char *s);

/*
 * text_duration: a wait of seconds as a reader says it, rounded up so it
 * is never shorter than the wait: "1 second", "8 seconds" below two
 * minutes, then whole minutes ("15 minutes") below two hours, then whole
 * hours ("3 hours"). Less than 1 second reads as "1 second". A copy in
 * arena a.
 */
char *text_duration(struct arena *a, long seconds);

/*
 * text_seat: where a listing's seats are as a reader says it, "Section A,
 * row 3, seat 12" from the parts that are not empty, or "General
 * admission" when all are; a copy in arena a. The order page and the
 * mails say it the same way.
 */
char *text_seat(struct arena *a, const char *section, const char *row, const char *seat);

#endif
