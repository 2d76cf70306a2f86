-- Replica of the events service's events, as far as reservations need
-- them: whether an event has started or was cancelled (MARKETPLACE.md rule
-- 1). Kept by workers/replicator (orders-events) from event.* events; a row
-- only moves to a higher version.
CREATE TABLE events_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'events.id in ticketing_events',
	starts_at DATETIME NOT NULL
		COMMENT 'UTC start time',
	status ENUM('scheduled', 'cancelled') NOT NULL
		COMMENT 'scheduled, or cancelled by an organizer',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'events.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of events (event.created, event.updated, event.cancelled)';
