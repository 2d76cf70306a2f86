-- Single-use tokens mailed to an account's address (docs/DECISIONS.md
-- "Account tokens"): address verification and password reset. Only the
-- hash of a token is kept; the token itself travels once, sealed for the
-- notifications worker, in the account_token.issued event written in the
-- same transaction. A token is good while used_at and superseded_at are
-- NULL and expires_at is ahead. Rows are deleted a day after they expire
-- (each new token deletes some).
CREATE TABLE account_tokens (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7: the aggregate id of account_token.issued',
	user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the account (users.id)',
	purpose ENUM('verify_email', 'reset_password') NOT NULL
		COMMENT 'what the link does',
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'crypto_generichash (32 bytes, lower-case hex) of the token as sent in the link',
	email VARCHAR(254) NOT NULL
		COMMENT 'the address the link was sent to; a verification proves only this one',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of issue',
	expires_at DATETIME(6) NOT NULL
		COMMENT 'UTC time after which the link is refused',
	used_at DATETIME(6) NULL
		COMMENT 'UTC time the link was used; NULL while unused',
	superseded_at DATETIME(6) NULL
		COMMENT 'UTC time a newer token of the same account and purpose replaced it',
	PRIMARY KEY (id),
	UNIQUE KEY account_tokens_hash (token_hash),
	KEY account_tokens_user (user_id, purpose),
	KEY account_tokens_expires (expires_at),
	CONSTRAINT account_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='mailed single-use tokens of accounts, by hash';
