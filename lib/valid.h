/*
 * Validators of typed values that several services' forms share: whole
 * numbers in a range, calendar dates, datetime-local times, IANA time
 * zone names and ids chosen from a list. Pure functions of their input (no database, no clock), so
 * the unit tests cover them without a server.
 *
 * The valid_* functions with the signature of fields_check_fn (fields.h)
 * follow the one validator convention: they return NULL when raw is fine,
 * with the normalised value in *out (raw itself or a copy in arena a), or a
 * fixed message for the form, never the input itself. A form table may
 * replace that message with its own (field.invalid).
 */
#ifndef TK_VALID_H
#define TK_VALID_H

struct arena;

/* valid_whole_number: raw is a whole number from min to max written with
 * ASCII digits only (no sign, no spaces); its value into *out. Returns
 * TK_OK, or TK_EINVAL (and *out = 0) otherwise. */
int valid_whole_number(const char *raw, long min, long max, long *out);

/* valid_local_time: a datetime-local value "YYYY-MM-DDTHH:MM" or
 * "YYYY-MM-DDTHH:MM:SS" naming a real calendar time from the year 2000
 * into out as "YYYY-MM-DD HH:MM:SS" (the SQL form). Returns TK_OK, or
 * TK_EINVAL when malformed (out is then unspecified). */
int valid_local_time(const char *raw, char out[20]);

/* valid_datetime_local: the convention's form of valid_local_time: NULL
 * when raw is a datetime-local value (*out = raw), else a message. */
const char *valid_datetime_local(struct arena *a, const char *raw, const char **out);

/* valid_date: NULL when raw is a real date "YYYY-MM-DD" from the year 2000
 * (*out = raw), else a message. */
const char *valid_date(struct arena *a, const char *raw, const char **out);

/* valid_timezone_name: NULL when raw looks like an IANA zone name
 * ("Area/Location", "Area/Location/Sub", or "UTC"; *out = raw), else a
 * message. Whether the zone exists is the database's question. */
const char *valid_timezone_name(struct arena *a, const char *raw, const char **out);

/* valid_uuid: NULL when raw is a canonical lower-case UUID (an id chosen
 * from a list; *out = raw), else a message. */
const char *valid_uuid(struct arena *a, const char *raw, const char **out);

/* valid_key: NULL when raw is 32 lower-case hex digits (a random key a
 * form carries, like an idempotency key; *out = raw), else a message. */
const char *valid_key(struct arena *a, const char *raw, const char **out);

#endif
