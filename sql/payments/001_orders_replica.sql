-- Replica of the orders service's orders, as far as a checkout needs them
-- (docs/PAYMENTS.md): whose order it is, what it may charge, and whether
-- it still awaits payment before its deadline. Kept by workers/replicator
-- (payments-orders) from order.* events; a row only moves to a higher
-- version. POST /payments locks its row, so parallel submits of one pay
-- form take turns.
CREATE TABLE orders_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'orders.id in ticketing_orders',
	buyer_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the member who reserved: the only one who may pay',
	listing_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the listing whose units the order holds',
	amount BIGINT UNSIGNED NOT NULL
		COMMENT 'what the order costs, minor units',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of the amount',
	state ENUM('awaiting_payment', 'paying', 'complete', 'refunded', 'cancelled') NOT NULL
		COMMENT 'the order''s state as last replicated',
	expires_at DATETIME(3) NOT NULL
		COMMENT 'UTC deadline of the reservation',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'orders.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of orders (order.* events)';
