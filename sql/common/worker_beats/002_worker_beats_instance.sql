-- Several instances of one worker (one per host, docs/DECISIONS.md "Two of
-- everything") each keep their own heartbeat row, so the health route
-- shows every one of them and one stopped instance is not hidden by its
-- twin's beats. The instance is the worker's --instance name (the host
-- name by default). The rows written before this change had no instance:
-- they are dropped, and every running worker writes its row again within
-- WORKER_BEAT_MS (lib/worker.h). An instance taken away for good leaves
-- its row stale until an operator deletes it (docs/deploy.md).
DELETE FROM worker_beats;
ALTER TABLE worker_beats
	ADD COLUMN instance VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'which instance of the worker: its --instance name, the host name by default'
		AFTER worker,
	MODIFY worker VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
		COMMENT 'worker program (relay, replicator, expiry, ...); each instance has its own row',
	DROP PRIMARY KEY,
	ADD PRIMARY KEY (worker, instance);
