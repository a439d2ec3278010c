-- The local host's durable stand-in for an event hub (issue 17): accepted events are kept here before the sender gets
-- its 201, and each partition's consumer checkpoints after handling a batch. Deployments on Azure read from Event Hubs
-- and never write these tables.
CREATE TABLE local_event_partitions (
    partition_id          integer PRIMARY KEY,
    last_sequence_number  bigint NOT NULL DEFAULT 0,
    last_enqueued_time    timestamptz
);

-- Apart from the partitions' rows, so a consumer's checkpoint never waits on a writer's row lock.
CREATE TABLE local_event_checkpoints (
    partition_id     integer PRIMARY KEY,
    sequence_number  bigint NOT NULL
);

CREATE TABLE local_events (
    partition_id     integer NOT NULL,
    sequence_number  bigint NOT NULL,
    enqueued_time    timestamptz NOT NULL,
    publisher        text,
    body             bytea NOT NULL,
    PRIMARY KEY (partition_id, sequence_number)
);
