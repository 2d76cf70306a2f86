/*
 * Descriptions and HTTP statuses for the project's error codes (err.h).
 */
#include "err.h"

static const struct {
	const char *text;
	int status;
} errs[] = {
    [0] = {"success", 200},
    [-TK_EINVAL] = {"malformed input", 400},
    [-TK_ENOTFOUND] = {"not found", 404},
    [-TK_EEXIST] = {"already exists", 409},
    [-TK_ETOOBIG] = {"input too large", 413},
    [-TK_EDBDOWN] = {"database unavailable", 503},
    [-TK_EDB] = {"database error", 500},
    [-TK_ERETRY] = {"transaction conflict, retry", 503},
    [-TK_EAUTH] = {"authentication failed", 403},
    [-TK_ECONFLICT] = {"state conflict", 409},
    [-TK_EIO] = {"input/output error", 500},
    [-TK_ECONFIG] = {"configuration error", 500},
    [-TK_ETEMPLATE] = {"template error", 500},
    [-TK_ELIMIT] = {"too many attempts", 429},
    [-TK_EUNSUPPORTED] = {"unsupported", 415},
    [-TK_ECRYPTO] = {"cryptographic failure", 500},
    [-TK_EINTERNAL] = {"internal error", 500},
};

const char *
err_str(int code)
{
	if (code > 0 || code <= TK_ERR__MIN)
		return "unknown error";
	return errs[-code].text;
}

int
err_http_status(int code)
{
	if (code > 0 || code <= TK_ERR__MIN)
		return 500;
	return errs[-code].status;
}
