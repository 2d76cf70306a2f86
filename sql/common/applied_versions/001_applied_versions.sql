-- How often each consumer applied each aggregate version (shared by every
-- service some consumer serves): the worker shell (lib/worker.c,
-- WORKER_TX) adds one in the transaction that applies an event, next to
-- the processed_events record but independent of it, so an event applied
-- again by a broken redelivery guard shows as applies > 1 here even where
-- version-guarded updates hide it in the replica. `ticketingctl check`
-- counts such rows as violations; `ticketingctl replay` forgets the rows of
-- the events it replays.
CREATE TABLE applied_versions (
	consumer VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'durable JetStream consumer that applied it',
	aggregate_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'envelope aggregate_id',
	aggregate_version BIGINT UNSIGNED NOT NULL
		COMMENT 'envelope aggregate_version',
	applies INT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'committed applications of this version; more than 1 is a double apply',
	stream_seq BIGINT UNSIGNED NOT NULL
		COMMENT 'JetStream stream sequence of the last delivery applied',
	PRIMARY KEY (consumer, aggregate_id, aggregate_version),
	KEY applied_versions_seq (consumer, stream_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='consumers: applications per aggregate version, to detect double applies';
