-- Events the replication workers applied to this database: one row per
-- (consumer, event), written in the transaction that applied the event, so
-- a redelivered event finds its row and is acknowledged without effect.
CREATE TABLE processed_events (
	consumer VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'durable JetStream consumer that applied it',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'envelope event_id (UUID)',
	subject VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'JetStream subject it came on',
	aggregate_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'envelope aggregate_id',
	aggregate_version BIGINT UNSIGNED NOT NULL
		COMMENT 'envelope aggregate_version; 0 marks a dead letter an operator skipped',
	stream_seq BIGINT UNSIGNED NOT NULL
		COMMENT 'JetStream stream sequence of the delivery applied',
	processed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time it was applied',
	PRIMARY KEY (consumer, event_id),
	KEY processed_events_event (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replication: events applied here, for idempotent redelivery';
