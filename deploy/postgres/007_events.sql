-- Collaboration journal, version 7: one row per event instead of one per stream (user, idea and thread each had a
-- copy), with the content hash and poster that the ledger kept beside it, and each thread's idea.
--
-- A row records the id of the transaction that wrote it (tx, as in 004_journal_feed.sql): readers order by it. The
-- event-id index comes with the unique constraint; the key indexes follow the readers' ORDER BY (tx, position), so a
-- grain's tail is one range scan. A thread's idea is bound by its first stored event.
CREATE TABLE events (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx           bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    event_id     text        NOT NULL UNIQUE,
    content_hash bytea       NOT NULL,
    event_type   text        NOT NULL,
    data         bytea       NOT NULL,
    user_id      text        NOT NULL,
    idea_id      text,
    thread_id    text,
    stored_at    timestamptz NOT NULL DEFAULT now(),
    posted_by    text
);
CREATE INDEX events_user ON events (user_id, tx, position);
CREATE INDEX events_idea ON events (idea_id, tx, position) WHERE idea_id IS NOT NULL;
CREATE INDEX events_thread ON events (thread_id, tx, position) WHERE thread_id IS NOT NULL;
CREATE TABLE thread_ideas (
    thread_id text NOT NULL PRIMARY KEY,
    idea_id   text NOT NULL
);

-- Each grain's latest snapshot, keyed by the grain's stream id ('user/...', 'idea/...', 'thread/...'). The snapshots
-- of journal_snapshots are not carried over: they name stream versions, which events no longer has, so each grain
-- replays its events once.
CREATE TABLE grain_snapshots (
    stream_id text  NOT NULL PRIMARY KEY,
    data      bytea NOT NULL
);

-- One row per event id: its user stream's row, or, for an event a failed request stored only in its thread's or idea's
-- stream (the old layout allowed that, and the old read model never counted it), that stream's earliest row. Each
-- keeps its transaction id, so the feed's order and any cursor or read-model snapshot (a tx) still hold; positions
-- are numbered in that order. The ids of an interaction come from its JSON, found by pattern rather than parsed:
-- stored ids are plain [A-Za-z0-9._:-], and a jsonb cast would fail on a title holding \u0000. The content hash and
-- poster come from the ledger row, which profile updates never had (an empty hash then).
INSERT INTO events (position, tx, event_id, content_hash, event_type, data, user_id, idea_id, thread_id, stored_at, posted_by)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY e.tx, e.stream_id, e.version), e.tx, e.event_id,
       coalesce(l.content_hash, '\x'::bytea), e.event_type, e.data,
       CASE WHEN e.stream_id LIKE 'user/%' THEN substr(e.stream_id, length('user/') + 1)
            ELSE substring(body FROM '"userId":"([A-Za-z0-9._:-]*)"') END,
       substring(body FROM '"ideaId":"([A-Za-z0-9._:-]*)"'), substring(body FROM '"threadId":"([A-Za-z0-9._:-]*)"'),
       e.stored_at, l.posted_by
FROM (
    SELECT DISTINCT ON (event_id) * FROM journal_events
    ORDER BY event_id, stream_id NOT LIKE 'user/%', tx, version
) AS e
LEFT JOIN event_ledger AS l ON l.event_id = e.event_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN e.event_type = 'interaction' THEN convert_from(e.data, 'UTF8') END AS body
) AS interaction
ORDER BY e.tx, e.stream_id, e.version;

-- The positions above were given, not generated: the next generated one must come after them (with no rows, setval
-- gets null and changes nothing).
SELECT setval(pg_get_serial_sequence('events', 'position'), max(position)) FROM events;

INSERT INTO thread_ideas (thread_id, idea_id)
SELECT DISTINCT ON (thread_id) thread_id, idea_id
FROM events
WHERE thread_id IS NOT NULL
ORDER BY thread_id, position;

DROP TABLE journal_events, journal_snapshots, event_ledger;
