-- Replica of the tickets service's listings: a faithful copy of the source
-- (SPEC invariant 3), kept by workers/replicator (orders-tickets) from
-- ticket.* events; a row only moves to a higher version. What units exist
-- is not here but in stock (MARKETPLACE.md rule 2).
CREATE TABLE listings_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'listings.id in ticketing_tickets',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the event the tickets are for',
	seller_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the member who offers them',
	section VARCHAR(100) NOT NULL DEFAULT ''
		COMMENT 'section as the seller typed it, may be empty',
	row_label VARCHAR(100) NOT NULL DEFAULT ''
		COMMENT 'row as the seller typed it, may be empty (data member "row")',
	seat VARCHAR(100) NOT NULL DEFAULT ''
		COMMENT 'seat(s) as the seller typed them, may be empty',
	note VARCHAR(1000) NOT NULL DEFAULT ''
		COMMENT 'the seller''s note, may be empty',
	quantity INT UNSIGNED NOT NULL
		COMMENT 'units the seller offers in this version',
	price BIGINT UNSIGNED NOT NULL
		COMMENT 'price per unit in minor units of currency',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of price',
	state ENUM('active', 'withdrawn', 'hidden', 'cancelled') NOT NULL
		COMMENT 'active, withdrawn by the seller, hidden by an admin, cancelled with its event',
	hidden_reason VARCHAR(500) NOT NULL DEFAULT ''
		COMMENT 'why an admin hid it, empty unless hidden',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'listings.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id),
	KEY listings_replica_event (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of tickets listings (ticket.created, ticket.updated)';
