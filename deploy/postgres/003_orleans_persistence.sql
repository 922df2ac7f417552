-- Collaboration schema, version 3: grain state for Microsoft.Orleans.Persistence.AdoNet 10.4.2 (Invariant "Npgsql").
-- Needs the OrleansQuery table of 002; only adds its rows here.
--
-- What the provider binds on every call: @ServiceId, @GrainTypeString (the state name given to the storage, e.g. the
-- [PersistentState] name, not the grain class), the grain key as @GrainIdN0/@GrainIdN1 (bigint halves of a Guid key,
-- or 0 and the integer key) plus @GrainIdExtensionString (the key extension, or the whole key of a string-keyed
-- grain; null when there is none), and two int4 hashes, @GrainIdHash and @GrainTypeHash, of those same values.
-- Writes and clears add @GrainStateVersion (the ETag as int4, null for a grain that never stored anything) and
-- writes add @PayloadBinary (bytea).
--
-- The ETag is the row's integer version. A write or clear must name the current version and gets the next one back;
-- on a mismatch the query returns no row, which the provider turns into an InconsistentStateException.

CREATE TABLE orleans_grain_state (
    service_id         text        NOT NULL,
    grain_type_hash    integer     NOT NULL,
    grain_type         text        NOT NULL, -- the provider's GrainTypeString (state name)
    grain_id_hash      integer     NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text,
    payload            bytea,                -- null after a clear that keeps the row
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    -- One row per grain state. The hashes lead so lookups touch a narrow part of the index; the full values follow
    -- so a hash collision can never merge two grains. NULLS NOT DISTINCT: a missing extension is still one key,
    -- which makes a racing first write of the same grain fail instead of adding a twin row.
    CONSTRAINT orleans_grain_state_identity UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- At most one row. No row: the provider creates a default state with no ETag. A row with a null payload (cleared):
-- default state, but its version is the ETag the next write must name.
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary",
       version AS "Version"
  FROM orleans_grain_state
 WHERE grain_id_hash = @GrainIdHash
   AND grain_type_hash = @GrainTypeHash
   AND service_id = @ServiceId
   AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0
   AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),

-- No ETag yet: insert at version 1, unless the row appeared meanwhile (another activation wrote first).
-- With an ETag: replace the payload if the version still matches. Returns "NewGrainStateVersion", or no row on a
-- conflict. Versions wrap from 2147483647 to 1 because the provider parses ETags as int4.
('WriteToStorageKey', $sql$
WITH replaced AS (
    UPDATE orleans_grain_state
       SET payload = @PayloadBinary,
           version = version % 2147483647 + 1,
           modified_at = now()
     WHERE @GrainStateVersion IS NOT NULL
       AND grain_id_hash = @GrainIdHash
       AND grain_type_hash = @GrainTypeHash
       AND service_id = @ServiceId
       AND grain_type = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0
       AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
), created AS (
    INSERT INTO orleans_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0,
                                     grain_id_n1, grain_id_extension, payload, version)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0,
           @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM replaced
UNION ALL
SELECT version FROM created
$sql$),

-- Clear keeping the row (the default, DeleteStateOnClear = false): drop the payload, bump the version, return it in
-- the first column. The row stays so the version keeps rising and a stale writer still conflicts.
('ClearStorageKey', $sql$
UPDATE orleans_grain_state
   SET payload = NULL,
       version = version % 2147483647 + 1,
       modified_at = now()
 WHERE grain_id_hash = @GrainIdHash
   AND grain_type_hash = @GrainTypeHash
   AND service_id = @ServiceId
   AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0
   AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$sql$),

-- Clear removing the row (optional key, used when DeleteStateOnClear = true; without it that option fails at start).
-- The provider only checks that the first column differs from the old ETag and then forgets the ETag, so return the
-- version the row would have had next.
('DeleteStorageKey', $sql$
DELETE FROM orleans_grain_state
 WHERE grain_id_hash = @GrainIdHash
   AND grain_type_hash = @GrainTypeHash
   AND service_id = @ServiceId
   AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0
   AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion
RETURNING version % 2147483647 + 1 AS "NewGrainStateVersion"
$sql$);
