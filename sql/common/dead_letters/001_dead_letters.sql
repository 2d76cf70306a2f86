-- Events a worker's consumer could not handle (undecodable, or refused by
-- its handler): kept here, logged, and terminated in JetStream so they no
-- longer block the consumer. An operator inspects and replays them. Shared
-- by every service some consumer serves.
CREATE TABLE dead_letters (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT
		COMMENT 'arrival order',
	consumer VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'durable JetStream consumer that gave up on it',
	subject VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'JetStream subject it came on',
	stream_seq BIGINT UNSIGNED NOT NULL
		COMMENT 'JetStream stream sequence',
	deliveries INT UNSIGNED NOT NULL
		COMMENT 'deliveries so far when it was given up',
	reason VARCHAR(255) NOT NULL
		COMMENT 'why it was refused',
	payload MEDIUMBLOB NOT NULL
		COMMENT 'the message as received, byte for byte',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time it was given up',
	PRIMARY KEY (id),
	UNIQUE KEY dead_letters_delivery (consumer, stream_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='consumers: poison messages, kept for inspection';
