# bench/: the benchmark scripts are distributed with the whole folder
# (Makefile.am); this builds its programs, the NakWithDelay measurement
# of docs/DECISIONS.md ("Expiry: a schedule in MariaDB") and the request
# driver of bench/reserve.sh, and keeps what an in-tree build leaves in the
# folder out of the tarball.
noinst_PROGRAMS += bench/expiry_nak
bench_expiry_nak_SOURCES = bench/expiry_nak.c
bench_expiry_nak_LDADD = $(TK_LIBS)
# The request driver of bench/reserve.sh.
noinst_PROGRAMS += bench/drive
bench_drive_SOURCES = bench/drive.c

dist-hook:
	rm -rf $(distdir)/bench/.deps $(distdir)/bench/.dirstamp $(distdir)/bench/*.o \
		$(distdir)/bench/expiry_nak $(distdir)/bench/drive
