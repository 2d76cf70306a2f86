-- Orders: a member's reservation of units of one listing, and later its
-- payment (SPEC section 3, "orders"). The unit price is the listing's at
-- the time of the reservation.
CREATE TABLE orders (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	buyer_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the member who reserved',
	seller_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the listing''s seller',
	listing_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'stock.listing_id of the units',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the listing''s event',
	quantity INT UNSIGNED NOT NULL
		COMMENT 'units reserved, 1..order_max_units',
	unit_price BIGINT UNSIGNED NOT NULL
		COMMENT 'price per unit when reserved, minor units',
	amount BIGINT UNSIGNED NOT NULL
		COMMENT 'quantity * unit_price, minor units',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of the amounts',
	state ENUM('awaiting_payment', 'paying', 'complete', 'refunded', 'cancelled') NOT NULL
		DEFAULT 'awaiting_payment'
		COMMENT 'SPEC section 3 order states',
	cancel_reason ENUM('', 'buyer', 'expired', 'event_cancelled') NOT NULL DEFAULT ''
		COMMENT 'why a cancelled order was cancelled; empty otherwise',
	expires_at DATETIME(3) NOT NULL
		COMMENT 'UTC deadline of the reservation',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the reservation',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change (order.* events)',
	PRIMARY KEY (id),
	KEY orders_buyer (buyer_id, created_at),
	KEY orders_listing (listing_id, state),
	KEY orders_deadline (state, expires_at),
	CONSTRAINT orders_amount CHECK (amount = quantity * unit_price),
	CONSTRAINT orders_quantity CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='orders: reservations of listing units and their payment';
