-- Refunds of captured charges (full refunds only).
CREATE TABLE refunds (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'UUIDv7 in canonical lower-case text',
	charge_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'charges.id',
	amount BIGINT UNSIGNED NOT NULL
		COMMENT 'refunded amount, minor units: the charge''s',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of the refund',
	PRIMARY KEY (id),
	UNIQUE KEY refunds_charge (charge_id),
	CONSTRAINT refunds_charge FOREIGN KEY (charge_id) REFERENCES charges (id)
) ENGINE = InnoDB COMMENT 'refunds of the sandbox provider';
