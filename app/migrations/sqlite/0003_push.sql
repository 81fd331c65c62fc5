-- Web Push. One row per notification to send: per person, kind and thing
-- (a message, a concern, an activity's day), so each goes out once. The text
-- is chosen when it is sent and never says what a message or concern is about.
CREATE TABLE push_outbox (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('message', 'concern_answered', 'activity_tomorrow', 'new_concern')),
    ref_id TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, kind, ref_id)
);
CREATE INDEX push_outbox_due ON push_outbox(sent_at, due_at);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
