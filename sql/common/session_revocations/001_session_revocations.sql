-- Sessions revoked at the auth service (sign-out, password change), kept by
-- workers/replicator from session.revoked events. Requests whose session is
-- listed here are treated as signed out (lib/revoke.h).
CREATE TABLE session_revocations (
	session_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'sessions.id in ticketing_auth',
	user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the account the session belonged to',
	revoked_at DATETIME(3) NOT NULL
		COMMENT 'UTC time of the revocation at auth',
	version BIGINT UNSIGNED NOT NULL
		COMMENT 'aggregate version of the revocation event',
	PRIMARY KEY (session_id),
	KEY session_revocations_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='replica of revoked auth sessions (session.revoked)';
