-- What an e-ticket shows of its event besides the start: the event's name
-- and its venue (venues_replica). Kept by workers/replicator
-- (orders-events) from event.* like the rest of the row.
ALTER TABLE events_replica
	ADD COLUMN name VARCHAR(200) NOT NULL DEFAULT ''
		COMMENT 'event name, for the e-tickets' AFTER status,
	ADD COLUMN venue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'the venue (venues_replica.id), for the e-tickets' AFTER name;
