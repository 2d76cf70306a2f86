-- How current each durable consumer of this database is, written by the
-- worker shell (lib/worker.c) and nothing else: caught_up_at moves to now,
-- at most twice a second, whenever the consumer finds nothing pending
-- in JetStream while connected and has no dead letter waiting. A replica
-- whose consumer has not caught up for a while may be missing changes: the
-- services refuse privileged actions of stale sessions then
-- (lib/revoke.h). Not a replica and not an event: the checker leaves it
-- alone, and writing it emits nothing.
CREATE TABLE consumer_state (
	consumer VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'durable JetStream consumer (backbone registry)',
	caught_up_at DATETIME(6) NOT NULL
		COMMENT 'UTC time the consumer last had nothing pending and no dead letter',
	PRIMARY KEY (consumer)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='consumers: when each last had nothing pending';
