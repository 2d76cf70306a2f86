-- Replica of the auth service's users: the holder's name an e-ticket check
-- shows (/tickets/verify). Kept by workers/replicator (tickets-users) from
-- user.* events; a row only moves to a higher version.
CREATE TABLE users_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'users.id in ticketing_auth',
	name VARCHAR(100) NOT NULL
		COMMENT 'display name',
	role ENUM('member', 'organizer', 'admin') NOT NULL
		COMMENT 'the account role',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'users.version of the state held here',
	updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the replica row last changed',
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of auth users (user.created, user.updated)';
