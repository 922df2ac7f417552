-- Collaboration journal, version 8: erasure of a person (IEventStore.EraseUserAsync).
--
-- erasure_key: the store's secret for pseudonyms (HMAC-SHA256 of a person's id), one row, 32 random bytes made here
-- from two v4 UUIDs (gen_random_uuid draws from the server's strong random source; 244 random bits). It never leaves
-- the database except into the silos that compute pseudonyms.
-- erased_users: the pseudonyms of erased people; their later events are refused.
-- erasures: the audit trail, which names neither the person nor the pseudonym.
CREATE TABLE erasure_key (
    id  integer NOT NULL PRIMARY KEY CHECK (id = 1),
    key bytea   NOT NULL
);
INSERT INTO erasure_key (id, key)
VALUES (1, decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex'));
CREATE TABLE erased_users (
    pseudonym text NOT NULL PRIMARY KEY
);
CREATE TABLE erasures (
    erasure_id              text        NOT NULL PRIMARY KEY,
    erased_at               timestamptz NOT NULL,
    erased_by               text,
    events_anonymised       integer     NOT NULL,
    profile_changes_deleted integer     NOT NULL
);
