/*
 * The C face of ctemplate (tmpl.h), the project's only C++ file. A tmpl_dict
 * is a ctemplate::TemplateDictionary seen through an opaque C pointer. All
 * templates live in ctemplate's default cache: tmpl_init loads every *.tpl
 * under the root once and freezes the cache, so nothing is read from disk
 * while serving and a template that was not there at start-up stays missing.
 * Rendering uses ExpandNoLoad, the const path of a frozen cache, which lets
 * threads expand in parallel (ExpandWithData serialises them on a mutex).
 * Templates are parsed with STRIP_BLANK_LINES: blank lines go, line breaks
 * between words stay (STRIP_WHITESPACE would glue "account?" to the next
 * line's link text). Files named *.txt are plain-text templates (the
 * text part of mails, templates/mail/): loaded as they are, blank lines
 * kept, with no escaping (ctemplate has no plain-text context; the mail's
 * HTML part is a .tpl with the HTML pragma like every page).
 *
 * No C++ exception crosses into C: running out of memory aborts, like the x*
 * allocators; any other exception fails tmpl_init/tmpl_render with
 * TK_ETEMPLATE and is fatal in the functions that have no error return.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exception>
#include <new>
#include <string>

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>

extern "C" {
#include "buf.h"
#include "err.h"
#include "log.h"
}
#include "tmpl.h"

using ctemplate::TemplateDictionary;

static const ctemplate::Strip tmpl_strip = ctemplate::STRIP_BLANK_LINES;
static bool tmpl_ready;

static TemplateDictionary *
dict_of(tmpl_dict *d)
{
	return reinterpret_cast<TemplateDictionary *>(d);
}

static tmpl_dict *
handle_of(TemplateDictionary *d)
{
	return reinterpret_cast<tmpl_dict *>(d);
}

/* An exception where C has no error path: log it and abort. */
[[noreturn]] static void
die(const char *where, const char *what)
{
	log_error("template: %s: %s", where, what);
	abort();
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The strip mode a template is loaded and expanded with (the cache keys
 * templates by name and mode): plain-text .txt templates keep every line. */
static ctemplate::Strip
strip_of(const char *name)
{
	return has_suffix(name, ".txt") ? ctemplate::DO_NOT_STRIP : tmpl_strip;
}

/* Load every *.tpl under root/rel (rel is "" or ends in '/') into the cache,
 * counting them in *count. Hidden entries are skipped. */
static int
load_dir(const std::string &root, const std::string &rel, int *count)
{
	std::string dir = root + "/" + rel;
	DIR *dp = opendir(dir.c_str());
	struct dirent *de;
	int rc = TK_OK;

	if (dp == NULL) {
		log_error("template: cannot open folder %s", dir.c_str());
		rc = TK_ETEMPLATE;
		goto out;
	}
	while (rc == TK_OK && (de = readdir(dp)) != NULL) {
		std::string name = rel + de->d_name;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (stat((root + "/" + name).c_str(), &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = load_dir(root, name + "/", count);
		} else if (S_ISREG(st.st_mode) &&
			   (has_suffix(de->d_name, ".tpl") || has_suffix(de->d_name, ".txt"))) {
			/* A .txt template is plain text (a mail's text part):
			 * no AUTOESCAPE pragma, its blank lines kept. */
			if (!ctemplate::mutable_default_template_cache()->LoadTemplate(
				name, strip_of(de->d_name))) {
				log_error("template: %s/%s fails to load or parse", root.c_str(),
					  name.c_str());
				rc = TK_ETEMPLATE;
			}
			(*count)++;
		}
	}
out:
	if (dp != NULL)
		closedir(dp);
	return rc;
}

int
tmpl_init(const char *root)
{
	ctemplate::TemplateCache *cache = NULL;
	int rc = TK_ETEMPLATE;
	int count = 0;

	try {
		cache = ctemplate::mutable_default_template_cache();
		if (tmpl_ready) {
			log_error("template: tmpl_init called twice");
			goto out;
		}
		if (!cache->SetTemplateRootDirectory(root)) {
			log_error("template: cannot use %s as the template root", root);
			goto out;
		}
		rc = load_dir(root, "", &count);
		if (rc != TK_OK)
			goto out;
		if (count == 0) {
			log_error("template: no *.tpl under %s", root);
			rc = TK_ETEMPLATE;
			goto out;
		}
		cache->Freeze();
		tmpl_ready = true;
	} catch (const std::bad_alloc &) {
		die("tmpl_init", "out of memory");
	} catch (const std::exception &e) {
		log_error("template: tmpl_init: %s", e.what());
		rc = TK_ETEMPLATE;
	} catch (...) {
		log_error("template: tmpl_init: unknown exception");
		rc = TK_ETEMPLATE;
	}
out:
	return rc;
}

tmpl_dict *
tmpl_dict_new(void)
{
	TemplateDictionary *d = NULL;

	try {
		d = new TemplateDictionary("tmpl");
	} catch (const std::bad_alloc &) {
		die("tmpl_dict_new", "out of memory");
	} catch (...) {
		die("tmpl_dict_new", "unexpected exception");
	}
	return handle_of(d);
}

void
tmpl_dict_free(tmpl_dict *d)
{
	delete dict_of(d);
}

void
tmpl_set(tmpl_dict *d, const char *key, const char *value)
{
	try {
		dict_of(d)->SetValue(key, value != NULL ? value : "");
	} catch (const std::bad_alloc &) {
		die("tmpl_set", "out of memory");
	} catch (...) {
		die("tmpl_set", "unexpected exception");
	}
}

void
tmpl_set_int(tmpl_dict *d, const char *key, long long value)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", value);
	tmpl_set(d, key, text);
}

void
tmpl_show(tmpl_dict *d, const char *section)
{
	try {
		dict_of(d)->ShowSection(section);
	} catch (const std::bad_alloc &) {
		die("tmpl_show", "out of memory");
	} catch (...) {
		die("tmpl_show", "unexpected exception");
	}
}

tmpl_dict *
tmpl_section(tmpl_dict *d, const char *section)
{
	TemplateDictionary *child = NULL;

	try {
		child = dict_of(d)->AddSectionDictionary(section);
	} catch (const std::bad_alloc &) {
		die("tmpl_section", "out of memory");
	} catch (...) {
		die("tmpl_section", "unexpected exception");
	}
	return handle_of(child);
}

tmpl_dict *
tmpl_include(tmpl_dict *d, const char *name, const char *file)
{
	TemplateDictionary *child = NULL;

	try {
		child = dict_of(d)->AddIncludeDictionary(name);
		child->SetFilename(file);
	} catch (const std::bad_alloc &) {
		die("tmpl_include", "out of memory");
	} catch (...) {
		die("tmpl_include", "unexpected exception");
	}
	return handle_of(child);
}

int
tmpl_render(const char *file, const tmpl_dict *d, struct buf *out)
{
	const TemplateDictionary *dict = reinterpret_cast<const TemplateDictionary *>(d);
	int rc = TK_ETEMPLATE;

	try {
		/* Expand into a private string: a failing include may already
		 * have emitted part of the page, which must not reach out. */
		std::string text;

		if (!tmpl_ready) {
			log_error("template: %s: tmpl_init has not run", file);
			goto out;
		}
		if (!ctemplate::default_template_cache()->ExpandNoLoad(file, strip_of(file), dict,
								       NULL, &text)) {
			log_error("template: %s (or a template it includes) is not loaded or "
				  "fails to expand",
				  file);
			goto out;
		}
		buf_append(out, text.data(), text.size());
		rc = TK_OK;
	} catch (const std::bad_alloc &) {
		die("tmpl_render", "out of memory");
	} catch (const std::exception &e) {
		log_error("template: %s: %s", file, e.what());
		rc = TK_ETEMPLATE;
	} catch (...) {
		log_error("template: %s: unknown exception", file);
		rc = TK_ETEMPLATE;
	}
out:
	return rc;
}
