# lib/: the application shell and page rendering shared by every service.
lib_libticketing_a_SOURCES += \
	lib/app.c lib/app.h \
	lib/ops.c lib/ops.h \
	lib/page.c lib/page.h \
	lib/pagecache.c lib/pagecache.h \
	lib/store.c lib/store.h
lib_libticketing_a_SOURCES += lib/text.c lib/text.h
lib_libticketing_a_SOURCES += lib/outbox.c lib/outbox.h

EXTRA_DIST += docs/ADDING_A_SERVICE.md
