-- The course plan, part two: field-level change history, the citizen's
-- private calendar feed, and at-most-once goal ratings.

-- What one change did, field by field: the values before and after, as shown
-- to people (kinds and statuses as their codes, translated when shown).
CREATE TABLE change_fields (
    change_id TEXT NOT NULL REFERENCES change_history(id),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    PRIMARY KEY (change_id, field)
);

-- A subscribable calendar of the citizen's upcoming activities. The URL holds
-- a random token shown once; only its hash is kept. Revoking ends it.
CREATE TABLE calendar_feeds (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    show_titles BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX calendar_feeds_citizen ON calendar_feeds(citizen_id, revoked_at);

ALTER TABLE goal_ratings ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX goal_ratings_idempotency ON goal_ratings(idempotency_key);
CREATE INDEX activity_reflections_activity ON activity_reflections(activity_id, created_at);
CREATE INDEX feedback_activity ON feedback(activity_id, created_at);
