/*
 * bench/drive: sends a list of HTTP requests to the local stack, each
 * exactly once, over CONNECTIONS kept-alive connections, and reports how
 * fast they were answered. A line of FILE is one request: the value of
 * its Cookie header, a space, and its url-encoded form body (for GET the
 * body is ignored). Every connection is opened first; then each sends
 * the next unsent line, waits for the answer and sends the next, until
 * the lines run out or SECONDS have passed (0: no limit); answers still
 * awaited then are waited for. So with as many connections as lines
 * every request leaves at once (a burst), and with fewer it is a steady
 * load in which no request is ever sent twice (what wrk cannot promise:
 * each reservation is a distinct buyer's).
 *
 * It prints, one per line:
 *   requests N            answers received
 *   seconds S             from the first request sent to the last answer
 *   rps R                 N / S
 *   latency P50 P99 MAX   per request, ms, from its send to its answer
 *   status CODE COUNT     answers by status
 *   errors N              connections that failed (closed, unparsable)
 *
 * Usage: bench/drive HOST PORT METHOD PATH CONNECTIONS SECONDS FILE
 * A single-threaded epoll loop: on this machine it sends far more than
 * the stack answers, so what it measures is the stack.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RESP_MAX 65536 /* the most bytes of one answer kept at once */
#define STATUS_MAX 600

struct conn {
	int fd;
	int busy;    /* a request is out */
	double sent; /* when it left, seconds */
	size_t len;  /* bytes in buf */
	char buf[RESP_MAX];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* answer_len: the length of the complete answer at the start of buf[0..len),
 * 0 while it is incomplete, -1 when it cannot be parsed. *status (OUT)
 * its status code, *close (OUT) 1 when the server closes the connection
 * after it (nginx does after keepalive_requests). Bodies by
 * Content-Length or chunked. */
static long
answer_len(const char *buf, size_t len, int *status, int *close)
{
	const char *end, *p, *h;
	long clen = -1, off, size;
	int chunked = 0;

	end = memmem(buf, len, "\r\n\r\n", 4);
	if (end == NULL)
		return len >= RESP_MAX ? -1 : 0;
	if (len < 12 || strncmp(buf, "HTTP/1.1 ", 9) != 0)
		return -1;
	*status = atoi(buf + 9);
	for (h = memchr(buf, '\n', (size_t)(end - buf)); h != NULL && h < end;
	     h = memchr(h + 1, '\n', (size_t)(end - h))) {
		if (strncasecmp(h + 1, "Content-Length:", 15) == 0)
			clen = strtol(h + 16, NULL, 10);
		else if (strncasecmp(h + 1, "Transfer-Encoding:", 18) == 0 &&
			 memmem(h, (size_t)(end - h), "chunked", 7) != NULL)
			chunked = 1;
		else if (strncasecmp(h + 1, "Connection: close", 17) == 0)
			*close = 1;
	}
	off = (long)(end - buf) + 4;
	if (!chunked)
		return off + (clen > 0 ? clen : 0) <= (long)len ? off + (clen > 0 ? clen : 0) : 0;
	for (;;) {
		p = memmem(buf + off, len - (size_t)off, "\r\n", 2);
		if (p == NULL)
			return 0;
		size = strtol(buf + off, NULL, 16);
		off = (long)(p - buf) + 2 + size + 2;
		if (off > (long)len)
			return 0;
		if (size == 0)
			return off;
	}
}

/* conn_open: a new connection to sa as c, watched by ep. -1 on error. */
static int
conn_open(struct conn *c, int ep, const struct sockaddr_in *sa)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0) {
		perror("drive: connect");
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* send_line: line (cookie, space, body) as a request on c. -1 on error. */
static int
send_line(struct conn *c, const char *host, const char *method, const char *path, char *line)
{
	char req[8192], *sp = strchr(line, ' ');
	const char *body = "";
	int n;
	size_t done = 0;

	if (sp != NULL) {
		*sp = '\0';
		body = sp + 1;
	}
	if (strcmp(method, "GET") == 0)
		n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n\r\n",
			     path, host, line);
	else
		n = snprintf(req, sizeof(req),
			     "%s %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n"
			     "Content-Type: application/x-www-form-urlencoded\r\n"
			     "Content-Length: %zu\r\n\r\n%s",
			     method, path, host, line, strlen(body), body);
	if (n < 0 || (size_t)n >= sizeof(req))
		return -1;
	while (done < (size_t)n) {
		ssize_t w = write(c->fd, req + done, (size_t)n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	c->busy = 1;
	c->len = 0;
	c->sent = now();
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct epoll_event evs[256];
	struct conn *conns = NULL;
	char **lines = NULL, *line = NULL, host[64];
	double *lat = NULL, t0 = 0, t_last = 0, limit;
	long counts[STATUS_MAX] = {0}, nconn, nlines = 0, cap = 0, next = 0, nlat = 0, errors = 0;
	long busy = 0, i;
	size_t linecap = 0;
	ssize_t got;
	FILE *f = NULL;
	int ep = -1, status = 2, n, k;

	if (argc != 8) {
		fprintf(stderr, "usage: drive HOST PORT METHOD PATH CONNECTIONS SECONDS FILE\n");
		goto out;
	}
	nconn = strtol(argv[5], NULL, 10);
	limit = strtod(argv[6], NULL);
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	if (nconn < 1 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "drive: bad HOST or CONNECTIONS\n");
		goto out;
	}
	snprintf(host, sizeof(host), "%s:%s", argv[1], argv[2]);
	f = fopen(argv[7], "r");
	if (f == NULL) {
		perror(argv[7]);
		goto out;
	}
	while ((got = getline(&line, &linecap, f)) > 0) {
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		if (nlines == cap) {
			cap = cap ? cap * 2 : 1024;
			lines = realloc(lines, (size_t)cap * sizeof(*lines));
			if (lines == NULL)
				abort();
		}
		lines[nlines++] = strdup(line);
	}
	status = 1;
	conns = calloc((size_t)nconn, sizeof(*conns));
	lat = calloc((size_t)nlines + 1, sizeof(*lat));
	ep = epoll_create1(0);
	if (conns == NULL || lat == NULL || ep < 0)
		goto out;
	for (i = 0; i < nconn; i++)
		conns[i].fd = -1;
	for (i = 0; i < nconn; i++)
		if (conn_open(&conns[i], ep, &sa) != 0)
			goto out;
	t0 = now();
	for (i = 0; i < nconn && next < nlines; i++) {
		if (send_line(&conns[i], host, argv[3], argv[4], lines[next++]) != 0)
			errors++;
		else
			busy++;
	}
	while (busy > 0) {
		n = epoll_wait(ep, evs, 256, 1000);
		if (n < 0 && errno != EINTR)
			goto out;
		for (k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;
			long alen;
			int code = 0, closing = 0;

			got = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
			if (got <= 0 || !c->busy) {
				if (got < 0 && errno == EINTR)
					continue;
				errors++;
				busy -= c->busy;
				c->busy = 0;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				continue;
			}
			c->len += (size_t)got;
			alen = answer_len(c->buf, c->len, &code, &closing);
			if (alen == 0)
				continue;
			t_last = now();
			busy--;
			c->busy = 0;
			if (alen < 0) {
				errors++;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				continue;
			}
			lat[nlat++] = t_last - c->sent;
			counts[code > 0 && code < STATUS_MAX ? code : 0]++;
			if (closing) {
				close(c->fd);
				if (conn_open(c, ep, &sa) != 0)
					goto out;
			}
			if (next < nlines && (limit <= 0 || t_last - t0 < limit)) {
				if (send_line(c, host, argv[3], argv[4], lines[next++]) != 0)
					errors++;
				else
					busy++;
			}
		}
	}
	qsort(lat, (size_t)nlat, sizeof(*lat), cmp_double);
	printf("requests %ld\n", nlat);
	printf("seconds %.4f\n", t_last - t0);
	printf("rps %.1f\n", nlat > 0 && t_last > t0 ? (double)nlat / (t_last - t0) : 0.0);
	if (nlat > 0)
		printf("latency %.3f %.3f %.3f\n", lat[(nlat - 1) / 2] * 1000,
		       lat[(long)((double)(nlat - 1) * 0.99)] * 1000, lat[nlat - 1] * 1000);
	for (i = 0; i < STATUS_MAX; i++)
		if (counts[i] > 0)
			printf("status %ld %ld\n", i, counts[i]);
	printf("errors %ld\n", errors);
	status = 0;
out:
	if (f != NULL)
		fclose(f);
	for (i = 0; conns != NULL && i < nconn; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	free(line);
	free(conns);
	free(lat);
	if (ep >= 0)
		close(ep);
	return status;
}
