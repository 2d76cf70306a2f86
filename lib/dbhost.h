/*
 * The MariaDB servers a program may use: the value of db_host, a
 * comma-separated list of entries tried in order (lib/db.c keeps the first
 * whose server accepts writes). An entry is a host name or IPv4 address,
 * optionally ":port", or an IPv6 address in brackets, optionally ":port"
 * ("db1.example.org", "10.0.0.31:3307", "[::1]:3306"). An entry without a
 * port takes db_port. Spaces around an entry are allowed. Pure code: the
 * configuration validates db_host with it at load (lib/config.c), so a
 * malformed list stops the program before it serves anything.
 */
#ifndef TK_DBHOST_H
#define TK_DBHOST_H
#include <stddef.h>

#define DBHOST_MAX 8        /* servers in one list */
#define DBHOST_NAME_MAX 255 /* bytes of a host name (RFC 1035's limit) */

/* One server of the list. */
struct dbhost {
	char name[DBHOST_NAME_MAX + 1]; /* an IPv6 address without its brackets */
	unsigned port;
};

/*
 * dbhost_parse: the entries of list (NUL-terminated) into out[0..*n), ports
 * defaulting to default_port. An empty list (or only spaces) is no entry:
 * TK_OK with *n = 0, the connector's default host. Returns TK_OK, or
 * TK_EINVAL with *why (when why is not NULL) a static English sentence
 * naming the fault (an empty entry, a bad character, a port outside
 * 1..65535, an IPv6 address without brackets, more than DBHOST_MAX
 * entries); out and *n are then unspecified.
 */
int dbhost_parse(const char *list, unsigned default_port, struct dbhost out[DBHOST_MAX] /* OUT */,
		 size_t *n /* OUT */, const char **why /* OUT */);

#endif
