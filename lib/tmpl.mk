# lib/ templates: the ctemplate shim (the one C++ file), the templates every
# service shares (the layout, the partials, the error page) and the static
# files nginx serves, installed under $(pkgdatadir). Each service's fragment
# lists its own page templates and migrations.
lib_libticketing_a_SOURCES += lib/tmpl.cc lib/tmpl.h

nobase_dist_pkgdata_DATA += \
	templates/layout.tpl \
	templates/partials/csrf.tpl \
	templates/partials/flash.tpl \
	templates/partials/form_errors.tpl \
	templates/partials/pagination.tpl \
	templates/pages/error.tpl \
	static/style.css \
	static/favicon.svg \
	static/errors/429.html \
	static/errors/503.html

check_PROGRAMS += tests/unit/test_templates
TESTS += tests/unit/test_templates
tests_unit_test_templates_SOURCES = tests/unit/test_templates.c
tests_unit_test_templates_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_templates_LDADD = $(TK_LIBS) $(CUNIT_LIBS)
