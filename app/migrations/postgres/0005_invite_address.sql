-- An invitation whose e-mail address another account already uses. The
-- caseworker is told nothing different (so "invite citizen" cannot be used
-- to learn who has an account); the new account keeps the address here,
-- outside the unique login column, until an administrator sorts it out.
ALTER TABLE users ADD COLUMN pending_email TEXT;
CREATE INDEX users_pending_email ON users(pending_email);
