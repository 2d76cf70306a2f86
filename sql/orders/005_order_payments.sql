-- The payment side of an order (docs/PAYMENTS.md): the payment the orders
-- service accepted (awaiting_payment -> paying), the last one it refused,
-- the refund it asked for, and the reason of the latest change, which the
-- order.* events carry. A capture that failed cancels a paying order.
ALTER TABLE orders
	MODIFY cancel_reason ENUM('', 'buyer', 'expired', 'event_cancelled', 'capture_failed')
		NOT NULL DEFAULT ''
		COMMENT 'why a cancelled order was cancelled; empty otherwise',
	ADD payment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'the accepted payment (payments.id); empty until paying',
	ADD charge_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'the provider''s charge of the accepted payment',
	ADD paid_amount BIGINT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'the amount authorised for the accepted payment, minor units',
	ADD paying_at DATETIME(3) NULL
		COMMENT 'UTC time the order became paying (the capture timeout runs from it)',
	ADD refused_payment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'the last payment refused for this order (the settlement worker voids it)',
	ADD refund_reason ENUM('', 'admin', 'event_cancelled') NOT NULL DEFAULT ''
		COMMENT 'why a refund of the complete order was requested; empty if none',
	ADD reason VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT ''
		COMMENT 'the reason of the latest change, as order.* events carry it',
	ADD KEY orders_paying (state, paying_at);
