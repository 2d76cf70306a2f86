# bench/: the benchmark scripts are distributed with the whole folder
# (Makefile.am); this builds its one program, the NakWithDelay measurement
# of docs/DECISIONS.md ("Expiry: a schedule in MariaDB"), and keeps what an
# in-tree build leaves in the folder out of the tarball.
noinst_PROGRAMS += bench/expiry_nak
bench_expiry_nak_SOURCES = bench/expiry_nak.c
bench_expiry_nak_LDADD = $(TK_LIBS)

dist-hook:
	rm -rf $(distdir)/bench/.deps $(distdir)/bench/.dirstamp $(distdir)/bench/*.o \
		$(distdir)/bench/expiry_nak
