-- Charges: one per card submitted on a session's hosted page, authorised
-- or failed, and what the API later did to an authorised one.
CREATE TABLE charges (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	session_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'sessions.id',
	amount BIGINT UNSIGNED NOT NULL
		COMMENT 'the session''s amount, minor units',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of the amount',
	card_last4 CHAR(4) CHARACTER SET ascii NOT NULL
		COMMENT 'last four digits of the card; the number is never stored',
	card_name VARCHAR(100) NOT NULL
		COMMENT 'the cardholder''s name as typed',
	state ENUM('authorized', 'failed', 'captured', 'voided', 'refunded') NOT NULL
		COMMENT 'failed: declined at once; the others follow the API',
	failure_code ENUM('', 'card_declined', 'insufficient_funds') NOT NULL DEFAULT ''
		COMMENT 'why a failed charge failed',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the card''s submission',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (id),
	KEY charges_session (session_id),
	CONSTRAINT charges_session FOREIGN KEY (session_id) REFERENCES sessions (id)
) ENGINE = InnoDB COMMENT 'card charges of the sandbox provider';
