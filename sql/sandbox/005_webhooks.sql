-- The durable webhook outbox: a row per event, written in the
-- transaction of the charge it tells of, POSTed by the delivery thread
-- until a 2xx answers (docs/PAYMENTS.md, "Webhooks").
CREATE TABLE webhooks (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the event id the body carries (receivers de-duplicate by it)',
	body TEXT CHARACTER SET utf8mb4 NOT NULL
		COMMENT 'the JSON body, signed afresh at each attempt',
	next_attempt_at DATETIME(3) NOT NULL
		COMMENT 'UTC time the next attempt is due',
	attempts INT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'attempts made so far',
	last_status INT NOT NULL DEFAULT 0
		COMMENT 'HTTP status of the last attempt; 0 none or no answer',
	delivered_at DATETIME(3) NULL
		COMMENT 'UTC time a 2xx answered; NULL while pending',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the event happened',
	PRIMARY KEY (id),
	KEY webhooks_due (delivered_at, next_attempt_at)
) ENGINE = InnoDB COMMENT 'webhook outbox of the sandbox provider';
