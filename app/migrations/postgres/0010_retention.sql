-- Retention (README "Retention"): a citizen's data is removed a configured
-- number of years after their last course ended; the account stays as an
-- empty stub (no name, address or password) holding the access log until
-- that log's own period has passed too.
ALTER TABLE users ADD COLUMN anonymised_at BIGINT;
-- The end of the citizen's last course, kept on the stub: the access log's
-- period counts from it after the courses are gone.
ALTER TABLE users ADD COLUMN course_ended_on TEXT;

-- Present (one row, inside the removing transaction only) while retention
-- removes what is past its period: the append-only rules below let that
-- one transaction delete messages and access-log rows, and nothing else.
CREATE TABLE retention_run (id BIGINT PRIMARY KEY);

CREATE FUNCTION refuse_delete_outside_retention() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM retention_run) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION refuse_delete_outside_retention();
DROP TRIGGER messages_no_delete ON messages;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
FOR EACH ROW EXECUTE FUNCTION refuse_delete_outside_retention();
