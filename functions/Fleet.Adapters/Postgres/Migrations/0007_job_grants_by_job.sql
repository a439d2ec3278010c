-- A job's tracking links are counted on every share (at most StoredLimits.MaxTrackingLinksPerJob), and a deleted
-- job's links go with it: both find them by job.
CREATE INDEX job_grants_job ON job_grants (company_id, job_id);
