-- Events of the events service: the catalogue every other service refers
-- to. Times are stored in UTC; forms and pages use the venue's time zone.
CREATE TABLE events (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	venue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the venue where the event takes place',
	name VARCHAR(200) NOT NULL
		COMMENT 'event name as the organizer typed it',
	description TEXT NOT NULL
		COMMENT 'free text description, at most 5000 characters, may be empty',
	starts_at DATETIME NOT NULL
		COMMENT 'UTC start time (entered in the venue time zone)',
	ends_at DATETIME NOT NULL
		COMMENT 'UTC end time, after starts_at',
	status ENUM('scheduled', 'cancelled') NOT NULL DEFAULT 'scheduled'
		COMMENT 'scheduled, or cancelled by an organizer (final)',
	created_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'id of the auth user (organizer or admin) who created the event',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change (events, replicas, edits)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of creation',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (id),
	KEY events_upcoming (status, starts_at, id),
	KEY events_venue (venue_id),
	FULLTEXT KEY events_text (name, description),
	CONSTRAINT events_venue_fk FOREIGN KEY (venue_id) REFERENCES venues (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='events: what visitors browse and buy tickets for';
