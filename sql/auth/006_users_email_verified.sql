-- Address verification (docs/DECISIONS.md "Account tokens"): when the
-- member proved they read mail at their address (the link of
-- account_token.issued with purpose verify_email, or a password reset by
-- mail); NULL while unverified. Listing tickets needs it. Accounts that
-- exist when this runs stay unverified: they verify from the account page.
ALTER TABLE users
	ADD COLUMN email_verified_at DATETIME(6) NULL
		COMMENT 'UTC time the address was proved (a mailed link); NULL: not verified'
		AFTER email;
