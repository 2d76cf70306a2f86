-- Replica of the events service's venues in the notifications database:
-- where an order's event takes place and the time zone its start is shown
-- in. Kept by workers/notify (notify-venues) with the replicator's apply
-- (repl_venue); a row only moves to a higher version.
CREATE TABLE venues_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'venues.id in ticketing_events',
	name VARCHAR(200) NOT NULL
		COMMENT 'venue name',
	city VARCHAR(100) NOT NULL
		COMMENT 'city name',
	timezone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'IANA time zone name of the venue',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'venues.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of venues (venue.created, venue.updated)';
