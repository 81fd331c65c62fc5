-- The form key of the administrator's "create staff account" form that made
-- the account: the same form sent twice makes one account.
ALTER TABLE users ADD COLUMN creation_key TEXT;
CREATE UNIQUE INDEX users_creation_key ON users(creation_key);
