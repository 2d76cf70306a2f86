-- Idle timeout: when each session was last used. Set at sign-in and moved
-- by every renewal of its short-lived token (at most once per
-- session_renew_seconds while the member is active); a session unused for
-- session_idle_seconds is over (docs/DECISIONS.md "Fail-closed revocation").
ALTER TABLE sessions
	ADD COLUMN last_seen_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time of sign-in or of the last renewal of its token'
		AFTER created_at;
