-- Collaboration journal, version 1: append-only event streams (one per grain), their snapshots, and the ledger that
-- owns every event id. Applied once, in order with the other numbered scripts, by the schema migrator.

CREATE TABLE journal_events (
    stream_id  text        NOT NULL,
    version    bigint      NOT NULL,
    event_id   text        NOT NULL,
    event_type text        NOT NULL,
    data       bytea       NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, version),
    CONSTRAINT journal_events_event_id UNIQUE (stream_id, event_id)
);

CREATE TABLE journal_snapshots (
    stream_id text   NOT NULL PRIMARY KEY,
    version   bigint NOT NULL,
    data      bytea  NOT NULL
);

CREATE TABLE event_ledger (
    event_id     text        NOT NULL PRIMARY KEY,
    content_hash bytea       NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
