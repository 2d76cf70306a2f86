-- The units of each listing, owned by the orders service: how many exist,
-- are held by reservations, are sold (MARKETPLACE.md rules 1-3). Every
-- reservation locks its row (SELECT ... FOR UPDATE); the CHECK is the
-- second line against selling a unit twice. Published as stock.changed.
CREATE TABLE stock (
	listing_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'listings_replica.id',
	offered INT UNSIGNED NOT NULL
		COMMENT 'the seller''s quantity in the listing version applied',
	quantity INT UNSIGNED NOT NULL
		COMMENT 'units that exist: GREATEST(offered if active else 0, reserved + sold)',
	reserved INT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'units held by awaiting_payment and paying orders',
	sold INT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'units of complete orders',
	sold_amount BIGINT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'sum of the amounts of complete orders, minor units',
	ticket_version BIGINT UNSIGNED NOT NULL
		COMMENT 'the listings_replica version applied',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change (stock.changed)',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (listing_id),
	CONSTRAINT stock_not_oversold CHECK (reserved + sold <= quantity)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='units per listing: quantity, reserved, sold';
