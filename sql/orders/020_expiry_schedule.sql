-- The expiry worker's schedule (workers/expiry): one row per reservation
-- whose deadline has not been handled yet. The worker's orders-expiry
-- consumer inserts a row for each order.created, in the transaction of
-- its processed_events record; its loop deletes the due rows and appends
-- expiration.complete to the outbox in one transaction. The orders service
-- never reads it: it learns of a deadline through expiration.complete.
CREATE TABLE expiry_schedule (
	order_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'orders.id of the reservation',
	expires_at DATETIME(3) NOT NULL
		COMMENT 'UTC deadline, the expires_at of order.created',
	PRIMARY KEY (order_id),
	KEY expiry_schedule_due (expires_at, order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='reservation deadlines waiting for the expiry worker';
