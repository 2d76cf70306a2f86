# lib/ HTTP pipeline: parameters, urlencoded forms, cookies, the request and
# its buffered response, routing. Unit tests, one program per area.
lib_libticketing_a_SOURCES += \
	lib/params.c lib/params.h \
	lib/form.c lib/form.h \
	lib/cookie.c lib/cookie.h \
	lib/req.c lib/req.h \
	lib/router.c lib/router.h

check_PROGRAMS += tests/unit/test_form tests/unit/test_cookie \
	tests/unit/test_req tests/unit/test_router
TESTS += tests/unit/test_form tests/unit/test_cookie \
	tests/unit/test_req tests/unit/test_router

tests_unit_test_form_SOURCES = tests/unit/test_form.c
tests_unit_test_form_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_form_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

tests_unit_test_cookie_SOURCES = tests/unit/test_cookie.c
tests_unit_test_cookie_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_cookie_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

tests_unit_test_req_SOURCES = tests/unit/test_req.c
tests_unit_test_req_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_req_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

tests_unit_test_router_SOURCES = tests/unit/test_router.c
tests_unit_test_router_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_router_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# Route-flag enforcement, a pure function the application shell calls.
lib_libticketing_a_SOURCES += lib/guard.c lib/guard.h
check_PROGRAMS += tests/unit/test_guard
TESTS += tests/unit/test_guard
tests_unit_test_guard_SOURCES = tests/unit/test_guard.c
tests_unit_test_guard_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_guard_LDADD = $(TK_LIBS) $(CUNIT_LIBS)

# QR codes as inline SVG and as PNG (libqrencode, zlib): programs that
# call qr_svg or qr_png link $(QR_LIBS).
QR_LIBS = $(QRENCODE_LIBS) $(ZLIB_LIBS)
lib_libticketing_a_SOURCES += lib/qr.c lib/qr.h
check_PROGRAMS += tests/unit/test_qr
TESTS += tests/unit/test_qr
tests_unit_test_qr_SOURCES = tests/unit/test_qr.c
tests_unit_test_qr_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_qr_LDADD = $(TK_LIBS) $(QR_LIBS) $(CUNIT_LIBS)
