-- Who organizes each event: /tickets/verify lets only the event's organizer
-- (and admins) check its e-tickets. From the created_by member of event.*,
-- kept by workers/replicator (tickets-events) like the rest of the row.
ALTER TABLE events_replica
	ADD COLUMN created_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''
		COMMENT 'the organizer who created the event (users.id)' AFTER status;
