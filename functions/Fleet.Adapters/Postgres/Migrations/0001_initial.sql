-- The fleet's configuration, history and live state. Every table that holds a company's data carries company_id, and
-- every query filters by it.

CREATE TABLE companies (
    company_id      text PRIMARY KEY,
    name            text NOT NULL,
    time_zone       text NOT NULL DEFAULT 'UTC',
    -- Rule settings that differ from the defaults (RuleSettings as JSON); null means all defaults.
    rules           json,
    -- Bumped by every change to the company's configuration, so instances know when a cached copy is stale.
    config_version  bigint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
    vehicle_id                        text PRIMARY KEY,
    company_id                        text NOT NULL REFERENCES companies ON DELETE CASCADE,
    name                              text NOT NULL,
    vehicle_class                     text NOT NULL,
    speed_limit_kmh                   double precision,
    fuel_capacity_liters              double precision,
    expected_report_interval_seconds  double precision,
    service_interval_km               double precision,
    initial_odometer_km               double precision NOT NULL DEFAULT 0,
    created_at                        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicles_company ON vehicles (company_id);

CREATE TABLE devices (
    device_id   text PRIMARY KEY,
    vehicle_id  text NOT NULL REFERENCES vehicles ON DELETE CASCADE
);
CREATE INDEX devices_vehicle ON devices (vehicle_id);

CREATE TABLE drivers (
    driver_id   text PRIMARY KEY,
    company_id  text NOT NULL REFERENCES companies ON DELETE CASCADE,
    name        text NOT NULL,
    user_id     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drivers_company ON drivers (company_id);

-- Geometry is GeoJSON (longitude first): a Point with radius_meters for a circle, a Polygon (holes as inner rings),
-- or a LineString with half_width_meters for a corridor.
-- A fence id is unique within its company only: one company cannot overwrite another's fence by reusing an id.
CREATE TABLE geofences (
    company_id         text NOT NULL REFERENCES companies ON DELETE CASCADE,
    geofence_id        text NOT NULL,
    name               text NOT NULL,
    geometry           json NOT NULL,
    radius_meters      double precision,
    half_width_meters  double precision,
    alert_on           text NOT NULL,
    speed_limit_kmh    double precision,
    dwell_seconds      double precision,
    severity           text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, geofence_id)
);

-- Every accepted fix, keyed by (vehicle, fix time) so a replay writes nothing new, in monthly partitions so old
-- history is dropped a month at a time. It keeps all the device sent and where the event came from.
CREATE TABLE positions (
    vehicle_id          text NOT NULL,
    fix_time            timestamptz NOT NULL,
    company_id          text NOT NULL,
    device_id           text NOT NULL,
    latitude            double precision NOT NULL,
    longitude           double precision NOT NULL,
    speed_kmh           double precision,
    heading_degrees     double precision,
    accuracy_meters     double precision,
    altitude_meters     double precision,
    device_sequence     bigint,
    driver_id           text,
    device_odometer_km  double precision,
    fuel_level_percent  double precision,
    ignition            boolean,
    device_events       integer NOT NULL,
    odometer_km         double precision,
    is_late             boolean NOT NULL,
    partition_id        text NOT NULL,
    sequence_number     bigint NOT NULL,
    enqueued_time       timestamptz NOT NULL,
    publisher           text,
    PRIMARY KEY (vehicle_id, fix_time)
) PARTITION BY RANGE (fix_time);

-- Catches what no monthly partition covers (fixes far from now); partitions are created ahead of time so it stays empty.
CREATE TABLE positions_default PARTITION OF positions DEFAULT;

-- Creates the monthly partitions from the month of first_month for a number of months, if missing.
CREATE FUNCTION fleet_ensure_position_partitions(first_month date, months integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    month_start date;
    partition_name text;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        month_start := date_trunc('month', first_month)::date + make_interval(months => i);
        partition_name := 'positions_' || to_char(month_start, 'YYYY_MM');
        IF to_regclass(partition_name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF positions FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start::timestamp AT TIME ZONE 'UTC',
                (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        END IF;
    END LOOP;
END
$$;

-- Each vehicle's pipeline state as one JSON value, guarded by its version; the live position and status are
-- columns too, for listing a fleet without parsing every state.
CREATE TABLE vehicle_state (
    vehicle_id  text PRIMARY KEY,
    company_id  text NOT NULL,
    version     bigint NOT NULL,
    watermark   timestamptz,
    last_seen   timestamptz,
    status      text NOT NULL,
    latitude    double precision,
    longitude   double precision,
    state       json NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicle_state_company ON vehicle_state (company_id);

CREATE TABLE trips (
    trip_id             text PRIMARY KEY,
    company_id          text NOT NULL,
    vehicle_id          text NOT NULL,
    driver_id           text,
    status              text NOT NULL,
    start_time          timestamptz NOT NULL,
    start_latitude      double precision NOT NULL,
    start_longitude     double precision NOT NULL,
    end_time            timestamptz,
    end_latitude        double precision,
    end_longitude       double precision,
    distance_km         double precision NOT NULL,
    max_speed_kmh       double precision NOT NULL,
    fuel_used_liters    double precision
);
CREATE INDEX trips_vehicle_start ON trips (vehicle_id, start_time);

-- One vehicle's activity per local day, summed by every batch in the transaction that moves its state on.
CREATE TABLE company_daily_stats (
    company_id        text NOT NULL,
    day               date NOT NULL,
    vehicle_id        text NOT NULL,
    distance_km       double precision NOT NULL,
    trips_started     integer NOT NULL,
    trips_completed   integer NOT NULL,
    trips_cancelled   integer NOT NULL,
    fuel_used_liters  double precision NOT NULL,
    moving_seconds    double precision NOT NULL,
    idle_seconds      double precision NOT NULL,
    PRIMARY KEY (company_id, day, vehicle_id)
);

-- Events that could not be used, kept whole. The stream position identifies one (enqueued time too: a recreated
-- event hub starts its sequence numbers again).
CREATE TABLE dead_letters (
    partition_id     text NOT NULL,
    sequence_number  bigint NOT NULL,
    enqueued_time    timestamptz NOT NULL,
    publisher        text,
    reason           text NOT NULL,
    detail           text NOT NULL,
    device_id        text,
    vehicle_id       text,
    company_id       text,
    body             bytea NOT NULL,
    body_length      integer NOT NULL,
    stored_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partition_id, sequence_number, enqueued_time)
);
CREATE INDEX dead_letters_company ON dead_letters (company_id, enqueued_time DESC);

-- The newest realtime sequence number given out per company.
CREATE TABLE company_sequences (
    company_id  text PRIMARY KEY,
    last_seq    bigint NOT NULL
);
