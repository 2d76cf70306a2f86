-- Events the workers' consumers handled in this database (shared by every
-- service some consumer serves): one row per (consumer, event), written in
-- the transaction that handled the event (lib/worker.h, WORKER_TX), so a
-- redelivered event finds its row and is acknowledged without effect.
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
	COMMENT='consumers: events handled here, for idempotent redelivery';
