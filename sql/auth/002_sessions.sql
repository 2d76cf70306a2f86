-- Sign-in sessions. The cookie carries a signed token naming the session
-- id; this table lets auth list and revoke sessions (sign out).
CREATE TABLE sessions (
	id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'session id: 16 random bytes in lower-case hex',
	user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the signed-in account (users.id)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of sign-in',
	expires_at DATETIME(6) NOT NULL
		COMMENT 'UTC time after which the session is void',
	revoked_at DATETIME(6) NULL
		COMMENT 'UTC time of sign-out or revocation; NULL while active',
	remote_addr VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'client IP address at sign-in (IPv4 or IPv6 text)',
	PRIMARY KEY (id),
	KEY sessions_user (user_id),
	KEY sessions_expires (expires_at),
	CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='sign-in sessions of the accounts in users';
