/*
 * Checks and normalisation of what people type into the auth forms: the
 * fields several forms share (email, name, new password), each declared
 * once, and the checks by one value that ticketingctl shares with the
 * forms. Each check returns NULL when the input is fine, or the message
 * shown next to the field (a fixed text: never the input itself).
 */
#include <string.h>
#include <time.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "fields.h"
#include "pw.h"
#include "req.h"
#include "text.h"

#define EMAIL_MAX 254
#define NAME_MAX_CHARS 100

/* email_syntax: the fields_check_fn of the email: one '@' with a local part
 * of at most 64 characters before it and a dotted domain after it, none of
 * the characters mail addresses quote; ASCII lower case into *out. */
static const char *
email_syntax(struct arena *a, const char *raw, const char **out)
{
	char *e = arena_strdup(a, raw);
	const char *at;
	size_t len = strlen(e), i;

	*out = e;
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

const struct field input_email_field = {
    .name = "email",
    .flags = FIELD_REQUIRED,
    .max_chars = EMAIL_MAX,
    .check = email_syntax,
    .missing = "Enter your email address.",
    .too_long = "An email address has at most {max} characters.",
    .invalid = "Enter an email address like name@example.com.",
};

const struct field input_name_field = {
    .name = "name",
    .flags = FIELD_REQUIRED,
    .max_chars = NAME_MAX_CHARS,
    .missing = "Enter your name.",
    .too_long = "A name has at most {max} characters.",
    .invalid = "A name cannot contain control characters.",
};

/* At most PW_MAX_LEN characters are at most 4 * PW_MAX_LEN = PW_MAX_BYTES
 * bytes of UTF-8, the most pw_hash takes. */
const struct field input_new_password_field = {
    .name = "password",
    .flags = FIELD_REQUIRED | FIELD_PASSWORD,
    .min_chars = PW_MIN_LEN,
    .max_chars = PW_MAX_LEN,
    .missing = "Enter a password.",
    .too_short = "A password has at least {min} characters.",
    .too_long = "A password has at most {max} characters.",
};

const char *
input_email(struct arena *a, const char *raw, const char **out)
{
	return fields_check(a, &input_email_field, raw, out, NULL);
}

const char *
input_name(struct arena *a, const char *raw, const char **out)
{
	return fields_check(a, &input_name_field, raw, out, NULL);
}

const char *
input_password(struct arena *a, const char *raw, const char **out)
{
	return fields_check(a, &input_new_password_field, raw, out, NULL);
}

const char *
input_next(const char *next)
{
	return req_local_path(next) ? next : "/auth/account";
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
