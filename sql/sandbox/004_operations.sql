-- Capture, void and refund requests by idempotency key: a request sent
-- again with the same key gets the first answer and moves no money.
CREATE TABLE operations (
	idem_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the caller''s idempotency key',
	kind ENUM('capture', 'void', 'refund') NOT NULL
		COMMENT 'what was asked',
	charge_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'charges.id it was asked of',
	result_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'refunds.id of a refund; empty otherwise',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the first request',
	PRIMARY KEY (idem_key)
) ENGINE = InnoDB COMMENT 'idempotency keys of the sandbox''s money movements';
