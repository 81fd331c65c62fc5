-- Login through OpenID Connect (auth::oidc). One row a login under way,
-- from the redirect to the provider until its answer comes back: used
-- once (deleted as it is read), and worthless after ten minutes.
CREATE TABLE oidc_logins (
    -- SHA-256 of the `state` sent to the provider (also in a cookie).
    state_hash TEXT PRIMARY KEY,
    -- Which configured provider: 'citizen' or 'staff'.
    provider TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    -- The activation code's hash when a citizen links MitID with it.
    activation_code_hash TEXT,
    -- The logged-in citizen who links MitID to their account from "Mig".
    link_user_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins(expires_at);

-- A session started by a provider remembers which, and the ID token, so
-- logging out can end the provider's session too (RP-initiated logout).
ALTER TABLE sessions ADD COLUMN oidc_provider TEXT;
ALTER TABLE sessions ADD COLUMN id_token TEXT;
