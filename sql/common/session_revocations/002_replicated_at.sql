-- When each row was written here, so that the revocation mirror of the
-- service's processes (lib/revoke.c) reads only the rows added since its
-- last read. Rows from before this migration count as written now.
ALTER TABLE session_revocations
	ADD COLUMN replicated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the row was written to this replica',
	ADD KEY session_revocations_replicated (replicated_at);
