-- Collaboration, version 5: API keys, kept in the database so that every api replica (through the silos) sees the
-- same keys, and which key posted each event id.
--
-- A key's secret is never stored: only a random salt and SHA-256(salt || secret) (see grains/Security/ApiKeyFormat.cs).
-- Rows are kept after revocation; revoked_at in the future is the grace period of a rotated key.
CREATE TABLE api_keys (
    key_id            text        NOT NULL PRIMARY KEY,
    name              text        NOT NULL,
    scopes            text[]      NOT NULL,
    salt              bytea       NOT NULL,
    hash              bytea       NOT NULL,
    events_per_second integer,
    created_at        timestamptz NOT NULL DEFAULT now(),
    revoked_at        timestamptz
);

-- Stored metadata beside the ledger row, outside the content hash: null for events stored before this script and in
-- keyless mode. Adding a nullable column without a default rewrites nothing.
ALTER TABLE event_ledger ADD COLUMN posted_by text;
