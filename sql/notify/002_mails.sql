-- The mails of the notifications worker (docs/MAIL.md): one row per mail,
-- written in the transaction that records the event it reports
-- (processed_events), sent by the worker's loop outside any transaction.
-- The row keeps what renders the mail (data: the event's members the
-- templates need), never the rendered message: a reset or verification
-- link's token stays sealed to the worker's key in data and is opened only
-- while the mail is rendered for sending.
CREATE TABLE mails (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	message_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'Message-ID header: <EVENT_ID.KIND@host of base_url>',
	kind VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the mail kind: templates mail/KIND.txt and mail/KIND.html.tpl',
	event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'the event the mail reports',
	user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL
		COMMENT 'the member it goes to, when known',
	recipient VARCHAR(254) NOT NULL
		COMMENT 'the address',
	recipient_name VARCHAR(100) NOT NULL DEFAULT ''
		COMMENT 'the display name',
	data LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
		COMMENT 'JSON: what the templates need (tokens sealed)',
	state ENUM('queued', 'sent', 'failed') NOT NULL DEFAULT 'queued',
	attempts INT UNSIGNED NOT NULL DEFAULT 0
		COMMENT 'SMTP attempts made',
	next_attempt_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
		COMMENT 'UTC time the next attempt is due (queued)',
	last_error VARCHAR(255) NULL
		COMMENT 'what the last failed attempt met (SMTP reply, or why it cannot render)',
	created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	sent_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY mails_message_id (message_id),
	KEY mails_due (state, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='mails to send and sent (workers/notify)';
