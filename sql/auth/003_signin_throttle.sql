-- Password guesses per account and client address (fcgi/auth/throttle.c):
-- sign-in and the current password on the account page. The account is
-- named by a hash of the email as typed, so an email without an account
-- has a row like one with. Rows expire; every counted attempt deletes
-- some expired ones.
CREATE TABLE signin_throttle (
	account CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'SHA-256 of the normalised email, lower-case hex; the account may not exist',
	remote_addr VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'client address (REMOTE_ADDR) the attempts came from',
	failures INT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'attempts counted since the last right password from this address',
	blocked_until DATETIME(6) NULL
		COMMENT 'UTC time before which the next attempt is refused (429); NULL: none',
	expires_at DATETIME(6) NOT NULL
		COMMENT 'UTC time after which the row is forgotten and may be deleted',
	PRIMARY KEY (account, remote_addr),
	KEY signin_throttle_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='throttle of password guesses per account and client address';
