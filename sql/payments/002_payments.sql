-- Payments: one row per checkout attempt of an order (docs/PAYMENTS.md).
-- An attempt is open while its checkout session takes cards; a card the
-- provider authorises makes it authorized, and the settlement worker then
-- captures, voids or refunds it. At most one attempt of an order is open:
-- POST /payments opens one only while it holds the lock of the order's
-- replica row, so a double submit of the pay form finds the first.
CREATE TABLE payments (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text; the idempotency keys derive from it',
	order_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'orders.id of the order paid',
	buyer_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the order''s buyer, who opened the attempt',
	amount BIGINT UNSIGNED NOT NULL
		COMMENT 'the order''s amount when the attempt opened, minor units',
	currency CHAR(3) CHARACTER SET ascii NOT NULL
		COMMENT 'ISO 4217 code of the amount',
	provider VARCHAR(16) CHARACTER SET ascii NOT NULL
		COMMENT 'payment_provider that holds the session (sandbox)',
	provider_session_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'the provider''s checkout session; NULL until the provider answered',
	session_url VARCHAR(512) CHARACTER SET ascii NOT NULL DEFAULT ''
		COMMENT 'the provider''s hosted page of the session',
	charge_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'the authorised charge; NULL before the authorisation',
	state ENUM('open', 'authorized', 'captured', 'voided', 'failed', 'refunded') NOT NULL
		DEFAULT 'open'
		COMMENT 'open: taking cards; failed: the capture was refused (then voided)',
	failure_code VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT ''
		COMMENT 'the last declined card''s code, or capture_failed',
	version BIGINT UNSIGNED NOT NULL DEFAULT 1
		COMMENT 'row version, incremented by every change (payment.* events)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the attempt opened',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the last change',
	PRIMARY KEY (id),
	UNIQUE KEY payments_session (provider_session_id),
	KEY payments_order (order_id, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='checkout attempts of orders and their money movements';
