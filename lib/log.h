/*
 * Logging, one line per message with a UTC timestamp: to stderr (for the
 * process manager or journald), or to a file named by the log_file setting.
 * A file avoids handing every request's line through the process manager,
 * which costs it more CPU than the request itself at high rates.
 * log_request writes the one line per request.
 */
#ifndef TK_LOG_H
#define TK_LOG_H
#include <stdint.h>

struct request;

/* log_open: append from now on to the file at path (created 0640 if
 * missing); NULL or "" keeps stderr. Returns TK_OK or TK_EIO. Call before
 * threads start. */
int log_open(const char *path);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_request: "req <id> <method> <path> <status> <ms>ms user=<id or ->
 * db=<db>", db being what the request sent to the database (db_trace in
 * lib/db.h). */
void log_request(const struct request *r, int64_t duration_us, const char *db);

#endif
