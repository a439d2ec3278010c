-- Jobs (DESIGN 5a): deliveries, rides and shipments, and every status each has had. Kind and status are stored as
-- their codes (JobLifecycle.ToCode), the same words the API and the realtime messages use.
-- No foreign key to companies: like trips and vehicle_state, a job is history that outlives configuration changes.
CREATE TABLE jobs (
    company_id          text NOT NULL,
    job_id              text NOT NULL,
    kind                text NOT NULL,
    pickup_latitude     double precision NOT NULL,
    pickup_longitude    double precision NOT NULL,
    pickup_address      text,
    dropoff_latitude    double precision NOT NULL,
    dropoff_longitude   double precision NOT NULL,
    dropoff_address     text,
    customer_reference  text,
    scheduled_for       timestamptz,
    vehicle_id          text,
    driver_id           text,
    status              text NOT NULL,
    created_at          timestamptz NOT NULL,
    -- Guards updates: one moves the job on only from the version it read, so two dispatchers cannot both win.
    version             integer NOT NULL,
    PRIMARY KEY (company_id, job_id)
);
-- Lists are newest first; the vehicle and driver filters serve "what is this vehicle / this driver doing".
CREATE INDEX jobs_company_created ON jobs (company_id, created_at DESC);
CREATE INDEX jobs_company_vehicle ON jobs (company_id, vehicle_id);
CREATE INDEX jobs_company_driver ON jobs (company_id, driver_id);

-- One row per status change, seq counting from 0 in order; rows are only ever appended.
CREATE TABLE job_status_history (
    company_id  text NOT NULL,
    job_id      text NOT NULL,
    seq         integer NOT NULL,
    status      text NOT NULL,
    at          timestamptz NOT NULL,
    by_user_id  text NOT NULL,
    note        text,
    PRIMARY KEY (company_id, job_id, seq),
    FOREIGN KEY (company_id, job_id) REFERENCES jobs ON DELETE CASCADE
);
