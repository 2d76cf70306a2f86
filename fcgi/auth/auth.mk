# fcgi/auth: the auth service's FastCGI program (sign-up, sign-in, account,
# member administration), its migrations and its page templates.
sbin_PROGRAMS += fcgi/auth/ticketing-auth
fcgi_auth_ticketing_auth_SOURCES = \
	fcgi/auth/auth.h \
	fcgi/auth/main.c \
	fcgi/auth/store.c \
	fcgi/auth/input.c \
	fcgi/auth/signup.c \
	fcgi/auth/signin.c \
	fcgi/auth/account.c \
	fcgi/auth/admin.c
fcgi_auth_ticketing_auth_LDADD = $(TK_LIBS)

nobase_dist_pkgdata_DATA += \
	sql/auth/001_users.sql \
	sql/auth/002_sessions.sql \
	sql/auth/003_outbox.sql \
	templates/pages/auth/signup.tpl \
	templates/pages/auth/signin.tpl \
	templates/pages/auth/account.tpl \
	templates/pages/auth/admin_users.tpl
