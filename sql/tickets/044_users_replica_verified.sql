-- Listing tickets needs a verified address (fcgi/tickets/forms.c): the
-- replica keeps email_verified of user.created / user.updated
-- (workers/replicator/tickets.c). Rows written before hold 0 until the
-- user's next event; scripts/dev replays nothing for it (verified accounts
-- get a user.updated when they verify).
ALTER TABLE users_replica
	ADD COLUMN email_verified TINYINT(1) NOT NULL DEFAULT 0
		COMMENT '1 when the account proved its address (user events email_verified)'
		AFTER role;
