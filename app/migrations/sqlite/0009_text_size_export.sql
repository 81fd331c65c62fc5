-- The text size a person chose under "Mig": kept with the account, so it
-- follows them to a new phone, and applied to every page they are shown.
ALTER TABLE users ADD COLUMN text_size TEXT NOT NULL DEFAULT 'normal'
    CHECK (text_size IN ('normal', 'large', 'larger'));

-- "Hent mine data" reads a course's whole change history at once.
CREATE INDEX change_history_course ON change_history(course_id, changed_at);
