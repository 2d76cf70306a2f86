-- Transactional outbox, shared by every service that emits events (the
-- backbone registry, lib/backbone.c): events written in the same
-- transaction as the change they describe; workers/relay publishes them to
-- JetStream in id order and marks them sent after the PubAck, and prunes
-- sent rows later.
CREATE TABLE outbox (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT
		COMMENT 'publication order',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'envelope event_id (UUIDv7), also the Nats-Msg-Id',
	subject VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'JetStream subject, ticketing.<aggregate>.<verb>',
	payload MEDIUMTEXT NOT NULL
		COMMENT 'the event envelope, JSON (lib/event.h)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the event was written',
	sent_at DATETIME(6) NULL
		COMMENT 'UTC time JetStream acknowledged it; NULL while unsent',
	PRIMARY KEY (id),
	UNIQUE KEY outbox_event (event_id),
	KEY outbox_unsent (sent_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='events waiting for, or kept after, publication';
