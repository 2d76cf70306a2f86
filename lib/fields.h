/*
 * Declared forms. Each form is one table of fields: name, flags (required,
 * multiline, password, number), limits, a validator and the messages. The
 * handler asks fields_read to read and check what was posted against the
 * table, and gets the values and the per-field errors; fields_show puts
 * each field's value, limits, required flag and error into the page, so a
 * limit and its message are written once, in the table, and the template
 * takes maxlength/required from it.
 *
 * Validators share one convention (fields_check_fn): NULL when the value
 * is fine, with the normalised value in *out (in the arena), or a fixed
 * message, never the input itself. Generic ones live in valid.h; a service
 * keeps its own (auth's email syntax) next to its tables.
 *
 * Template names come from the field name in upper case: for "starts_at",
 * the value is STARTS_AT, the error section STARTS_AT_ERROR (with MESSAGE),
 * the section STARTS_AT_REQUIRED is shown when the field is required, and
 * STARTS_AT_MINLENGTH, STARTS_AT_MAXLENGTH, STARTS_AT_MIN and STARTS_AT_MAX
 * are set when the table gives those limits.
 */
#ifndef TK_FIELDS_H
#define TK_FIELDS_H
#include <stddef.h>

struct arena;
struct params;
struct request;

#define FIELDS_MAX_ERRORS 16

/* Field flags. */
enum {
	FIELD_REQUIRED = 1 << 0,    /* empty is an error (message missing) */
	FIELD_MULTILINE = 1 << 1,   /* line breaks and tabs allowed; CR LF becomes LF */
	FIELD_PASSWORD = 1 << 2,    /* verbatim: not trimmed, any character; never shown again */
	FIELD_NUMBER = 1 << 3,      /* a whole number from min to max (message invalid) */
	FIELD_IDEMPOTENCY = 1 << 4, /* the form's idempotency key (fields_idempotency_key) */
};

/* The validator convention: NULL when raw is fine (the normalised value in
 * *out, raw itself or a copy in arena a), else a fixed message. */
typedef const char *(*fields_check_fn)(struct arena *a, const char *raw, const char **out);

/*
 * One field of a form. Messages may name the limits as {min} and {max}
 * (min_chars/max_chars, or min/max for a number). The checks run in this
 * order and the first that fails gives the field's one error: missing
 * (required and empty after trimming; an optional empty field is fine and
 * checked no further), too_short (fewer than min_chars characters),
 * too_long (more than max_chars), control characters (invalid, else "This
 * text cannot contain control characters."; not for passwords), the
 * number's range (invalid), then check (invalid when the table gives one,
 * else the check's message). A check whose message the table leaves NULL
 * is not made: its limit only goes to the template (the sign-in form's
 * password has a maxlength but a wrong one is just a wrong password).
 * Characters are code points (UTF-8), not bytes.
 */
struct field {
	const char *name;      /* the form field's name and its element id */
	unsigned flags;        /* FIELD_* */
	size_t min_chars;      /* 0: no lower limit */
	size_t max_chars;      /* 0: no upper limit */
	long min, max;         /* FIELD_NUMBER: the range */
	fields_check_fn check; /* NULL: none beyond the above */
	const char *missing;
	const char *too_short;
	const char *too_long;
	const char *invalid;
};

/* A form is a NULL-terminated array of pointers to fields, so a field
 * several forms share (auth's email) is declared once:
 *	static const struct field *const signin_form[] = {&email, &password, NULL};
 */

/*
 * fields_idempotency_key: the field a create form lists in its table to
 * get an idempotency key (lib/idem.h): "idempotency_key", 32 random hex
 * digits. fields_init gives it a fresh key; fields_show puts it into the
 * hidden fields of the page's forms (the CSRF include), so a template needs
 * nothing for it; fields_read checks it, and when it is missing or
 * malformed records an error ("reload") and gives the form a fresh key, so
 * the 422 form can simply be sent again. fields_key hands the key to the
 * store function that creates the row.
 */
extern const struct field fields_idempotency_key;

/* fields_fresh_key: a new random idempotency key (32 hex digits) in a, for
 * a form that carries one without a form table of the service that reads
 * it (the listing page's Buy form, which the orders service reads). */
const char *fields_fresh_key(struct arena *a);

struct fields_error {
	const char *section; /* "NAME_ERROR", or a page's own, e.g. "CONFLICT_ERROR" */
	const char *field;   /* the element id the summary links to */
	const char *message; /* fixed server text */
};

/* A form's values and errors, all in one request's arena. */
struct fields {
	struct arena *arena;
	const struct field *const *form;
	size_t n;            /* fields in form */
	const char **values; /* n values: trimmed, normalised by the check; "" when absent */
	long *numbers;       /* n numbers: the value of each valid FIELD_NUMBER field */
	struct fields_error errors[FIELDS_MAX_ERRORS];
	size_t nerrors;
};

/* fields_init: *f for form with every value "" and no error (a form shown
 * for the first time; the handler may then set values[i]). */
void fields_init(struct arena *a, const struct field *const *form, struct fields *f);

/*
 * fields_read: fields_init, then every field of form read from p (the
 * first value of its name; absent reads as "") and checked with
 * fields_check, its error recorded in table order. Names in p that form
 * does not list are ignored. Everything lands in arena a.
 */
void fields_read(struct arena *a, const struct field *const *form, const struct params *p,
		 struct fields *f);

/*
 * fields_check: apply field fd's rules to one raw value (NULL reads as "").
 * Returns NULL when fine, else the message (limits filled in, in arena a).
 * *out is the trimmed, normalised value, kept even when there is an error.
 * For a FIELD_NUMBER field, *number (when not NULL) gets the number, or 0.
 */
const char *fields_check(struct arena *a, const struct field *fd, const char *raw, const char **out,
			 long *number);

/*
 * fields_error: record message for field (an element id). section NULL
 * means the field's own ("<FIELD>_ERROR"). A section keeps its first
 * error only (it shows once), and at most FIELDS_MAX_ERRORS are kept; a
 * NULL message records nothing. Returns 1 when recorded, else 0.
 */
int fields_error(struct fields *f, const char *section, const char *field, const char *message);

/* fields_has_error: 1 when field (an element id) has an error, else 0. */
int fields_has_error(const struct fields *f, const char *field);

/* fields_index: the position of the field called name in f's form, or -1. */
int fields_index(const struct fields *f, const char *name);

/* fields_key: the value of the form's FIELD_IDEMPOTENCY field (checked by
 * fields_read, or fresh from fields_init), or NULL when the form has none
 * or it has an error. */
const char *fields_key(const struct fields *f);

/*
 * fields_show: into the page begun by page_begin (r->page): each field's
 * value (not for passwords), limits and REQUIRED section, then the errors
 * by their sections and in the form's error summary, in the order of the
 * fields in the table (errors of fields not in it last, in the order
 * recorded). A FIELD_IDEMPOTENCY field's key goes into the page's hidden
 * fields (r->hidden: section IDEMPOTENCY with IDEMPOTENCY_KEY).
 */
void fields_show(struct request *r, const struct fields *f);

#endif
