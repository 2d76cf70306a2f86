-- Consumer lag: how many messages each durable consumer of this database
-- had not yet acknowledged, as JetStream answered the worker that runs it
-- (pending plus delivered-unacknowledged), written with the worker's
-- heartbeat (lib/worker.c) and read by the service's metrics (lib/ops.h).
-- A consumer whose worker reported its lag before it ever caught up gets
-- a row with caught_up_at at the epoch: not caught up, which is the truth.
ALTER TABLE consumer_state
	ADD COLUMN pending BIGINT UNSIGNED NULL
		COMMENT 'messages not yet acknowledged at pending_at; NULL before the first report',
	ADD COLUMN pending_at DATETIME(6) NULL
		COMMENT 'UTC time of the pending count';
