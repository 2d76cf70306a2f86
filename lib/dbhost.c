/*
 * The db_host list (dbhost.h): split on commas, each entry trimmed and
 * read as "name[:port]" or "[ipv6][:port]". Nothing is looked up here;
 * names are checked for the characters a host name or an address may
 * hold, so a typo ("127.0.0.1;3307", "db1:33o6") is refused at load
 * rather than found later as a server that never answers.
 */
#include <ctype.h>
#include <string.h>

#include "dbhost.h"
#include "err.h"

/* The sentence of an error, into *why when why is not NULL. */
static int
refuse(const char **why, const char *sentence)
{
	if (why != NULL)
		*why = sentence;
	return TK_EINVAL;
}

/* port_of: s[0..len) as a port 1..65535 into *port. */
static int
port_of(const char *s, size_t len, unsigned *port, const char **why)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return refuse(why, "a port is a number from 1 to 65535");
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return refuse(why, "a port is a number from 1 to 65535");
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return refuse(why, "a port is a number from 1 to 65535");
	*port = (unsigned)v;
	return TK_OK;
}

/* Characters of a host name or IPv4 address, and of an IPv6 address. */
static int
name_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

static int
ipv6_char(int c)
{
	return isxdigit(c) || c == ':' || c == '.';
}

/* Whether s[0..len) could be an IPv6 address written without brackets. */
static int
all_ipv6(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!ipv6_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* entry_of: the entry s[0..len) (trimmed, not empty) into *h. */
static int
entry_of(const char *s, size_t len, unsigned default_port, struct dbhost *h, const char **why)
{
	const char *name = s, *rest, *end = s + len;
	size_t nlen, i;
	int (*allowed)(int) = name_char;

	if (s[0] == '[') {
		rest = memchr(s, ']', len);
		if (rest == NULL)
			return refuse(why, "an IPv6 address lacks its closing bracket");
		name = s + 1;
		nlen = (size_t)(rest - name);
		rest++;
		allowed = ipv6_char;
		if (rest < end && *rest != ':')
			return refuse(why, "a bracketed address may only be followed by :port");
	} else {
		rest = memchr(s, ':', len);
		if (rest == NULL)
			rest = end;
		else if (memchr(rest + 1, ':', (size_t)(end - rest - 1)) != NULL &&
			 all_ipv6(s, len))
			return refuse(why, "an IPv6 address needs brackets, e.g. [::1]:3306");
		nlen = (size_t)(rest - name);
	}
	if (nlen == 0)
		return refuse(why, "an entry has no host before its port");
	if (nlen > DBHOST_NAME_MAX)
		return refuse(why, "a host name is at most 255 bytes");
	for (i = 0; i < nlen; i++)
		if (!allowed((unsigned char)name[i]))
			return refuse(why,
				      allowed == name_char
					  ? "a host name holds only letters, digits, '-', '.' "
					    "and '_'"
					  : "an IPv6 address holds only hex digits, ':' and '.'");
	memcpy(h->name, name, nlen);
	h->name[nlen] = '\0';
	h->port = default_port;
	if (rest < end)
		return port_of(rest + 1, (size_t)(end - rest - 1), &h->port, why);
	return TK_OK;
}

int
dbhost_parse(const char *list, unsigned default_port, struct dbhost out[DBHOST_MAX], size_t *n,
	     const char **why)
{
	const char *s = list, *comma, *b, *e;
	int rc = TK_OK;

	*n = 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		goto out; /* no entry: the connector's default */
	for (;;) {
		comma = strchr(s, ',');
		e = comma != NULL ? comma : s + strlen(s);
		for (b = s; b < e && isspace((unsigned char)*b); b++)
			;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (b == e) {
			rc = refuse(why,
				    "an entry of the list is empty (two commas, or one at an end)");
			goto out;
		}
		if (*n == DBHOST_MAX) {
			rc = refuse(why, "the list names more than 8 servers");
			goto out;
		}
		rc = entry_of(b, (size_t)(e - b), default_port, &out[*n], why);
		if (rc != TK_OK)
			goto out;
		(*n)++;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
out:
	return rc;
}
