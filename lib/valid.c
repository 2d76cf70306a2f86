/*
 * Validators of typed values shared by the services' forms (valid.h).
 */
#include <string.h>

#include "err.h"
#include "uuid.h"
#include "valid.h"

#define TIMEZONE_NAME_MAX 64

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

int
valid_whole_number(const char *raw, long min, long max, long *out)
{
	size_t n = raw ? strlen(raw) : 0;
	long v = 0;
	int rc = TK_EINVAL;

	*out = 0;
	/* 18 digits cannot overflow a 64-bit long. */
	if (n == 0 || n > 18)
		goto out;
	v = digits(raw, (int)n);
	if (v < 0 || v < min || v > max)
		goto out;
	*out = v;
	rc = TK_OK;
out:
	return rc;
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
valid_local_time(const char *raw, char out[20])
{
	size_t n = raw ? strlen(raw) : 0;
	long hh, mm, ss = 0;

	if ((n != 16 && n != 19) || !date_ok(raw) || raw[10] != 'T' || raw[13] != ':')
		return TK_EINVAL;
	hh = digits(raw + 11, 2);
	mm = digits(raw + 14, 2);
	if (n == 19) {
		if (raw[16] != ':')
			return TK_EINVAL;
		ss = digits(raw + 17, 2);
	}
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return TK_EINVAL;
	memcpy(out, raw, 16);
	out[10] = ' ';
	memcpy(out + 16, n == 19 ? raw + 16 : ":00", 3);
	out[19] = '\0';
	return TK_OK;
}

const char *
valid_datetime_local(struct arena *a, const char *raw, const char **out)
{
	char sql[20];

	(void)a;
	*out = raw;
	if (valid_local_time(raw, sql) != TK_OK)
		return "Enter a date and time like 2026-12-31T19:30.";
	return NULL;
}

const char *
valid_date(struct arena *a, const char *raw, const char **out)
{
	(void)a;
	*out = raw;
	if (raw == NULL || strlen(raw) != 10 || !date_ok(raw))
		return "Enter a date like 2026-12-31.";
	return NULL;
}

static int
ascii_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

const char *
valid_timezone_name(struct arena *a, const char *raw, const char **out)
{
	static const char message[] = "Enter a time zone name from the tz database, like "
				      "Europe/Paris.";
	size_t n = raw ? strlen(raw) : 0, i;

	(void)a;
	*out = raw;
	if (n == 0 || n > TIMEZONE_NAME_MAX)
		return message;
	if (strcmp(raw, "UTC") == 0)
		return NULL;
	/* Letters first; then letters, digits, '_', '-', '+' and '/'. An
	 * offset like "+02:00" is not a zone name. */
	if (!ascii_letter(raw[0]) || strchr(raw, '/') == NULL || raw[n - 1] == '/' ||
	    strstr(raw, "//") != NULL)
		return message;
	for (i = 0; i < n; i++) {
		char c = raw[i];

		if (!(ascii_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '+' || c == '/'))
			return message;
	}
	return NULL;
}

const char *
valid_uuid(struct arena *a, const char *raw, const char **out)
{
	(void)a;
	*out = raw;
	if (raw == NULL || !uuid_valid(raw))
		return "Choose one of the options offered.";
	return NULL;
}

const char *
valid_key(struct arena *a, const char *raw, const char **out)
{
	size_t i;

	(void)a;
	*out = raw;
	for (i = 0; raw != NULL && i < 32; i++)
		if (!((raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'a' && raw[i] <= 'f')))
			break;
	if (raw == NULL || i != 32 || raw[32] != '\0')
		return "This form is incomplete. Reload it and try again.";
	return NULL;
}
