-- Checkout sessions of the sandbox payment provider: one per payment
-- attempt the payments service opens (docs/PAYMENTS.md, "Server-to-server
-- API"). The idempotency key makes a repeated create return the same row.
CREATE TABLE sessions (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	idem_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the caller''s idempotency key of the create',
	order_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the order being paid, as the caller names it',
	amount BIGINT UNSIGNED NOT NULL
		COMMENT 'amount to charge, minor units',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of the amount',
	return_url VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'local path the browser returns to, session_id appended',
	state ENUM('open', 'complete') NOT NULL DEFAULT 'open'
		COMMENT 'complete once a card was authorised; a declined card leaves it open',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the create',
	PRIMARY KEY (id),
	UNIQUE KEY sessions_idem (idem_key)
) ENGINE = InnoDB COMMENT 'checkout sessions of the sandbox provider';
