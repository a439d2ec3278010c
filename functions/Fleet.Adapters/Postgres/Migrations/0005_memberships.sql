-- Companies, users and roles as data (DESIGN 3.5): a token says who a user is, a membership what they may do there.

ALTER TABLE companies
    ADD COLUMN currency text NOT NULL DEFAULT 'USD',
    -- Disabled companies keep their data; their devices' events are dead-lettered and their users cannot act for them.
    ADD COLUMN disabled boolean NOT NULL DEFAULT false;

ALTER TABLE vehicles
    ADD COLUMN harsh_braking_mps2 double precision,
    ADD COLUMN harsh_acceleration_mps2 double precision;

CREATE TABLE memberships (
    user_id       text NOT NULL,
    company_id    text NOT NULL REFERENCES companies ON DELETE CASCADE,
    role          text NOT NULL,
    vehicle_ids   text[] NOT NULL DEFAULT '{}',
    display_name  text,
    email         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, company_id)
);
CREATE INDEX memberships_company ON memberships (company_id);
