# Fuzzing. Each target defines LLVMFuzzerTestOneInput and has a seed corpus
# in tests/fuzz/corpus/<target>/.
#
# Ordinary build: tests/fuzz/replay_<target> links a target with replay.c,
# which feeds it every file of its corpus, so `make check` runs the corpora
# as regression tests. A seed's name says what the code under test must do
# with it: accept-* is accepted, reject-* rejected (fuzz.h), and the replay
# fails otherwise. The fuzzing programs link fuzz_entry.c instead.
#
# --enable-fuzzing (CC=clang CXX=clang++): the whole build gets coverage
# instrumentation without libFuzzer's main (-fsanitize=fuzzer-no-link), so
# the library code is what the fuzzer explores, plus ASan and UBSan (UBSan
# findings abort, so libFuzzer reports them). tests/fuzz/fuzz_<target> link
# libFuzzer's main. The replay programs still build and run in `make check`,
# under the sanitizers.
#   make tests/fuzz/fuzz_urlencoded
#   cp -r $(srcdir)/tests/fuzz/corpus/urlencoded /tmp/c
#   ./tests/fuzz/fuzz_urlencoded -max_total_time=60 /tmp/c
FUZZ_SANITIZERS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

if FUZZING
AM_CFLAGS += -fsanitize=fuzzer-no-link $(FUZZ_SANITIZERS)
# No vptr check in C++: it needs clang's C++ UBSan runtime, which the C
# link driver leaves out.
AM_CXXFLAGS += -fsanitize=fuzzer-no-link $(FUZZ_SANITIZERS) -fno-sanitize=vptr
AM_LDFLAGS += $(FUZZ_SANITIZERS)

noinst_PROGRAMS += tests/fuzz/fuzz_urlencoded tests/fuzz/fuzz_cookie \
	tests/fuzz/fuzz_token tests/fuzz/fuzz_event tests/fuzz/fuzz_fields

tests_fuzz_fuzz_urlencoded_SOURCES = tests/fuzz/fuzz_urlencoded.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_urlencoded_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_urlencoded_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_urlencoded_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_cookie_SOURCES = tests/fuzz/fuzz_cookie.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_cookie_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_cookie_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_cookie_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_token_SOURCES = tests/fuzz/fuzz_token.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_token_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_token_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_token_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_event_SOURCES = tests/fuzz/fuzz_event.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_event_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_event_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_event_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_fields_SOURCES = tests/fuzz/fuzz_fields.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_fields_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_fields_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_fields_LDADD = $(TK_LIBS)
endif

check_PROGRAMS += tests/fuzz/replay_urlencoded tests/fuzz/replay_cookie \
	tests/fuzz/replay_token tests/fuzz/replay_event tests/fuzz/replay_fields
TESTS += tests/fuzz/replay_urlencoded tests/fuzz/replay_cookie \
	tests/fuzz/replay_token tests/fuzz/replay_event tests/fuzz/replay_fields

tests_fuzz_replay_urlencoded_SOURCES = tests/fuzz/fuzz_urlencoded.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_urlencoded_LDADD = $(TK_LIBS)

tests_fuzz_replay_cookie_SOURCES = tests/fuzz/fuzz_cookie.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_cookie_LDADD = $(TK_LIBS)

tests_fuzz_replay_token_SOURCES = tests/fuzz/fuzz_token.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_token_LDADD = $(TK_LIBS)

tests_fuzz_replay_event_SOURCES = tests/fuzz/fuzz_event.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_event_LDADD = $(TK_LIBS)

tests_fuzz_replay_fields_SOURCES = tests/fuzz/fuzz_fields.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_fields_LDADD = $(TK_LIBS)

EXTRA_DIST += tests/fuzz/corpus
