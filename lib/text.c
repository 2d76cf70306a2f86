/*
 * Checks on user-entered text, and small texts made for pages (text.h).
 */
#include <limits.h>
#include <string.h>

#include "arena.h"
#include "text.h"

size_t
text_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
text_has_controls(const char *s, int allow)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p == '\t' && (allow & TEXT_ALLOW_TAB)) ||
		    (*p == '\n' && (allow & TEXT_ALLOW_NEWLINE)))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F. */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

char *
text_url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *p = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *
text_trim(struct arena *a, const char *s)
{
	const char *end = s + strlen(s);

	while (is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	return arena_strndup(a, s, (size_t)(end - s));
}

char *
text_duration(struct arena *a, long seconds)
{
	static const struct {
		long below; /* seconds: use this unit for waits shorter than this */
		long unit;  /* seconds in one unit */
		const char *one, *many;
	} units[] = {
	    {120, 1, "second", "seconds"},
	    {2 * 3600, 60, "minute", "minutes"},
	    {LONG_MAX, 3600, "hour", "hours"},
	};
	size_t i = 0;
	long n;

	if (seconds < 1)
		seconds = 1;
	while (i + 1 < sizeof(units) / sizeof(units[0]) && seconds >= units[i].below)
		i++;
	/* Rounded up, without the overflow of (seconds + unit - 1) / unit. */
	n = seconds / units[i].unit + (seconds % units[i].unit != 0);
	return arena_printf(a, "%ld %s", n, n == 1 ? units[i].one : units[i].many);
}

char *
text_seat(struct arena *a, const char *section, const char *row, const char *seat)
{
	char *s = arena_strdup(a, "");

	if (*section != '\0')
		s = arena_printf(a, "Section %s", section);
	if (*row != '\0')
		s = arena_printf(a, "%s%srow %s", s, *s ? ", " : "", row);
	if (*seat != '\0')
		s = arena_printf(a, "%s%sseat %s", s, *s ? ", " : "", seat);
	return *s ? s : arena_strdup(a, "General admission");
}
