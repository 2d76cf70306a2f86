-- Idempotency keys of create forms (lib/idem.h), shared by every service
-- that creates things through forms: one row per submission that created
-- something, written in the transaction that created it. A second
-- submission of the same form (same user, form and key) finds the row and
-- answers with what the first one created instead of creating it again.
CREATE TABLE idempotency_keys (
	actor_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'id of the signed-in user who submitted the form',
	form VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'what the form creates, e.g. event or venue',
	idem_key CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the hidden idempotency_key field of the form: 32 random lower-case hex digits',
	result_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'id of what the first submission created',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the first submission',
	PRIMARY KEY (actor_id, form, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='create forms: keys already used, with what they created';
