-- Retention (README "Retention"): a citizen's data is removed a configured
-- number of years after their last course ended; the account stays as an
-- empty stub (no name, address or password) holding the access log until
-- that log's own period has passed too.
ALTER TABLE users ADD COLUMN anonymised_at INTEGER;
-- The end of the citizen's last course, kept on the stub: the access log's
-- period counts from it after the courses are gone.
ALTER TABLE users ADD COLUMN course_ended_on TEXT;

-- Present (one row, inside the removing transaction only) while retention
-- removes what is past its period: the append-only rules below let that
-- one transaction delete messages and access-log rows, and nothing else.
CREATE TABLE retention_run (id INTEGER PRIMARY KEY);

DROP TRIGGER audit_events_no_delete;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM retention_run)
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
DROP TRIGGER messages_no_delete;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
WHEN NOT EXISTS (SELECT 1 FROM retention_run)
BEGIN SELECT RAISE(ABORT, 'messages are never deleted'); END;
