/*
 * The notifications worker's parts (workers/notify, docs/MAIL.md):
 *   notices.c  the table of notices: which event makes which mail, to whom,
 *              with what data, and how that data fills the templates
 *              (the account mails, and the marketplace mails of order.*,
 *              with the e-tickets of a receipt)
 *   notify.c   the consumers that write mail rows and the loop that sends
 *              them over SMTP
 */
#ifndef TK_NOTIFY_H
#define TK_NOTIFY_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "mail.h"
#include "tmpl.h"

struct arena;
struct worker_job;

/* The role a users_replica row held before a user event, for the notices
 * that compare (NULL members when the replica did not hold the member or
 * held a newer version). */
struct notify_prior {
	const char *role;
	const char *email;
	const char *name;
};

/* What a notice's rules see at consume time. */
struct notice_in {
	struct worker_job *job;
	const struct notify_prior *prior; /* user events only */
	const char *email, *name;         /* the member's, when the event carries them */
	/* order events: what the replicas say of the order's listing, event
	 * and venue (section, row, seat, event_name, starts, timezone, venue,
	 * city), read before the notices' data; NULL for other events. */
	json_t *context;
};

/* Whom a notice goes to. */
enum notice_to {
	NOTICE_TO_EVENT, /* the event's own "email" and "name" members */
	NOTICE_TO_USER,  /* the member named by data[user_key], by users_replica */
};

/* What the send-time rendering of one mail sees. */
struct notice_render {
	tmpl_dict *d;                 /* the templates' dictionary (text and HTML) */
	json_t *data;                 /* the mail row's data */
	const char *base_url;         /* without a trailing slash */
	const unsigned char *pk, *sk; /* the worker's crypto_box key pair */
	/* the e-ticket signing key (eticket_key_file), NULL when not set */
	const unsigned char *eticket_sk;
	struct arena *a; /* scratch memory of this rendering */
	const char *why; /* OUT on failure: a short static reason */
	/* OUT: the inline images of the mail (notify_image_add), freed by the
	 * renderer */
	struct mail_image *images;
	struct buf *image_data;
	size_t nimages;
};

/*
 * One notice: an event of type that (when) deserves mail kind to (to,
 * user_key), keeping data's result for rendering. Templates
 * mail/KIND.txt (its first line the subject, then a blank line, then the
 * text) and mail/KIND.html.tpl. The mail's Message-ID is
 * <EVENT_ID.KIND@host of base_url>.
 */
struct notice {
	const char *type;
	const char *kind;
	/* 1 when this event deserves the mail; NULL: every event of type. */
	int (*when)(const struct notice_in *in);
	enum notice_to to;
	const char *user_key;
	/* The members the templates will need, into out (an empty object);
	 * TK_OK, or TK_EINVAL to refuse the event (dead letter). */
	int (*data)(const struct notice_in *in, json_t *out);
	/* Template variables from r->data (NAME, BASE_URL are set already);
	 * TK_OK, or an error with r->why (the mail fails for good). */
	int (*fill)(struct notice_render *r);
};

extern const struct notice notices[];
extern const size_t nnotices;

/*
 * notify_image_add: append an inline image to r's mail: its Content-ID cid
 * (copied), MIME type and file name (static), and its bytes, which it
 * takes from *data (left empty). TK_OK, or TK_EINVAL for a bad cid.
 */
int notify_image_add(struct notice_render *r, const char *cid, const char *type,
		     const char *filename, struct buf *data);

/* notify_role_rank: member 0, organizer 1, admin 2; -1 for anything else. */
int notify_role_rank(const char *role);

#endif
