-- Replica of the orders service's stock: how many units of each listing
-- exist, are reserved and are sold, and the seller's earnings, as the
-- orders service last applied the listing (stock.changed). Kept by
-- workers/replicator (consumer tickets-stock); a row only moves to a
-- higher version. Absent until the orders service has seen the listing.
CREATE TABLE stock_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the listing (listings.id)',
	ticket_version BIGINT UNSIGNED NOT NULL
		COMMENT 'the listing version the orders service applied',
	offered SMALLINT UNSIGNED NOT NULL
		COMMENT 'the seller''s quantity in that version',
	quantity INT UNSIGNED NOT NULL
		COMMENT 'units that exist: GREATEST(offered, reserved + sold)',
	reserved INT UNSIGNED NOT NULL
		COMMENT 'units held by orders awaiting payment or paying',
	sold INT UNSIGNED NOT NULL
		COMMENT 'units sold',
	available INT UNSIGNED NOT NULL
		COMMENT 'units a buyer can reserve now (0 unless the listing is active)',
	sold_amount BIGINT UNSIGNED NOT NULL
		COMMENT 'sum of the completed orders'' amounts, minor units (the earnings)',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'stock.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of the orders service''s stock (stock.changed)';
