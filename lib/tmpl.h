/*
 * The C face of ctemplate. tmpl.cc is the only C++ file in the project; it
 * wraps ctemplate::TemplateDictionary and the template cache behind these
 * functions. Every .tpl starts with {{%AUTOESCAPE context="HTML"}} (checked
 * by tests/unit/test_templates), so values set here are HTML-escaped.
 *
 * Dictionaries are not thread-safe: one per request, never shared. Child
 * dictionaries (sections, includes) are owned by their parent and die with
 * it. Template names are paths relative to the template root, e.g.
 * "pages/auth/signin.tpl".
 */
#ifndef TK_TMPL_H
#define TK_TMPL_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct buf;
typedef struct tmpl_dict tmpl_dict;

/* tmpl_init: set the template root folder and load every template under it
 * (recursively, *.tpl, and *.txt as plain text) into the cache. Call once per process before
 * threads start. Returns TK_OK, or TK_ETEMPLATE naming the failing file on stderr. */
int tmpl_init(const char *root);

/* tmpl_dict_new: a new top-level dictionary; release with tmpl_dict_free. */
tmpl_dict *tmpl_dict_new(void);
/* tmpl_dict_free: release a top-level dictionary and its children. Accepts NULL. */
void tmpl_dict_free(tmpl_dict *d);

/* tmpl_set: set variable key to value (copied). NULL value sets "". */
void tmpl_set(tmpl_dict *d, const char *key, const char *value);
/* tmpl_set_int: set variable key to a decimal integer. */
void tmpl_set_int(tmpl_dict *d, const char *key, long long value);
/* tmpl_show: show section name once, with d's values. */
void tmpl_show(tmpl_dict *d, const char *section);
/* tmpl_section: add one repetition of section name; returns its dictionary
 * (owned by d) to fill. Variables not set in it are looked up in d. */
tmpl_dict *tmpl_section(tmpl_dict *d, const char *section);
/* tmpl_include: fill the {{>name}} include marker with template file; returns
 * the included template's dictionary (owned by d). Each call adds one more
 * expansion of the marker; a marker never filled expands to nothing, so every
 * partial a page shows (CSRF, FLASH, FORM_ERRORS...) needs its call.
 * The included template does NOT see the values of d or of d's parents
 * (ctemplate stops lookups at an include): set every variable it uses, e.g.
 * CSRF_TOKEN, in the returned dictionary. The include name itself is looked
 * up through the sections of the same template, so a {{>CSRF}} inside
 * {{#SIGNED_IN}} may be filled on the dictionary that shows SIGNED_IN. */
tmpl_dict *tmpl_include(tmpl_dict *d, const char *name, const char *file);

/* tmpl_render: expand template file with d and append the output to out.
 * Returns TK_OK, or TK_ETEMPLATE (logged) when the file is not loaded or
 * fails to expand; out is then unchanged. */
int tmpl_render(const char *file, const tmpl_dict *d, struct buf *out);

#ifdef __cplusplus
}
#endif
#endif
