-- Device credentials (DESIGN 3.5): only a SHA-256 of each secret is kept; revoked ones stay listed.
CREATE TABLE device_credentials (
    credential_id  text PRIMARY KEY,
    company_id     text NOT NULL REFERENCES companies ON DELETE CASCADE,
    device_id      text NOT NULL,
    secret_hash    bytea NOT NULL,
    label          text,
    created_at     timestamptz NOT NULL,
    created_by     text NOT NULL,
    last_used_at   timestamptz,
    revoked_at     timestamptz
);
CREATE INDEX device_credentials_device ON device_credentials (company_id, device_id);
