/*
 * Logging to stderr, one line per message, with a UTC timestamp; the process
 * manager collects stderr. log_request writes the one line per request.
 */
#ifndef TK_LOG_H
#define TK_LOG_H
#include <stdint.h>

struct request;

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_request: "req <id> <method> <path> <status> <ms>ms user=<id or ->". */
void log_request(const struct request *r, int64_t duration_us);

#endif
