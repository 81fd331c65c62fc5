-- Several server processes send from one queue: a process claims due rows
-- (claimed_by) for a lease (claimed_until, epoch ms); a claim whose lease has
-- run out (the process died) is taken over by the next round anywhere.
ALTER TABLE push_outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE push_outbox ADD COLUMN claimed_until BIGINT;

-- A day's wellbeing entry that the caseworker could see, as it was before the
-- citizen wrote over it: the caseworker is shown that it was changed.
CREATE TABLE wellbeing_entry_versions (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    entry_date TEXT NOT NULL,
    mood BIGINT NOT NULL,
    energy BIGINT NOT NULL,
    pain BIGINT NOT NULL,
    sleep BIGINT NOT NULL,
    note TEXT,
    activity_id TEXT,
    -- When the replaced version was written, and when it was replaced.
    written_at BIGINT NOT NULL,
    replaced_at BIGINT NOT NULL
);
CREATE INDEX wellbeing_entry_versions_day ON wellbeing_entry_versions(citizen_id, entry_date);
