-- Mit Forløb schema. Ids are random text; instants are UTC epoch milliseconds
-- (INTEGER); calendar dates are 'YYYY-MM-DD' text. Written once for both
-- databases: INTEGER is INTEGER on SQLite and BIGINT on PostgreSQL.

CREATE TABLE regions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'caseworker', 'health_coordinator', 'administrator')),
    display_name TEXT NOT NULL,
    -- The local login name (e-mail). A federated login (MitID) links through user_identities.
    email TEXT UNIQUE,
    password_hash TEXT,
    language TEXT NOT NULL DEFAULT 'da' CHECK (language IN ('da', 'en')),
    region_id TEXT REFERENCES regions(id),
    phone TEXT,
    notifications_enabled INTEGER NOT NULL DEFAULT 0,
    quiet_hours_start INTEGER,
    quiet_hours_end INTEGER,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);
CREATE INDEX users_role ON users(role);

-- Seam for MitID / NemLog-in: an external subject linked to a local user.
CREATE TABLE user_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);

CREATE TABLE activation_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX activation_codes_user ON activation_codes(user_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie token: a stolen database holds no usable session.
    key_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- A one-time message for the next page (e.g. a new activation code).
    flash TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts(account_key, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE caseload_assignments (
    id TEXT PRIMARY KEY,
    caseworker_id TEXT NOT NULL REFERENCES users(id),
    citizen_id TEXT NOT NULL REFERENCES users(id),
    assigned_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX caseload_caseworker ON caseload_assignments(caseworker_id, ended_at);
CREATE INDEX caseload_citizen ON caseload_assignments(citizen_id, ended_at);

CREATE TABLE coordinator_regions (
    coordinator_id TEXT NOT NULL REFERENCES users(id),
    region_id TEXT NOT NULL REFERENCES regions(id),
    PRIMARY KEY (coordinator_id, region_id)
);

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('ressourceforloeb', 'jobafklaringsforloeb')),
    status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    start_date TEXT NOT NULL,
    planned_end_date TEXT NOT NULL,
    main_goal TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id)
);
CREATE INDEX courses_citizen ON courses(citizen_id, status);

CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id),
    title TEXT NOT NULL,
    description TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id)
);
CREATE INDEX goals_course ON goals(course_id);

CREATE TABLE goal_ratings (
    id TEXT PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES goals(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    note TEXT,
    rated_at INTEGER NOT NULL
);
CREATE INDEX goal_ratings_goal ON goal_ratings(goal_id, rated_at);

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'ongoing', 'completed', 'cancelled', 'on_hold')),
    title TEXT NOT NULL,
    purpose TEXT,
    place TEXT,
    contact_name TEXT,
    contact_phone TEXT,
    preparation TEXT,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER,
    hours_per_week INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id)
);
CREATE INDEX activities_course_start ON activities(course_id, starts_at);

CREATE TABLE paid_hours (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id),
    week_start TEXT NOT NULL,
    hours INTEGER NOT NULL CHECK (hours BETWEEN 0 AND 80),
    recorded_by TEXT REFERENCES users(id),
    recorded_at INTEGER NOT NULL,
    UNIQUE (course_id, week_start)
);

-- Every change to a plan item: who, when, what.
CREATE TABLE change_history (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id),
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    changed_by TEXT NOT NULL REFERENCES users(id),
    changed_at INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX change_history_entity ON change_history(entity, entity_id, changed_at);

-- When a person last saw a course's plan, for "changed since your last visit".
CREATE TABLE plan_visits (
    user_id TEXT NOT NULL REFERENCES users(id),
    course_id TEXT NOT NULL REFERENCES courses(id),
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, course_id)
);

CREATE TABLE activity_reflections (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activities(id),
    citizen_id TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    course_id TEXT NOT NULL REFERENCES courses(id),
    activity_id TEXT REFERENCES activities(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX feedback_course ON feedback(course_id, created_at);

CREATE TABLE wellbeing_entries (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    entry_date TEXT NOT NULL,
    mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    energy INTEGER NOT NULL CHECK (energy BETWEEN 1 AND 5),
    pain INTEGER NOT NULL CHECK (pain BETWEEN 1 AND 5),
    sleep INTEGER NOT NULL CHECK (sleep BETWEEN 1 AND 5),
    note TEXT,
    activity_id TEXT REFERENCES activities(id),
    shared INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (citizen_id, entry_date)
);

CREATE TABLE who5_responses (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    answered_on TEXT NOT NULL,
    item1 INTEGER NOT NULL CHECK (item1 BETWEEN 0 AND 5),
    item2 INTEGER NOT NULL CHECK (item2 BETWEEN 0 AND 5),
    item3 INTEGER NOT NULL CHECK (item3 BETWEEN 0 AND 5),
    item4 INTEGER NOT NULL CHECK (item4 BETWEEN 0 AND 5),
    item5 INTEGER NOT NULL CHECK (item5 BETWEEN 0 AND 5),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    shared INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX who5_citizen ON who5_responses(citizen_id, answered_on);

-- "Share the next 4 weeks with my caseworker"; withdrawable.
CREATE TABLE wellbeing_share_periods (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    withdrawn_at INTEGER
);
CREATE INDEX share_periods_citizen ON wellbeing_share_periods(citizen_id);

CREATE TABLE health_concerns (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    course_id TEXT NOT NULL REFERENCES courses(id),
    activity_id TEXT REFERENCES activities(id),
    region_id TEXT REFERENCES regions(id),
    -- NULL until a coordinator covers the region; the administrator sees those.
    coordinator_id TEXT REFERENCES users(id),
    description TEXT NOT NULL,
    attach_wellbeing INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('sent', 'received', 'being_assessed', 'conversation_booked', 'answered', 'withdrawn')),
    conversation_at INTEGER,
    conversation_place TEXT,
    outcome TEXT CHECK (outcome IN ('go_ahead', 'adjust', 'do_not_go_ahead')),
    assessment TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX concerns_citizen ON health_concerns(citizen_id, state);
CREATE INDEX concerns_coordinator ON health_concerns(coordinator_id, state, created_at);

CREATE TABLE health_concern_events (
    id TEXT PRIMARY KEY,
    concern_id TEXT NOT NULL REFERENCES health_concerns(id),
    state TEXT NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX concern_events_concern ON health_concern_events(concern_id, at);

CREATE TABLE message_threads (
    id TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    subject TEXT NOT NULL,
    activity_id TEXT REFERENCES activities(id),
    waiting_for_citizen INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL
);
CREATE INDEX threads_citizen ON message_threads(citizen_id, last_message_at);

-- Messages are case documents: never updated in content, never deleted.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES message_threads(id),
    sender_id TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    sent_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX messages_thread ON messages(thread_id, sent_at);

-- Append-only: every staff read of citizen data.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    actor_id TEXT NOT NULL REFERENCES users(id),
    actor_role TEXT NOT NULL,
    citizen_id TEXT NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    purpose TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX audit_citizen ON audit_events(citizen_id, at);

CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE server_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'messages are never deleted'); END;
CREATE TRIGGER messages_no_edit BEFORE UPDATE OF body, sender_id, thread_id, sent_at ON messages
BEGIN SELECT RAISE(ABORT, 'messages are never edited'); END;
