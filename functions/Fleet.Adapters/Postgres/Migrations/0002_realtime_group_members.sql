-- Who is in which realtime group, as Azure SignalR Service holds it. The service cannot cheaply say which of a batch's
-- vehicles have followers; this table answers that with one indexed query per batch (IVehicleFollowers).
CREATE TABLE realtime_group_members (
    group_name text NOT NULL,
    user_id    text NOT NULL,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_name, user_id)
);

CREATE INDEX realtime_group_members_user ON realtime_group_members (user_id);
