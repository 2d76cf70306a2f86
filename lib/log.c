/*
 * Logging to stderr (log.h). Each message is formatted into one buffer and
 * written with one call, so lines from different threads do not interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "req.h"

static int log_fd = STDERR_FILENO;

int
log_open(const char *path)
{
	int fd;

	if (path == NULL || *path == '\0')
		return TK_OK;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_error("cannot open log file %s: %s", path, strerror(errno));
		return TK_EIO;
	}
	log_fd = fd;
	return TK_OK;
}

static void
emit(const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t n;
	int k;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	k = snprintf(line + n, sizeof(line) - n, ".%03ldZ %s ", ts.tv_nsec / 1000000L, level);
	if (k > 0)
		n += (size_t)k;
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (k > 0)
		n += (size_t)k;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	/* One line per message: fold any newline a message carries. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(log_fd, line, n) < 0) {
		/* Nowhere left to report it. */
	}
}

#define DEFINE_LOG(fn, level)                                                                      \
	void fn(const char *fmt, ...)                                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		emit(level, fmt, ap);                                                              \
		va_end(ap);                                                                        \
	}

DEFINE_LOG(log_info, "info")
DEFINE_LOG(log_warn, "warn")
DEFINE_LOG(log_error, "error")

static void
log_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("req", fmt, ap);
	va_end(ap);
}

void
log_request(const struct request *r, int64_t duration_us, const char *db)
{
	log_line("%s %s %s %d %lld.%03lldms user=%s db=%s", r->request_id ? r->request_id : "-",
		 r->method ? r->method : "-", r->path ? r->path : "-", r->status,
		 (long long)(duration_us / 1000), (long long)(duration_us % 1000),
		 r->session ? r->session->user_id : "-", db);
}
