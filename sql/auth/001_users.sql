-- Accounts of the auth service: one row per person who signed up.
CREATE TABLE users (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	email VARCHAR(254) NOT NULL
		COMMENT 'sign-in address, normalised: trimmed and lower case',
	name VARCHAR(100) NOT NULL
		COMMENT 'display name as typed at sign-up',
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'Argon2id hash string from crypto_pwhash_str',
	role ENUM('member', 'organizer', 'admin') NOT NULL DEFAULT 'member'
		COMMENT 'what the account may do beyond browsing',
	failed_signins INT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'consecutive failed sign-ins; reset by a successful one',
	locked_until DATETIME(6) NULL
		COMMENT 'UTC time until which sign-in is refused; NULL when not locked',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change (events, replicas)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of sign-up',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (id),
	UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='accounts: members, organizers and admins';
