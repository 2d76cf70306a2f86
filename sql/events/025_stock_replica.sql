-- Replica of the orders service's unit counts per listing, as the catalogue
-- shows them: the home page and search say "from €25.00 · 12 tickets" per
-- event, the event page lists each listing that has units left. Kept by
-- workers/replicator (consumer events-stock) from stock.changed events
-- (docs/MARKETPLACE.md); a row only moves to a higher version.
CREATE TABLE stock_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the listing: listings.id in ticketing_tickets, stock.id in ticketing_orders',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'events.id of the event the tickets are for',
	seller_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'users.id in ticketing_auth of the member who sells them',
	section VARCHAR(100) NOT NULL
		COMMENT 'section as the seller typed it, may be empty',
	seat_row VARCHAR(100) NOT NULL
		COMMENT 'row as the seller typed it, may be empty',
	seat VARCHAR(100) NOT NULL
		COMMENT 'seat as the seller typed it, may be empty',
	price BIGINT UNSIGNED NOT NULL
		COMMENT 'price of one unit in minor units of currency',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of price',
	state ENUM('active', 'withdrawn', 'hidden', 'cancelled') NOT NULL
		COMMENT 'the listing state the orders service last applied',
	ticket_version BIGINT UNSIGNED NOT NULL
		COMMENT 'listings.version the orders service last applied',
	offered INT UNSIGNED NOT NULL
		COMMENT 'units the seller offers in that version',
	quantity INT UNSIGNED NOT NULL
		COMMENT 'units that exist',
	reserved INT UNSIGNED NOT NULL
		COMMENT 'units held by orders awaiting payment',
	sold INT UNSIGNED NOT NULL
		COMMENT 'units sold',
	available INT UNSIGNED NOT NULL
		COMMENT 'units a buyer can reserve now: quantity - reserved - sold when active, else 0',
	sold_amount BIGINT UNSIGNED NOT NULL
		COMMENT 'sum of the amounts of the complete orders, minor units',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'stock.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id),
	-- The catalogue's aggregate per event (active listings, the lowest
	-- price, the units available) and the event page's list read this
	-- index alone.
	KEY stock_catalogue (event_id, state, available, price)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of orders stock (stock.changed): what the catalogue shows';
