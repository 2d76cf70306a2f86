-- Venues of the events service: where events take place. Times of the
-- events held there are entered and shown in the venue's time zone.
CREATE TABLE venues (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	name VARCHAR(200) NOT NULL
		COMMENT 'venue name as the organizer typed it',
	city VARCHAR(100) NOT NULL
		COMMENT 'city name, trimmed; the search filter matches it exactly',
	address VARCHAR(300) NOT NULL
		COMMENT 'street address, free text',
	capacity INT UNSIGNED NOT NULL
		COMMENT 'number of people the venue holds, at least 1',
	timezone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'IANA time zone name, e.g. Europe/Paris (checked with CONVERT_TZ)',
	created_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'id of the auth user (organizer or admin) who created the venue',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change (events, replicas, edits)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of creation',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (id),
	KEY venues_city (city),
	KEY venues_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='venues where events take place';
