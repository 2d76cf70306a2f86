# Integration tests: bash + curl against the real stack (nginx, the FastCGI
# services, MariaDB), started by scripts/dev test, which exports
# TK_TEST_BASE_URL, TK_TEST_MARIADB_SOCKET and TK_TEST_RUN_DIR. Without
# them (a plain make check, make distcheck) these tests are skipped (77).
# The scripts are executable and run directly.
TESTS += tests/integration/test_auth.sh tests/integration/test_pages.sh \
	tests/integration/test_admin.sh tests/integration/test_events.sh \
	tests/integration/test_outage.sh
EXTRA_DIST += tests/integration/lib.sh tests/integration/test_auth.sh \
	tests/integration/test_pages.sh tests/integration/test_admin.sh \
	tests/integration/test_events.sh tests/integration/test_outage.sh

# The event backbone and its fault tests (relay, NATS, replicator, MariaDB),
# and its durability under a full stream and a read-only MariaDB.
TESTS += tests/integration/test_backbone.sh tests/integration/test_durability.sh
EXTRA_DIST += tests/integration/test_backbone.sh tests/integration/test_durability.sh

# The tickets service: listings through the real forms, the seller's and
# the admin's changes, a cancelled event cancelling its listings.
TESTS += tests/integration/test_tickets.sh
EXTRA_DIST += tests/integration/test_tickets.sh

# E-tickets: codes on a complete order's page, the door check, the
# seller's earnings after the platform's fee.
TESTS += tests/integration/test_etickets.sh
EXTRA_DIST += tests/integration/test_etickets.sh

# ticketingctl create-user through the auth store.
TESTS += tests/integration/test_ctl.sh
EXTRA_DIST += tests/integration/test_ctl.sh

# The guards of every route of every service, read from each program's
# --list-routes.
TESTS += tests/integration/test_guards.sh
EXTRA_DIST += tests/integration/test_guards.sh

# Revocation across services: a demotion and a password change reach the
# events service; short-lived tokens, their renewal at auth and the idle
# timeout; stale tokens while the replicator is stopped (so it is a fault
# test too, below). age_token ages a session token for it.
TESTS += tests/integration/test_revocation.sh
EXTRA_DIST += tests/integration/test_revocation.sh
check_PROGRAMS += tests/integration/age_token
tests_integration_age_token_SOURCES = tests/integration/age_token.c
tests_integration_age_token_LDADD = $(TK_LIBS)

# Least privilege between processes: FastCGI sockets, NATS users, database
# accounts.
TESTS += tests/integration/test_privilege.sh
EXTRA_DIST += tests/integration/test_privilege.sh

# The sign-in policy: races with account changes, the throttling of
# password guesses, the same work for known and unknown emails.
TESTS += tests/integration/test_signin.sh
EXTRA_DIST += tests/integration/test_signin.sh

# A service out of file descriptors under a burst of connections backs off
# instead of spinning, and serves again once it ends (a fault test: it
# stands in for the stack's events service).
TESTS += tests/integration/test_accept.sh
EXTRA_DIST += tests/integration/test_accept.sh

# A service's first nudge to the relay connects to NATS off the request
# thread: the answer does not wait for a connect that hangs (a fault test:
# it stands in for the stack's auth service).
TESTS += tests/integration/test_nudge.sh
EXTRA_DIST += tests/integration/test_nudge.sh

# Negative controls of the consistency checker: each breaks one invariant,
# expects ticketingctl check to fail naming it, repairs it.
TESTS += tests/integration/test_checker.sh
EXTRA_DIST += tests/integration/test_checker.sh

# The fault tests stop or break what every other test needs (MariaDB, NATS,
# the relays and the replicator); the checker's negative controls prune the
# stream, after which a replay cannot rebuild what was pruned, so they come
# last. Under `make -j check` they must not run
# beside anything: the first waits for the log of every other test, and
# each of the others waits for the one before it. Automake's harness writes
# a failing test's log too, so a failure does not stop the chain. The
# targets are named through variables: automake would take a literal
# "test_x.sh.log:" rule for its own and refuse to have it overridden. The
# list of the other tests uses GNU make's functions (the build needs GNU
# make already: scripts/dev and CI run it), hence -Wno-portability.
AUTOMAKE_OPTIONS = -Wno-portability
TK_FAULT_TESTS = tests/integration/test_outage.sh \
	tests/integration/test_backbone.sh tests/integration/test_durability.sh \
	tests/integration/test_checker.sh tests/integration/test_revocation.sh \
	tests/integration/test_accept.sh tests/integration/test_nudge.sh
TK_FAULT_1 = tests/integration/test_outage.sh.log
TK_FAULT_2 = tests/integration/test_backbone.sh.log
TK_FAULT_3 = tests/integration/test_durability.sh.log
TK_FAULT_4 = tests/integration/test_checker.sh.log
TK_FAULT_5 = tests/integration/test_revocation.sh.log
TK_FAULT_6 = tests/integration/test_accept.sh.log
TK_FAULT_7 = tests/integration/test_nudge.sh.log
$(TK_FAULT_1): $(addsuffix .log,$(filter-out $(TK_FAULT_TESTS),$(TESTS)))
$(TK_FAULT_2): $(TK_FAULT_1)
$(TK_FAULT_3): $(TK_FAULT_2)
$(TK_FAULT_4): $(TK_FAULT_3)
$(TK_FAULT_5): $(TK_FAULT_4)
$(TK_FAULT_6): $(TK_FAULT_5)
$(TK_FAULT_7): $(TK_FAULT_6)

# A COMMIT whose reply is lost (lib/db.c's fault hook) and the resubmission
# of the same create form: one row, and a 303 to it (a fault test: it
# stands in for the stack's events service).
TESTS += tests/integration/test_lost_commit.sh
EXTRA_DIST += tests/integration/test_lost_commit.sh
TK_FAULT_TESTS += tests/integration/test_lost_commit.sh
TK_FAULT_LOST_COMMIT = tests/integration/test_lost_commit.sh.log
$(TK_FAULT_LOST_COMMIT): $(TK_FAULT_7)

# The relay's pruning of the shared tables: old idempotency keys and sent
# outbox rows go in bounded batches, young ones stay (a fault test: it
# restarts auth's relay).
TESTS += tests/integration/test_prune.sh
EXTRA_DIST += tests/integration/test_prune.sh
TK_FAULT_TESTS += tests/integration/test_prune.sh
TK_FAULT_PRUNE = tests/integration/test_prune.sh.log
$(TK_FAULT_PRUNE): $(TK_FAULT_LOST_COMMIT)

# End to end over TLS: the stack's https listener, __Host- cookies with
# Secure, HSTS only over https.
TESTS += tests/integration/test_tls.sh
EXTRA_DIST += tests/integration/test_tls.sh

# Availability on the catalogue pages (stock_replica).
TESTS += tests/integration/test_avail.sh
EXTRA_DIST += tests/integration/test_avail.sh

# The orders service: reservations, refusals, order pages, cancel and the
# cancelling side of expiry; and the oversell race with its negative
# control (which builds tests/integration/orders_unlocked), whose
# members come from mint_tokens.
TESTS += tests/integration/test_orders.sh tests/integration/test_race.sh
EXTRA_DIST += tests/integration/test_orders.sh tests/integration/test_race.sh
check_PROGRAMS += tests/integration/mint_tokens
tests_integration_mint_tokens_SOURCES = tests/integration/mint_tokens.c
tests_integration_mint_tokens_LDADD = $(TK_LIBS)

# The marketplace end to end through the backbone: a listing made through
# the tickets form reaches the orders service's stock and both catalogues;
# a reservation, the seller's lowering below it and the buyer's cancel
# (docs/MARKETPLACE.md rules 1-3), checked in every service.
TESTS += tests/integration/test_market.sh
EXTRA_DIST += tests/integration/test_market.sh

# The listing page's copy: a crowd is answered from each thread's copy for
# a moment, while the seller always sees the counts as they are.
TESTS += tests/integration/test_listing_copy.sh
EXTRA_DIST += tests/integration/test_listing_copy.sh

# The expiry worker: deadlines held and expired once, through kill -9 of
# the worker and NATS and MariaDB outages (a fault test: last in the chain
# of fault tests).
TESTS += tests/integration/test_expiry.sh
EXTRA_DIST += tests/integration/test_expiry.sh
TK_FAULT_TESTS += tests/integration/test_expiry.sh
TK_FAULT_8 = tests/integration/test_expiry.sh.log
$(TK_FAULT_8): $(TK_FAULT_PRUNE)

# The sandbox payment provider: its card form, the four test cards, its
# API's idempotency, and its webhooks (signed, retried, kept across a
# restart) received by webhook_sink.py; the provider interface
# (lib/payprov.h) through payprov_client, which also verifies the
# webhooks. It stands in for the stack's sandbox only.
TESTS += tests/integration/test_sandbox.sh
EXTRA_DIST += tests/integration/test_sandbox.sh tests/integration/webhook_sink.py
check_PROGRAMS += tests/integration/payprov_client
tests_integration_payprov_client_SOURCES = tests/integration/payprov_client.c
tests_integration_payprov_client_LDADD = $(TK_LIBS) $(CURL_LIBS)

# The seller against the buyers (docs/MARKETPLACE.md rule 2): a lowered
# quantity, a price change and a withdrawal through the tickets forms,
# each raced with many members reserving through the orders service.
TESTS += tests/integration/test_seller_race.sh
EXTRA_DIST += tests/integration/test_seller_race.sh

# The orders side of payments: the orders-payments consumer, played with
# ticketingctl publish (lib.sh play_event).
TESTS += tests/integration/test_paying.sh
EXTRA_DIST += tests/integration/test_paying.sh

# The golden path in Debian's chromium without JavaScript (tests/browser/
# golden.js, playwright-core from tests/browser/package-lock.json) and the
# same walk in lynx; screenshots and dumps in the run folder's golden/.
TESTS += tests/integration/test_golden.sh
EXTRA_DIST += tests/integration/test_golden.sh tests/browser/golden.js \
	tests/browser/package.json tests/browser/package-lock.json

# The micro-cache of signed-out pages in nginx: what is kept and served,
# what never is (signed-in pages, responses that set a cookie, POSTs), and
# how soon an edit shows.
TESTS += tests/integration/test_microcache.sh
EXTRA_DIST += tests/integration/test_microcache.sh

# The payments service and the settlement worker (docs/PAYMENTS.md)
# through the orders service and the sandbox's card page: the pay form's
# guards, ten parallel submits, a declined card then a good one, a
# payment authorised after the order was cancelled (voided), forged and
# replayed webhooks, the admin's refund, kill -9 between a capture and its
# record, and the sandbox killed with a webhook pending (a fault test: it
# stands in for the sandbox, stops the settlement worker and shortens the
# consumers' ack wait).
TESTS += tests/integration/test_payments.sh
EXTRA_DIST += tests/integration/test_payments.sh
TK_FAULT_TESTS += tests/integration/test_payments.sh
TK_FAULT_PAYMENTS = tests/integration/test_payments.sh.log
$(TK_FAULT_PAYMENTS): $(TK_FAULT_8)

# Mailed links in auth: password reset and
# address verification, the verified-before-selling rule in the tickets
# service, account_token.issued. sealed_token opens an event's sealed
# token with the stack's notify.sk, as the notifications worker does;
# lib.sh's verify_account follows the real link with it.
TESTS += tests/integration/test_reset.sh tests/integration/test_verify.sh
EXTRA_DIST += tests/integration/test_reset.sh tests/integration/test_verify.sh
check_PROGRAMS += tests/integration/sealed_token
tests_integration_sealed_token_SOURCES = tests/integration/sealed_token.c
tests_integration_sealed_token_LDADD = $(TK_LIBS)

# The notifications worker (docs/MAIL.md) against the stack's mail catcher:
# verification and reset mails from played account_token.issued events
# (sealed_token seals their tokens as auth does), role mails from the admin
# page, CR/LF in a name, a 5xx refusal (smtp_refuser.py stands in for the
# SMTP server), the catcher down, kill -9 with mails queued, and the one
# duplicate of a crash between acceptance and record (a fault test: it
# stops the catcher and stands in for the notify worker).
TESTS += tests/integration/test_notify.sh
EXTRA_DIST += tests/integration/test_notify.sh tests/integration/smtp_refuser.py \
	scripts/mailcatcher/package.json scripts/mailcatcher/package-lock.json
TK_FAULT_TESTS += tests/integration/test_notify.sh
TK_FAULT_NOTIFY = tests/integration/test_notify.sh.log
$(TK_FAULT_NOTIFY): $(TK_FAULT_PAYMENTS)

# make install and make uninstall (deploy/deploy.mk): the layout, the
# generated units (systemd-analyze verify) and nginx site (nginx -t), the
# example configurations accepted by their programs.
TESTS += tests/integration/test_install.sh
EXTRA_DIST += tests/integration/test_install.sh

# The marketplace mails (workers/notify): reservation made, receipt with
# e-tickets (inline PNG QR codes), listing sold, reservation expired,
# refunded, event cancelled, from purchases made through the pages.
TESTS += tests/integration/test_mail_market.sh
EXTRA_DIST += tests/integration/test_mail_market.sh

# Events across versions: members a reader does not know are ignored; an
# event of a later schema version is held, neither applied nor
# dead-lettered.
TESTS += tests/integration/test_schema.sh
EXTRA_DIST += tests/integration/test_schema.sh

# ticketingctl setup on an installation of its own, against a MariaDB and a
# nats-server the test starts (ports: the stack's PORT + 10 and + 11).
TESTS += tests/integration/test_setup.sh
EXTRA_DIST += tests/integration/test_setup.sh

# Operability: health routes, Prometheus metrics, worker heartbeats, the
# loopback-only routes refused in nginx and in the service (fcgi_get.py
# talks FastCGI straight to a service's socket); MariaDB stopped as a fault.
TESTS += tests/integration/test_ops.sh
EXTRA_DIST += tests/integration/test_ops.sh tests/integration/fcgi_get.py

# The restore drill (ticketingctl backup, restore, republish --rebuild):
# back up, change, wipe, restore, converge, the checker passes; and a
# restore from backups taken apart (a fault test: it stops every service
# and worker and makes the stream again; last in the chain of fault tests).
TESTS += tests/integration/test_restore.sh
EXTRA_DIST += tests/integration/test_restore.sh
TK_FAULT_TESTS += tests/integration/test_restore.sh
TK_FAULT_RESTORE = tests/integration/test_restore.sh.log
$(TK_FAULT_RESTORE): $(TK_FAULT_NOTIFY)

# The replica promotion drill on a MariaDB pair of its own (ports: the
# stack's PORT + 22 and + 23), promotion_writer (lib/db.mk) writing.
TESTS += tests/integration/test_promotion.sh
EXTRA_DIST += tests/integration/test_promotion.sh

# Two of every worker: the test starts a second instance of each worker and
# of the sandbox beside the stack's under a load, and checks that nothing
# was lost or doubled. Alone, after the chain of fault tests: a second
# worker would change what the others see (a mail sent while a test holds
# the notify worker stopped, say).
TESTS += tests/integration/test_twins.sh
EXTRA_DIST += tests/integration/test_twins.sh
TK_FAULT_TESTS += tests/integration/test_twins.sh
TK_FAULT_TWINS = tests/integration/test_twins.sh.log
$(TK_FAULT_TWINS): $(TK_FAULT_RESTORE)
