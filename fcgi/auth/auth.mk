# fcgi/auth: the auth service's FastCGI program (sign-up, sign-in, account,
# member administration), its migrations and its page templates. Its data
# access and input checks are a library of their own, which ticketingctl
# links too (create-user goes through the auth store).
noinst_LIBRARIES += fcgi/auth/libauth.a
fcgi_auth_libauth_a_SOURCES = \
	fcgi/auth/auth.h \
	fcgi/auth/store.c \
	fcgi/auth/input.c \
	fcgi/auth/throttle.c

pkglibexec_PROGRAMS += fcgi/auth/ticketing-auth
fcgi_auth_ticketing_auth_SOURCES = \
	fcgi/auth/auth.h \
	fcgi/auth/main.c \
	fcgi/auth/signup.c \
	fcgi/auth/signin.c \
	fcgi/auth/renew.c \
	fcgi/auth/account.c \
	fcgi/auth/admin.c \
	fcgi/auth/tokens.c
fcgi_auth_ticketing_auth_LDADD = fcgi/auth/libauth.a $(TK_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/auth/001_users.sql \
	sql/auth/002_sessions.sql \
	sql/auth/003_signin_throttle.sql \
	sql/auth/004_users_without_lockout.sql \
	sql/auth/005_sessions_last_seen.sql \
	sql/auth/006_users_email_verified.sql \
	sql/auth/007_account_tokens.sql \
	templates/pages/auth/signup.tpl \
	templates/pages/auth/signin.tpl \
	templates/pages/auth/account.tpl \
	templates/pages/auth/admin_users.tpl \
	templates/pages/auth/forgot.tpl \
	templates/pages/auth/forgot_sent.tpl \
	templates/pages/auth/reset.tpl \
	templates/pages/auth/reset_done.tpl \
	templates/pages/auth/link_refused.tpl \
	templates/pages/auth/verified.tpl
