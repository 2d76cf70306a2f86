-- The account-wide lockout is replaced by signin_throttle (per account and
-- client address): its columns go.
ALTER TABLE users
	DROP COLUMN failed_signins,
	DROP COLUMN locked_until;
