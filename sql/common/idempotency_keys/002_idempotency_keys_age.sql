-- The relay deletes keys older than idempotency_retention_seconds, oldest
-- first, a batch at a time (lib/prune.h): this index finds them without
-- reading the whole table.
ALTER TABLE idempotency_keys
	ADD KEY idempotency_keys_age (created_at);
