-- When the session's one-time message was kept: a kept form draft expires
-- with its form, so typed (possibly health) text does not linger.
ALTER TABLE sessions ADD COLUMN flash_at INTEGER;
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX login_attempts_at ON login_attempts(at);

-- A password reset for an activated citizen, under dual control: the
-- caseworker starts it and sees one code, an administrator confirms it and
-- sees the other; only someone holding both (the citizen) can set a password.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    started_by TEXT NOT NULL REFERENCES users(id),
    started_at INTEGER NOT NULL,
    caseworker_code_hash TEXT NOT NULL UNIQUE,
    confirmed_by TEXT REFERENCES users(id),
    confirmed_at INTEGER,
    admin_code_hash TEXT UNIQUE,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    citizen_told_at INTEGER
);
CREATE INDEX password_resets_user ON password_resets(user_id);
