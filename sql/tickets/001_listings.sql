-- Listings of the tickets service: what a member offers for an event. The
-- seller's wish (quantity, price, withdrawn or not) lives here; how many
-- units exist, are reserved and are sold is the orders service's (its
-- stock table), copied into stock_replica (docs/MARKETPLACE.md).
CREATE TABLE listings (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the event (events_replica.id) the tickets are for',
	seller_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'id of the auth user who lists the tickets',
	section VARCHAR(60) NOT NULL
		COMMENT 'section of the venue, as the seller typed it',
	seat_row VARCHAR(20) NOT NULL
		COMMENT 'row within the section, as typed',
	seat VARCHAR(40) NOT NULL DEFAULT ''
		COMMENT 'seat number(s), optional (empty when not given)',
	note VARCHAR(500) NOT NULL DEFAULT ''
		COMMENT 'free text from the seller, optional',
	quantity SMALLINT UNSIGNED NOT NULL
		COMMENT 'units the seller offers, 1..50',
	price BIGINT UNSIGNED NOT NULL
		COMMENT 'price of one unit in minor units of currency, above 0',
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'ISO 4217 code of price (the deployment currency when listed)',
	state ENUM('active', 'withdrawn', 'hidden', 'cancelled') NOT NULL DEFAULT 'active'
		COMMENT 'active; withdrawn by the seller; hidden by an admin; cancelled with its event',
	hidden_reason VARCHAR(300) NOT NULL DEFAULT ''
		COMMENT 'why an admin hid the listing (shown to the seller); empty unless hidden',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change; the ticket.* aggregate version',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of creation',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (id),
	KEY listings_seller (seller_id, created_at),
	KEY listings_event (event_id, state),
	CONSTRAINT listings_quantity CHECK (quantity BETWEEN 1 AND 50),
	CONSTRAINT listings_price CHECK (price > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='ticket listings: the seller''s offer (ticket.created, ticket.updated)';
