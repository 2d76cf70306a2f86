-- Replica of the tickets service's listings in the notifications database,
-- as far as the mails need them: where the seats of an order are
-- (section, row, seat) and whose they are. Kept by workers/notify
-- (notify-tickets) from ticket.* events with the replicator's apply
-- (repl_listing_place); a row only moves to a higher version.
CREATE TABLE listings_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'listings.id in ticketing_tickets',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the event (events_replica.id)',
	seller_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the seller (users_replica.id)',
	section VARCHAR(100) NOT NULL DEFAULT '',
	row_label VARCHAR(100) NOT NULL DEFAULT '',
	seat VARCHAR(100) NOT NULL DEFAULT '',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'listings.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of listings (ticket.created, ticket.updated): where the seats are';
