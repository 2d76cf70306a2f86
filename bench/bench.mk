# bench/: the benchmark scripts are distributed with the whole folder
# (Makefile.am); this builds its programs: the NakWithDelay measurement
# of docs/DECISIONS.md ("Expiry: a schedule in MariaDB"), the request
# driver of bench/reserve.sh and the load of bench/backbone.sh, and keeps
# what an in-tree build leaves in the folder out of the tarball.
noinst_PROGRAMS += bench/expiry_nak
bench_expiry_nak_SOURCES = bench/expiry_nak.c
bench_expiry_nak_LDADD = $(TK_LIBS)
# The request driver of bench/reserve.sh.
noinst_PROGRAMS += bench/drive
bench_drive_SOURCES = bench/drive.c
# It also makes the listings of bench/reserve.sh and bench/purchase.sh
# (listings_new in bench/lib.sh); the scripts ship with the folder.

# The load of bench/backbone.sh: stock changes committed by the orders
# service's own unit code (fcgi/orders/ledger.c).
noinst_PROGRAMS += bench/stockload
bench_stockload_SOURCES = bench/stockload.c fcgi/orders/ledger.h fcgi/orders/ledger.c
bench_stockload_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/orders
bench_stockload_LDADD = $(TK_LIBS)

dist-hook:
	rm -rf $(distdir)/bench/.deps $(distdir)/bench/.dirstamp $(distdir)/bench/*.o \
		$(distdir)/bench/expiry_nak $(distdir)/bench/drive \
		$(distdir)/bench/stockload
