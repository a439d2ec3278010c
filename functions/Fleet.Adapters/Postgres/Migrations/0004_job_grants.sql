-- Tracking links of jobs: the SHA-256 of each link's secret, never the secret itself.
CREATE TABLE job_grants (
    token_hash         text PRIMARY KEY,
    company_id         text NOT NULL,
    job_id             text NOT NULL,
    created_by_user_id text NOT NULL,
    created_at         timestamptz NOT NULL,
    FOREIGN KEY (company_id, job_id) REFERENCES jobs (company_id, job_id) ON DELETE CASCADE
);
