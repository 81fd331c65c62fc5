-- A staff read is recorded once per person, citizen, kind of read and
-- quarter of an hour (window_start, epoch ms); the unique index makes two
-- views racing write it once. Account events leave it NULL: never merged.
ALTER TABLE audit_events ADD COLUMN window_start INTEGER;
CREATE UNIQUE INDEX audit_read_window ON audit_events(actor_id, action, purpose, window_start, citizen_id);

-- Unread messages, found without reading a thread's (or the database's)
-- read ones: for unread counts on the caseload and inbox, and mark-read.
CREATE INDEX messages_unread ON messages(thread_id, sender_id) WHERE read_at IS NULL;
