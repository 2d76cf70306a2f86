-- Replica of the orders service's orders, as far as checking e-tickets at
-- the door needs them (/tickets/verify): whether the order is complete, for
-- which event and listing, whose, how many units. Kept by
-- workers/replicator (consumer tickets-orders) from order.* events; a row
-- only moves to a higher version.
CREATE TABLE orders_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'orders.id in ticketing_orders',
	state ENUM('awaiting_payment', 'paying', 'complete', 'refunded', 'cancelled') NOT NULL
		COMMENT 'the order state (SPEC section 3)',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the event of its units',
	listing_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the listing of its units (listings.id)',
	buyer_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the member who bought (the holder)',
	quantity INT UNSIGNED NOT NULL
		COMMENT 'units of the order: e-tickets 1..quantity',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'orders.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of orders (order.*), for e-ticket checks';
