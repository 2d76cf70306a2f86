-- Replica of the events service's events in the notifications database:
-- what the marketplace mails say of an order's event (its name, its start,
-- its venue). Kept by workers/notify (notify-events) from event.* events
-- with the replicator's apply (repl_event); a row only moves to a higher
-- version. The same columns as the orders service's events_replica.
CREATE TABLE events_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'events.id in ticketing_events',
	starts_at DATETIME NOT NULL
		COMMENT 'UTC start time',
	status ENUM('scheduled', 'cancelled') NOT NULL
		COMMENT 'scheduled, or cancelled by an organizer',
	name VARCHAR(200) NOT NULL
		COMMENT 'event name',
	venue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the venue (venues_replica.id)',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'events.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of events (event.created, event.updated, event.cancelled)';
