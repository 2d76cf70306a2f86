-- Replica of the auth service's users in the notifications database: whom
-- a mail about a member goes to, and the role held, so a user.updated
-- that changes it sends the role mail (docs/MAIL.md). Kept by
-- workers/notify (notify-users) from user.* events; a row only moves to a
-- higher version. email and email_verified come with the user events
-- (the mail contract); an event without them keeps what the row holds.
CREATE TABLE users_replica (
	id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'users.id in ticketing_auth',
	email VARCHAR(254) NULL
		COMMENT 'the address mails about this member go to; NULL until an event carries it',
	email_verified TINYINT(1) NOT NULL DEFAULT 0
		COMMENT '1 once the member verified the address',
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
