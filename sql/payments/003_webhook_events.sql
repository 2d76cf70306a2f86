-- The provider's webhook events already applied: a delivery whose event
-- id is here changes nothing (a replay answers 200). Inserted in the
-- transaction of the event's effect.
CREATE TABLE webhook_events (
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the provider''s event id (every delivery of one event carries it)',
	type VARCHAR(32) CHARACTER SET ascii NOT NULL
		COMMENT 'charge.authorized or charge.failed',
	payment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'payments.id of its session; NULL when no attempt had that session',
	received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time it was applied',
	PRIMARY KEY (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='webhook events applied, by provider event id';
