/*
 * The project's one error convention. Every function that can fail returns
 * an int: TK_OK (0) on success or one of the negative codes below. Codes
 * from foreign libraries (MariaDB errno, natsStatus, C++ exceptions) are
 * translated into these at the edge of lib/ and never travel further.
 */
#ifndef TK_ERR_H
#define TK_ERR_H

enum tk_err {
	TK_OK = 0,
	TK_EINVAL = -1,        /* malformed input (400) */
	TK_ENOTFOUND = -2,     /* no such thing, or not the caller's (404) */
	TK_EEXIST = -3,        /* unique constraint hit (409 or a form error) */
	TK_ETOOBIG = -4,       /* input over a size limit (413) */
	TK_EDBDOWN = -5,       /* database unreachable or lost mid-request (503) */
	TK_EDB = -6,           /* any other database failure (500) */
	TK_ERETRY = -7,        /* deadlock or lock wait timeout: try the transaction again */
	TK_EAUTH = -8,         /* bad credentials, bad or expired token */
	TK_ECONFLICT = -9,     /* state does not allow the change (409) */
	TK_EIO = -10,          /* reading or writing a file or socket failed */
	TK_ECONFIG = -11,      /* configuration missing or invalid */
	TK_ETEMPLATE = -12,    /* a template is missing or failed to render (500) */
	TK_ELIMIT = -13,       /* too many attempts (429) */
	TK_EUNSUPPORTED = -14, /* unsupported media type or method (415) */
	TK_ECRYPTO = -15,      /* a cryptographic primitive failed */
	TK_EINTERNAL = -16,    /* a bug: an invariant did not hold (500) */
	TK_ERR__MIN = -17
};

/* err_str: a short English description of an error code; never NULL. */
const char *err_str(int code);

/* err_http_status: the HTTP status a request failing with this code answers. */
int err_http_status(int code);

#endif
