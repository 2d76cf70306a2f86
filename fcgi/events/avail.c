/*
 * What the catalogue says of an event's tickets, from the summary the
 * store reads out of stock_replica: the text of the home page, search
 * results and the event page. Pure: no request, no database.
 */
#include <stdio.h>

#include "events.h"
#include "money.h"

char *
avail_summary(const struct stock_summary *s, const struct money_currency *c, char *out, size_t size)
{
	char price[MONEY_TEXT_MAX];

	if (size == 0)
		goto out;
	if (s->available > 0)
		snprintf(out, size, "from %s · %ld %s",
			 money_format(s->price_from, c, price, sizeof(price)), s->available,
			 s->available == 1 ? "ticket" : "tickets");
	else if (s->listings > 0)
		snprintf(out, size, "Sold out");
	else
		out[0] = '\0';
out:
	return out;
}
