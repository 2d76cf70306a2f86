/*
 * Unit tests for the template shim (lib/tmpl.cc) and the templates under
 * templates/: every .tpl starts with the AUTOESCAPE pragma, no form input
 * carries a literal maxlength, minlength, min or max, values are
 * HTML-escaped wherever they land (layout, page, include, section), a
 * missing template fails without output, sections show and hide, and
 * include dictionaries do not inherit their parent's values. The template
 * folder is $TK_SRCDIR/templates (TK_SRCDIR defaults to ".").
 */
#include <sys/stat.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"

#include "buf.h"
#include "err.h"
#include "page.h"
#include "tmpl.h"

#define PRAGMA "{{%AUTOESCAPE context=\"HTML\"}}\n"
#define EVIL "<script>alert(1)</script>&\"'"
#define EVIL_ESC "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"

static char template_root[PATH_MAX];

/* Render file with d into a fresh buffer; the caller frees out. */
static int
render(const char *file, const tmpl_dict *d, struct buf *out)
{
	*out = (struct buf){0};
	return tmpl_render(file, d, out);
}

static int
count_of(const char *hay, const char *needle)
{
	int n = 0;
	const char *p = hay;

	while (p != NULL && (p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* A layout dictionary for a signed-out visitor with page as BODY. */
static tmpl_dict *
layout_with(const char *page, tmpl_dict **body)
{
	tmpl_dict *d = tmpl_dict_new();

	tmpl_set(d, "TITLE", "Test");
	tmpl_show(d, "SIGNED_OUT");
	tmpl_include(d, "FLASH", "partials/flash.tpl");
	*body = tmpl_include(d, "BODY", page);
	return d;
}

static void
fail_named(const char *what, const char *path, int line)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), "%s: %s", path, what);
	fprintf(stderr, "\n  %s\n", msg);
	CU_assertImplementation(CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

/* walk_templates: call check on every *.tpl under dir (recursively), open
 * for reading; counts them in *count. */
static void
walk_templates(const char *dir, void (*check)(const char *path, FILE *f), int *count)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (dp == NULL) {
		fail_named("cannot open folder", dir, __LINE__);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		char path[PATH_MAX];
		struct stat st;
		size_t n;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk_templates(path, check, count);
			continue;
		}
		n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".tpl") != 0)
			continue;
		(*count)++;
		f = fopen(path, "r");
		if (f == NULL) {
			fail_named("cannot read", path, __LINE__);
			continue;
		}
		check(path, f);
		fclose(f);
	}
	closedir(dp);
}

static void
check_pragma(const char *path, FILE *f)
{
	char first[sizeof(PRAGMA) + 8];

	if (fgets(first, sizeof(first), f) == NULL || strcmp(first, PRAGMA) != 0)
		fail_named("first line is not exactly {{%AUTOESCAPE context=\"HTML\"}}", path,
			   __LINE__);
}

static void
test_pragma_everywhere(void)
{
	int count = 0;

	walk_templates(template_root, check_pragma, &count);
	CU_ASSERT(count >= 9);
}

/* check_limits: no attribute in the file gives a limit literally: each
 * maxlength, minlength, min and max takes its value from the form's table
 * (lib/fields.h), so a limit is written once. */
static void
check_limits(const char *path, FILE *f)
{
	static const char *const attrs[] = {" maxlength=\"", " minlength=\"", " min=\"", " max=\""};
	char line[4096];
	const char *p;
	size_t i;

	while (fgets(line, sizeof(line), f) != NULL) {
		for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
			for (p = line; (p = strstr(p, attrs[i])) != NULL; p++) {
				if (strncmp(p + strlen(attrs[i]), "{{", 2) != 0)
					fail_named(line, path, __LINE__);
			}
		}
	}
}

static void
test_no_literal_limits(void)
{
	int count = 0;

	walk_templates(template_root, check_limits, &count);
	CU_ASSERT(count >= 9);
}

static void
test_every_page_renders(void)
{
	static const char *pages[] = {
	    "pages/error.tpl",
	    "pages/auth/signup.tpl",
	    "pages/auth/signin.tpl",
	    "pages/auth/account.tpl",
	};
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		tmpl_dict *body;
		tmpl_dict *d = layout_with(pages[i], &body);
		struct buf out;

		tmpl_include(body, "CSRF", "partials/csrf.tpl");
		tmpl_include(body, "FORM_ERRORS", "partials/form_errors.tpl");
		CU_ASSERT_EQUAL(render("layout.tpl", d, &out), TK_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out.data);
		CU_ASSERT(strncmp(out.data, "<!DOCTYPE html>\n", 16) == 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "<h1>"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "</html>"));
		buf_free(&out);
		tmpl_dict_free(d);
	}
	/* Partials render on their own too. */
	{
		tmpl_dict *d = tmpl_dict_new();
		struct buf out;

		CU_ASSERT_EQUAL(render("partials/pagination.tpl", d, &out), TK_OK);
		buf_free(&out);
		tmpl_dict_free(d);
	}
}

/* The page rendered apart and put right before the layout's one
 * PAGE_BODY_END (lib/page.c) gives the same bytes as the page included
 * as BODY, for every page of test_every_page_renders and with the
 * signed-in header. */
static void
test_page_apart_is_included_page(void)
{
	static const char *pages[] = {"pages/error.tpl", "pages/auth/signin.tpl",
				      "pages/events/home.tpl"};
	struct buf whole, frame, page, spliced = {0};
	const char *end;
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		tmpl_dict *body, *d = layout_with(pages[i], &body), *alone;
		tmpl_dict *f = tmpl_dict_new(), *si;

		tmpl_set(body, "MESSAGE", "<apart>");
		CU_ASSERT_EQUAL_FATAL(render("layout.tpl", d, &whole), TK_OK);
		tmpl_set(f, "TITLE", "Test");
		si = tmpl_section(f, "SIGNED_IN");
		tmpl_set(si, "USER_NAME", "</main>");
		tmpl_include(f, "FLASH", "partials/flash.tpl");
		alone = tmpl_dict_new();
		tmpl_set(alone, "MESSAGE", "<apart>");
		CU_ASSERT_EQUAL_FATAL(render("layout.tpl", f, &frame), TK_OK);
		CU_ASSERT_EQUAL_FATAL(render(pages[i], alone, &page), TK_OK);
		CU_ASSERT_EQUAL(count_of(frame.data, PAGE_BODY_END), 1);
		end = strstr(frame.data, PAGE_BODY_END);
		CU_ASSERT_PTR_NOT_NULL_FATAL(end);
		buf_reset(&spliced);
		buf_append(&spliced, frame.data, (size_t)(end - frame.data));
		buf_append(&spliced, page.data, page.len);
		buf_puts(&spliced, end);
		/* The same but for the header's signed-in part. */
		CU_ASSERT_PTR_NOT_NULL(strstr(spliced.data, page.data));
		CU_ASSERT_STRING_EQUAL(strstr(spliced.data, "<main"), strstr(whole.data, "<main"));
		buf_free(&whole);
		buf_free(&frame);
		buf_free(&page);
		tmpl_dict_free(alone);
		tmpl_dict_free(f);
		tmpl_dict_free(d);
	}
	buf_free(&spliced);
}

static void
test_escaping(void)
{
	tmpl_dict *d = tmpl_dict_new();
	tmpl_dict *si, *fl, *body, *fe, *e, *ne;
	struct buf out;
	const char *s;

	tmpl_set(d, "TITLE", EVIL);
	si = tmpl_section(d, "SIGNED_IN");
	tmpl_set(si, "USER_NAME", EVIL);
	tmpl_set(tmpl_include(si, "CSRF", "partials/csrf.tpl"), "CSRF_TOKEN", EVIL);
	fl = tmpl_include(d, "FLASH", "partials/flash.tpl");
	tmpl_show(tmpl_section(fl, "FLASH"), "SIGNED_OUT");
	body = tmpl_include(d, "BODY", "pages/auth/signup.tpl");
	tmpl_set(body, "NAME", EVIL);
	tmpl_set(body, "EMAIL", EVIL);
	tmpl_set(tmpl_include(body, "CSRF", "partials/csrf.tpl"), "CSRF_TOKEN", EVIL);
	fe = tmpl_include(body, "FORM_ERRORS", "partials/form_errors.tpl");
	tmpl_show(fe, "ERRORS");
	e = tmpl_section(fe, "ERROR");
	tmpl_set(e, "FIELD", "name");
	tmpl_set(e, "MESSAGE", EVIL);
	ne = tmpl_section(body, "NAME_ERROR");
	tmpl_set(ne, "MESSAGE", EVIL);

	CU_ASSERT_EQUAL_FATAL(render("layout.tpl", d, &out), TK_OK);
	s = out.data;
	/* Never the raw value, nor any part of it that could break out. */
	CU_ASSERT_PTR_NULL(strstr(s, "<script"));
	CU_ASSERT_PTR_NULL(strstr(s, "</script"));
	CU_ASSERT_PTR_NULL(strstr(s, "&\"'"));
	CU_ASSERT_PTR_NULL(strstr(s, EVIL));
	/* The flash shows the section of its code. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<p>You are signed out.</p>"));
	/* Escaped in the layout itself. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title>" EVIL_ESC " · Ticketing</title>"));
	/* Escaped in a layout section. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Signed in as " EVIL_ESC "</a>"));
	/* Escaped in an include, in the layout and in the page. */
	CU_ASSERT_EQUAL(count_of(s, "name=\"csrf_token\" value=\"" EVIL_ESC "\""), 2);
	/* Escaped in the page (an attribute value). */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "id=\"name\" name=\"name\" value=\"" EVIL_ESC "\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "id=\"email\" name=\"email\" value=\"" EVIL_ESC "\""));
	/* Escaped in a page section, and the section ties the error to its input. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<p class=\"field-error\" id=\"name-error\">" EVIL_ESC));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "aria-invalid=\"true\" aria-describedby=\"name-error\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "class=\"field field-invalid\""));
	/* Escaped in a section of an include of an include. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<a href=\"#name\">" EVIL_ESC "</a>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "role=\"status\""));
	buf_free(&out);
	tmpl_dict_free(d);
}

static void
test_urls_are_checked(void)
{
	tmpl_dict *d = tmpl_dict_new();
	struct buf out;

	tmpl_set(tmpl_section(d, "PREV"), "PREV_URL", "javascript:alert(1)");
	tmpl_set(tmpl_section(d, "NEXT"), "NEXT_URL", "/events?page=3&q=\"x\"");
	CU_ASSERT_EQUAL_FATAL(render("partials/pagination.tpl", d, &out), TK_OK);
	CU_ASSERT_PTR_NULL(strstr(out.data, "javascript:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "rel=\"prev\" href=\"#\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "href=\"/events?page=3&amp;q=&quot;x&quot;\""));
	buf_free(&out);
	tmpl_dict_free(d);
}

static void
test_missing_template(void)
{
	tmpl_dict *body;
	tmpl_dict *d = tmpl_dict_new();
	struct buf out = {0};

	buf_puts(&out, "keep");
	CU_ASSERT_EQUAL(tmpl_render("pages/no-such-page.tpl", d, &out), TK_ETEMPLATE);
	CU_ASSERT_EQUAL(out.len, 4);
	CU_ASSERT_STRING_EQUAL(out.data, "keep");
	tmpl_dict_free(d);

	/* A missing include fails the whole page, and nothing half-rendered
	 * reaches the buffer. */
	d = layout_with("pages/no-such-page.tpl", &body);
	CU_ASSERT_EQUAL(tmpl_render("layout.tpl", d, &out), TK_ETEMPLATE);
	CU_ASSERT_EQUAL(out.len, 4);
	CU_ASSERT_STRING_EQUAL(out.data, "keep");
	tmpl_dict_free(d);

	d = layout_with("pages/error.tpl", &body);
	tmpl_include(d, "CSRF", "partials/no-such-partial.tpl");
	tmpl_show(d, "SIGNED_IN");
	CU_ASSERT_EQUAL(tmpl_render("layout.tpl", d, &out), TK_ETEMPLATE);
	CU_ASSERT_EQUAL(out.len, 4);
	buf_free(&out);
	tmpl_dict_free(d);

	/* The cache is frozen: a second tmpl_init is refused. */
	CU_ASSERT_EQUAL(tmpl_init(template_root), TK_ETEMPLATE);
}

static void
test_sections(void)
{
	tmpl_dict *body;
	tmpl_dict *d = layout_with("pages/auth/signin.tpl", &body);
	struct buf out;
	int i;

	/* Signed out; no flash, no next field, no errors. */
	CU_ASSERT_EQUAL_FATAL(render("layout.tpl", d, &out), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "href=\"/auth/signin\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "href=\"/auth/signup\""));
	CU_ASSERT_PTR_NULL(strstr(out.data, "Signed in as"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "/auth/signout"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "role=\"status\""));
	CU_ASSERT_PTR_NULL(strstr(out.data, "name=\"next\""));
	CU_ASSERT_PTR_NULL(strstr(out.data, "role=\"alert\""));
	CU_ASSERT_PTR_NULL(strstr(out.data, "aria-invalid"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "field-invalid"));
	buf_free(&out);
	tmpl_dict_free(d);

	/* Signed in, with the section's values and include taken from the
	 * dictionary that shows it; next field, generic error and three
	 * summary entries shown. */
	d = tmpl_dict_new();
	tmpl_set(d, "TITLE", "Sign in");
	tmpl_show(d, "SIGNED_IN");
	tmpl_set(d, "USER_NAME", "Alice");
	tmpl_set(tmpl_include(d, "CSRF", "partials/csrf.tpl"), "CSRF_TOKEN", "tok123");
	body = tmpl_include(d, "BODY", "pages/auth/signin.tpl");
	tmpl_show(body, "NEXT_FIELD");
	tmpl_set(body, "NEXT", "/orders/42");
	tmpl_set(tmpl_section(body, "SIGNIN_ERROR"), "MESSAGE", "Wrong email or password.");
	{
		tmpl_dict *fe = tmpl_include(body, "FORM_ERRORS", "partials/form_errors.tpl");
		tmpl_dict *errs = tmpl_section(fe, "ERRORS");

		for (i = 0; i < 3; i++) {
			tmpl_dict *e = tmpl_section(errs, "ERROR");

			tmpl_set(e, "FIELD", "email");
			tmpl_set_int(e, "MESSAGE", i);
		}
	}
	CU_ASSERT_EQUAL_FATAL(render("layout.tpl", d, &out), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "Signed in as Alice</a>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "action=\"/auth/signout\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "value=\"tok123\""));
	CU_ASSERT_PTR_NULL(strstr(out.data, "href=\"/auth/signin\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "name=\"next\" value=\"/orders/42\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "<p>Wrong email or password.</p>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "Please correct the following:"));
	CU_ASSERT_EQUAL(count_of(out.data, "<li><a href=\"#email\">"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "<a href=\"#email\">2</a>"));
	buf_free(&out);
	tmpl_dict_free(d);

	/* tmpl_show is idempotent: one summary however often it is called,
	 * with the ERROR entries added to the include's own dictionary. */
	d = tmpl_dict_new();
	for (i = 0; i < 2; i++) {
		tmpl_dict *e = tmpl_section(d, "ERROR");

		tmpl_set(e, "FIELD", "name");
		tmpl_set(e, "MESSAGE", "Enter your name.");
		tmpl_show(d, "ERRORS");
	}
	CU_ASSERT_EQUAL_FATAL(render("partials/form_errors.tpl", d, &out), TK_OK);
	CU_ASSERT_EQUAL(count_of(out.data, "Please correct the following:"), 1);
	CU_ASSERT_EQUAL(count_of(out.data, "<li><a href=\"#name\">Enter your name.</a></li>"), 2);
	buf_free(&out);
	tmpl_dict_free(d);
}

static void
test_set_int_and_null(void)
{
	tmpl_dict *d = tmpl_dict_new();
	struct buf out;

	tmpl_set_int(d, "PAGE", 2);
	tmpl_set_int(d, "PAGES", 1234567890123LL);
	tmpl_show(d, "NEXT");
	tmpl_set(d, "NEXT_URL", NULL);
	CU_ASSERT_EQUAL_FATAL(render("partials/pagination.tpl", d, &out), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "Page 2 of 1234567890123"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "href=\"\">Next page"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "Previous page"));
	buf_free(&out);

	tmpl_set_int(d, "PAGE", LLONG_MIN);
	tmpl_set_int(d, "PAGES", -1);
	CU_ASSERT_EQUAL_FATAL(render("partials/pagination.tpl", d, &out), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "Page -9223372036854775808 of -1"));
	buf_free(&out);
	tmpl_dict_free(d);
	tmpl_dict_free(NULL);
}

static void
test_include_does_not_inherit(void)
{
	tmpl_dict *d = tmpl_dict_new();
	tmpl_dict *si;
	struct buf out;

	/* CSRF_TOKEN set on the layout only: the CSRF include cannot see it. */
	tmpl_set(d, "CSRF_TOKEN", "parent-token");
	si = tmpl_section(d, "SIGNED_IN");
	tmpl_set(si, "CSRF_TOKEN", "section-token");
	tmpl_include(si, "CSRF", "partials/csrf.tpl");
	CU_ASSERT_EQUAL_FATAL(render("layout.tpl", d, &out), TK_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "name=\"csrf_token\" value=\"\""));
	CU_ASSERT_PTR_NULL(strstr(out.data, "parent-token"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "section-token"));
	buf_free(&out);
	tmpl_dict_free(d);
}

static const struct cu_test template_tests[] = {
    {"every .tpl starts with the AUTOESCAPE pragma", test_pragma_everywhere},
    {"no form input carries a literal limit", test_no_literal_limits},
    {"every page renders in the layout", test_every_page_renders},
    {"a page rendered apart fits where BODY goes", test_page_apart_is_included_page},
    {"values are escaped everywhere", test_escaping},
    {"unsafe URLs are neutralised", test_urls_are_checked},
    {"missing template fails without output", test_missing_template},
    {"sections show and hide", test_sections},
    {"tmpl_set_int and NULL values", test_set_int_and_null},
    {"include dictionaries do not inherit", test_include_does_not_inherit},
    {NULL, NULL},
};

static const struct cu_suite suites[] = {
    {"templates", NULL, NULL, template_tests},
    {NULL, NULL, NULL, NULL},
};

int
main(void)
{
	const char *srcdir = getenv("TK_SRCDIR");

	snprintf(template_root, sizeof(template_root), "%s/templates",
		 srcdir != NULL ? srcdir : ".");
	if (tmpl_init(template_root) != TK_OK) {
		fprintf(stderr, "cannot load templates from %s\n", template_root);
		return 99;
	}
	return cu_run(suites);
}
