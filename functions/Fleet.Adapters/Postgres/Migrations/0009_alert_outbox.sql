-- The alert outbox (docs/BATCH-ORDER.md): the alerts of a batch, recorded in the batch's own transaction and kept
-- until they are written to Table Storage, and then until they are written once more after a settling time (a store
-- may lose a write it acknowledged). An outage there then delays alerts instead of stopping ingestion, and a
-- crash after the commit leaves them here to be delivered instead of lost. One row per alert, holding its newest
-- version (never a version that is not final over a final one); payload is the alert as JSON, compared whole when a
-- delivered version is cleared, so a newer one committed meanwhile stays.
-- Keyed as the alert store keys alerts, by company and id: ids are made from the vehicle, which can move between
-- companies.
CREATE TABLE alert_outbox (
    company_id   text NOT NULL,
    alert_id     text NOT NULL,
    final        boolean NOT NULL,
    payload      jsonb NOT NULL,
    recorded_at  timestamptz NOT NULL,
    -- Null while pending; when the version held was written to Table Storage.
    delivered_at timestamptz,
    PRIMARY KEY (company_id, alert_id)
);

-- What is pending is read oldest record first, ties in code-point order of the ids (as the in-memory outbox sorts);
-- what was delivered, oldest delivery first.
CREATE INDEX alert_outbox_pending ON alert_outbox (recorded_at, alert_id COLLATE "C") WHERE delivered_at IS NULL;
CREATE INDEX alert_outbox_delivered ON alert_outbox (delivered_at, alert_id COLLATE "C") WHERE delivered_at IS NOT NULL;
