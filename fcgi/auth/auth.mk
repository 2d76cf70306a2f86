# fcgi/auth: the auth service's FastCGI program.
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
