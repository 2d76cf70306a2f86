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
	tests/fuzz/fuzz_token tests/fuzz/fuzz_event tests/fuzz/fuzz_fields \
	tests/fuzz/fuzz_req tests/fuzz/fuzz_router tests/fuzz/fuzz_auth_input \
	tests/fuzz/fuzz_events_input tests/fuzz/fuzz_config \
	tests/fuzz/fuzz_money tests/fuzz/fuzz_tickets_input tests/fuzz/fuzz_stock \
	tests/fuzz/fuzz_paysig tests/fuzz/fuzz_payment \
	tests/fuzz/fuzz_eticket tests/fuzz/fuzz_webhook

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

tests_fuzz_fuzz_fields_SOURCES = tests/fuzz/fuzz_fields.c tests/fuzz/fuzz_form.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_fields_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_fields_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_fields_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_req_SOURCES = tests/fuzz/fuzz_req.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_req_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_req_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_req_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_router_SOURCES = tests/fuzz/fuzz_router.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_router_CPPFLAGS = $(AM_CPPFLAGS) $(FUZZ_ROUTER_CPPFLAGS)
tests_fuzz_fuzz_router_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_router_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_router_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_auth_input_SOURCES = tests/fuzz/fuzz_auth_input.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_auth_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/auth
tests_fuzz_fuzz_auth_input_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_auth_input_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_auth_input_LDADD = fcgi/auth/libauth.a $(TK_LIBS)

tests_fuzz_fuzz_events_input_SOURCES = tests/fuzz/fuzz_events_input.c \
	tests/fuzz/fuzz_form.c fcgi/events/input.c tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_events_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/events
tests_fuzz_fuzz_events_input_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_events_input_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_events_input_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_money_SOURCES = tests/fuzz/fuzz_money.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_money_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_money_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_money_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_tickets_input_SOURCES = tests/fuzz/fuzz_tickets_input.c \
	tests/fuzz/fuzz_form.c fcgi/tickets/input.c tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_tickets_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/tickets
tests_fuzz_fuzz_tickets_input_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_tickets_input_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_tickets_input_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_stock_SOURCES = tests/fuzz/fuzz_stock.c workers/replicator/stock.c \
	workers/replicator/members.c tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_stock_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
tests_fuzz_fuzz_stock_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_stock_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_stock_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_paysig_SOURCES = tests/fuzz/fuzz_paysig.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_paysig_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_paysig_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_paysig_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_webhook_SOURCES = tests/fuzz/fuzz_webhook.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_webhook_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_webhook_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_webhook_LDADD = $(TK_LIBS) $(CURL_LIBS)

tests_fuzz_fuzz_payment_SOURCES = tests/fuzz/fuzz_payment.c workers/replicator/payment.c \
	workers/replicator/members.c tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_payment_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
tests_fuzz_fuzz_payment_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_payment_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_payment_LDADD = $(TK_LIBS)

tests_fuzz_fuzz_eticket_SOURCES = tests/fuzz/fuzz_eticket.c \
	tests/fuzz/fuzz_entry.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_eticket_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_eticket_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_eticket_LDADD = $(TK_LIBS)
endif

# The router target reads the route tables the service programs of this
# build print (--list-routes); $TK_BUILDDIR, set by make check, overrides.
FUZZ_ROUTER_CPPFLAGS = -DFUZZ_BUILDDIR='"$(abs_top_builddir)"'

FUZZ_REPLAYS = tests/fuzz/replay_urlencoded tests/fuzz/replay_cookie \
	tests/fuzz/replay_token tests/fuzz/replay_event tests/fuzz/replay_fields \
	tests/fuzz/replay_req tests/fuzz/replay_router tests/fuzz/replay_auth_input \
	tests/fuzz/replay_events_input tests/fuzz/replay_config \
	tests/fuzz/replay_money tests/fuzz/replay_tickets_input tests/fuzz/replay_stock \
	tests/fuzz/replay_paysig tests/fuzz/replay_payment \
	tests/fuzz/replay_eticket tests/fuzz/replay_webhook
check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)

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

tests_fuzz_replay_fields_SOURCES = tests/fuzz/fuzz_fields.c tests/fuzz/fuzz_form.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_fields_LDADD = $(TK_LIBS)

tests_fuzz_replay_req_SOURCES = tests/fuzz/fuzz_req.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_req_LDADD = $(TK_LIBS)

tests_fuzz_replay_router_SOURCES = tests/fuzz/fuzz_router.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_router_CPPFLAGS = $(AM_CPPFLAGS) $(FUZZ_ROUTER_CPPFLAGS)
tests_fuzz_replay_router_LDADD = $(TK_LIBS)

tests_fuzz_replay_auth_input_SOURCES = tests/fuzz/fuzz_auth_input.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_auth_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/auth
tests_fuzz_replay_auth_input_LDADD = fcgi/auth/libauth.a $(TK_LIBS)

tests_fuzz_replay_events_input_SOURCES = tests/fuzz/fuzz_events_input.c \
	tests/fuzz/fuzz_form.c fcgi/events/input.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_events_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/events
tests_fuzz_replay_events_input_LDADD = $(TK_LIBS)

tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz_config.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_config_LDADD = $(TK_LIBS)

tests_fuzz_replay_money_SOURCES = tests/fuzz/fuzz_money.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_money_LDADD = $(TK_LIBS)

tests_fuzz_replay_tickets_input_SOURCES = tests/fuzz/fuzz_tickets_input.c \
	tests/fuzz/fuzz_form.c fcgi/tickets/input.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_tickets_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fcgi/tickets
tests_fuzz_replay_tickets_input_LDADD = $(TK_LIBS)

tests_fuzz_replay_stock_SOURCES = tests/fuzz/fuzz_stock.c workers/replicator/stock.c \
	workers/replicator/members.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_stock_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
tests_fuzz_replay_stock_LDADD = $(TK_LIBS)

tests_fuzz_replay_paysig_SOURCES = tests/fuzz/fuzz_paysig.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_paysig_LDADD = $(TK_LIBS)

tests_fuzz_replay_webhook_SOURCES = tests/fuzz/fuzz_webhook.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_webhook_LDADD = $(TK_LIBS) $(CURL_LIBS)

tests_fuzz_replay_payment_SOURCES = tests/fuzz/fuzz_payment.c workers/replicator/payment.c \
	workers/replicator/members.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_payment_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/workers/replicator
tests_fuzz_replay_payment_LDADD = $(TK_LIBS)

tests_fuzz_replay_eticket_SOURCES = tests/fuzz/fuzz_eticket.c \
	tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_eticket_LDADD = $(TK_LIBS)

EXTRA_DIST += tests/fuzz/corpus
