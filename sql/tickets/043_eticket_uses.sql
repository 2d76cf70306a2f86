-- E-tickets let in at the door: one row per unit of an order, written by
-- "Mark used" on /tickets/verify in one INSERT; the primary key makes the
-- second scan of the same code fail, and it then shows this row's time.
CREATE TABLE eticket_uses (
	order_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'orders_replica.id of the e-ticket',
	unit SMALLINT UNSIGNED NOT NULL
		COMMENT 'the unit number in the code, 1..quantity',
	used_at DATETIME(3) NOT NULL
		COMMENT 'UTC time it was marked used',
	used_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the organizer or admin who marked it (users.id)',
	PRIMARY KEY (order_id, unit)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='e-tickets marked used at the door';
