/*
 * Administration of roles: an admin finds members by email or name and
 * grants or revokes the organizer role. The admin role itself is given only
 * with ticketingctl, never through the web.
 */
#include <string.h>

#include "arena.h"
#include "auth.h"
#include "err.h"
#include "fields.h"
#include "page.h"
#include "req.h"
#include "text.h"

#define ADMIN_LIST_LIMIT 50

/* The search: a part of an email or name, so no longer than an email. */
static const struct field q_field = {
    .name = "q",
    .max_chars = 254,
    .too_long = "Search words have at most {max} characters.",
};

static const struct field *const search_form[] = {&q_field, NULL};

/*
 * GET /auth/admin/users[?q=text] (admins): the members whose email or name
 * contains q (all of them, newest first, when q is empty), at most
 * ADMIN_LIST_LIMIT, each with a button to grant or revoke the organizer role.
 */
int
h_admin_users(struct request *r)
{
	const char *q;
	struct fields f;
	struct user *users;
	size_t n, i;
	int more, rc;
	tmpl_dict *d, *list, *u, *action;

	fields_read(r->arena, search_form, &r->query, &f);
	if (f.nerrors > 0)
		return TK_EINVAL;
	q = f.values[0];
	rc = store_find_users(&r->store, q, ADMIN_LIST_LIMIT, &users, &n, &more);
	if (rc != TK_OK)
		return rc;
	d = page_begin(r, "pages/auth/admin_users.tpl", "Members and roles");
	fields_show(r, &f);
	if (n == 0) {
		tmpl_show(d, "NONE");
		page_end(r, 200);
		return TK_OK;
	}
	list = tmpl_section(d, "RESULTS");
	if (more) {
		tmpl_show(list, "MORE");
		tmpl_set_int(list, "LIMIT", ADMIN_LIST_LIMIT);
	}
	for (i = 0; i < n; i++) {
		u = tmpl_section(list, "USER");
		tmpl_set(u, "NAME", users[i].name);
		tmpl_set(u, "EMAIL", users[i].email);
		tmpl_set(u, "ROLE", role_name(users[i].role));
		tmpl_set(u, "CREATED_AT", users[i].created_at);
		if (users[i].role == ROLE_ADMIN) {
			tmpl_show(u, "ADMIN");
			continue;
		}
		action = tmpl_section(u, users[i].role == ROLE_ORGANIZER ? "DEMOTE" : "PROMOTE");
		tmpl_set(action, "ACTION_URL",
			 arena_printf(r->arena, "/auth/admin/users/%s/role", users[i].id));
		tmpl_set(tmpl_include(action, "CSRF", "partials/csrf.tpl"), "CSRF_TOKEN",
			 r->csrf_token);
	}
	page_end(r, 200);
	return TK_OK;
}

/*
 * POST /auth/admin/users/:id/role (admins, CSRF checked), role=organizer or
 * role=member: sets the role, emits user.updated, signs the member out
 * everywhere so the change applies at once, and answers 303 to the list
 * filtered on the member's email. 400 for another role value; 404 for an
 * unknown id or an administrator's account.
 */
int
h_admin_set_role(struct request *r)
{
	const char *id = params_get(&r->route, "id"), *role = params_get(&r->form, "role");
	enum role want;
	struct user u;
	int rc;

	if (role == NULL || role_parse(role, &want) != TK_OK || want == ROLE_ADMIN)
		return TK_EINVAL;
	rc = store_user_by_id(&r->store, id, &u);
	if (rc == TK_OK && u.role == ROLE_ADMIN)
		rc = TK_ENOTFOUND;
	if (rc == TK_OK)
		rc = store_set_role(&r->store, &u, want);
	if (rc != TK_OK)
		return rc;
	page_flash(r, AUTH_FLASH_ROLE_CHANGED);
	resp_redirect(r, arena_printf(r->arena, "/auth/admin/users?q=%s",
				      text_url_encode(r->arena, u.email)));
	return TK_OK;
}
