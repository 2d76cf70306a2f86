/*
 * Password hashing (pw.h): Argon2id through crypto_pwhash_str with the
 * interactive limits (64 MiB, 2 passes). Each hash or verification holds a
 * slot of a counting semaphore made of a mutex and a condition variable, so
 * at most `limit` of them run at once and a burst of sign-ins cannot take
 * the process's memory. The semaphore is statically initialised, so the
 * functions are safe (with the default of two slots) even when pw_init was
 * never called. The peak number of slots held is kept for tests. A caller
 * may run a gate (a throttle) inside the slot, right before the hashing;
 * a dummy hash made once stands in for the stored one of an unknown
 * account.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "pw.h"

#define PW_DEFAULT_CONCURRENT 2
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_freed = PTHREAD_COND_INITIALIZER;
static int slots_limit = PW_DEFAULT_CONCURRENT;
static int slots_used;
static int slots_peak;

/* Wait for a free slot and take it. */
static void
slot_take(void)
{
	pthread_mutex_lock(&slots_lock);
	while (slots_used >= slots_limit)
		pthread_cond_wait(&slots_freed, &slots_lock);
	slots_used++;
	if (slots_used > slots_peak)
		slots_peak = slots_used;
	pthread_mutex_unlock(&slots_lock);
}

/* Give a slot back and wake one waiter. */
static void
slot_give(void)
{
	pthread_mutex_lock(&slots_lock);
	slots_used--;
	pthread_cond_signal(&slots_freed);
	pthread_mutex_unlock(&slots_lock);
}

/* The length of password in bytes, or PW_MAX_BYTES + 1 when it is longer
 * than allowed. (The limit in characters, PW_MAX_LEN, is the form's to
 * enforce; this one only bounds the work.) */
static size_t
pw_len(const char *password)
{
	return strnlen(password, PW_MAX_BYTES + 1);
}

int
pw_init(int max_concurrent)
{
	int rc = TK_OK;

	if (max_concurrent < 1) {
		rc = TK_EINVAL;
		goto out;
	}
	if (sodium_init() < 0) {
		rc = TK_ECRYPTO;
		goto out;
	}
	pthread_mutex_lock(&slots_lock);
	slots_limit = max_concurrent;
	slots_peak = slots_used;
	pthread_cond_broadcast(&slots_freed);
	pthread_mutex_unlock(&slots_lock);
out:
	return rc;
}

int
pw_in_flight_max(void)
{
	int peak;

	pthread_mutex_lock(&slots_lock);
	peak = slots_peak;
	pthread_mutex_unlock(&slots_lock);
	return peak;
}

int
pw_hash(const char *password, char out[PW_HASH_LEN])
{
	size_t len;
	int rc = TK_EINVAL;

	if (password == NULL)
		goto out;
	len = pw_len(password);
	if (len > PW_MAX_BYTES)
		goto out;
	rc = TK_ECRYPTO;
	if (sodium_init() < 0)
		goto out;
	slot_take();
	if (crypto_pwhash_str(out, password, len, PW_OPSLIMIT, PW_MEMLIMIT) == 0)
		rc = TK_OK;
	slot_give();
out:
	return rc;
}

int
pw_verify(const char *hash, const char *password)
{
	return pw_verify_gated(hash, password, NULL, NULL);
}

int
pw_verify_gated(const char *hash, const char *password, int (*gate)(void *arg), void *arg)
{
	size_t len;
	int rc = TK_EAUTH;

	if (hash == NULL || password == NULL)
		goto out;
	len = pw_len(password);
	if (strnlen(hash, PW_HASH_LEN) == PW_HASH_LEN)
		goto out;
	if (sodium_init() < 0)
		goto out;
	slot_take();
	rc = gate != NULL ? gate(arg) : TK_OK;
	if (rc == TK_OK &&
	    (len > PW_MAX_BYTES || crypto_pwhash_str_verify(hash, password, len) != 0))
		rc = TK_EAUTH;
	slot_give();
out:
	return rc;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PW_HASH_LEN];
static int dummy_ok;

static void
dummy_make(void)
{
	unsigned char secret[32];
	char password[2 * sizeof(secret) + 1];

	if (sodium_init() < 0)
		return;
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(password, sizeof(password), secret, sizeof(secret));
	dummy_ok = pw_hash(password, dummy_hash) == TK_OK;
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(password, sizeof(password));
}

const char *
pw_dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_make);
	return dummy_ok ? dummy_hash : NULL;
}
