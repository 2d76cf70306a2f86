/*
 * Checks and normalisation of what people type into the auth forms (and
 * what ticketingctl create-user is given). Each check returns NULL when
 * the input is fine, or the message shown next to the field (a fixed text:
 * never the input itself).
 */
#include <string.h>
#include <time.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "pw.h"
#include "text.h"

#define EMAIL_MAX 254
#define NAME_MAX_CHARS 100

const char *
input_email(struct arena *a, const char *raw, const char **out)
{
	char *e = text_trim(a, raw ? raw : "");
	const char *at;
	size_t len = strlen(e), i;

	*out = e;
	if (len == 0)
		return "Enter your email address.";
	if (len > EMAIL_MAX)
		return "An email address has at most 254 characters.";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)e[i];

		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' ||
		    c == ';' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']')
			return "Enter an email address like name@example.com.";
		if (c >= 'A' && c <= 'Z')
			e[i] = (char)(c - 'A' + 'a');
	}
	at = strchr(e, '@');
	if (at == NULL || at == e || strchr(at + 1, '@') != NULL || at - e > 64 ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' || e[len - 1] == '.')
		return "Enter an email address like name@example.com.";
	return NULL;
}

const char *
input_name(struct arena *a, const char *raw, const char **out)
{
	char *n = text_trim(a, raw ? raw : "");

	*out = n;
	if (*n == '\0')
		return "Enter your name.";
	if (text_chars(n) > NAME_MAX_CHARS)
		return "A name has at most 100 characters.";
	if (text_has_controls(n, 0))
		return "A name cannot contain control characters.";
	return NULL;
}

const char *
input_password(const char *pw)
{
	size_t n;

	if (pw == NULL || *pw == '\0')
		return "Enter a password.";
	n = text_chars(pw);
	if (n < PW_MIN_LEN)
		return "A password has at least 12 characters.";
	if (n > PW_MAX_LEN || strlen(pw) > PW_MAX_BYTES)
		return "A password has at most 128 characters.";
	return NULL;
}

const char *
input_next(const char *next)
{
	const unsigned char *p;

	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/auth/account";
	for (p = (const unsigned char *)next; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return "/auth/account";
	return next;
}

void
auth_begin_session(const struct user *u, struct session *s)
{
	memset(s, 0, sizeof(*s));
	sess_new_sid(s->sid);
	strncpy(s->user_id, u->id, sizeof(s->user_id) - 1);
	strncpy(s->name, u->name, sizeof(s->name) - 1);
	s->role = u->role;
	s->expires = (int64_t)time(NULL) + config_int("session_ttl");
}
