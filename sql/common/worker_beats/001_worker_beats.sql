-- The heartbeat of each worker that works on this database, written by the
-- worker shell (lib/worker.c) and nothing else: beat_at moves to now every
-- WORKER_BEAT_MS while the worker's database and NATS connections both
-- work. The service's loopback health route reads it (lib/ops.h): a beat
-- older than OPS_BEAT_STALE_S means the worker is stopped, stuck or cut
-- off. Not a replica and not an event: the checker leaves it alone, and
-- writing it emits nothing.
CREATE TABLE worker_beats (
	worker VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'worker program (relay, replicator, expiry, ...); instances of one program share the row',
	beat_at DATETIME(6) NOT NULL
		COMMENT 'UTC time the worker last had its database and NATS connections working',
	pid INT UNSIGNED NOT NULL
		COMMENT 'process id of the instance that wrote the last beat',
	PRIMARY KEY (worker)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
	COMMENT='workers: when each last had its connections working';
