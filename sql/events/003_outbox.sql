-- Outbox of the events service: the venue.* and event.* events written in
-- the same transaction as the change they describe, published to JetStream
-- by the relay (lib/outbox.h).
CREATE TABLE outbox (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT
		COMMENT 'publishing order',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 of the event, the JetStream Nats-Msg-Id',
	subject VARCHAR(200) NOT NULL
		COMMENT 'NATS subject, e.g. ticketing.event.created',
	payload MEDIUMTEXT NOT NULL
		COMMENT 'the JSON envelope (outbox.c)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the change committed',
	sent_at DATETIME(6) NULL
		COMMENT 'UTC time of the PubAck; NULL while unpublished',
	PRIMARY KEY (id),
	UNIQUE KEY outbox_event_id (event_id),
	KEY outbox_unsent (sent_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='events waiting to be published';
