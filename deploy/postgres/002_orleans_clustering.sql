-- Collaboration schema, version 2: cluster membership for Microsoft.Orleans.Clustering.AdoNet 10.4.2 (Invariant
-- "Npgsql"), used by silos (membership table) and by clients (gateway list).
--
-- The provider carries no SQL of its own. At start-up (silo and client alike) it runs "SELECT QueryKey, QueryText FROM
-- OrleansQuery", fails unless all nine required keys are present (CleanupDefunctSiloEntryKey is optional), and later
-- runs each text with named parameters (@DeploymentId, ...) that Npgsql binds. The result columns are read by name,
-- so every SELECT below aliases its columns to the quoted names the provider asks for; the tables themselves use
-- our own snake_case names.
--
-- Membership is optimistic: the deployment has one version row, every reader gets that version as the ETag of the
-- whole table, and a silo insert or update succeeds only if the version it read is still current; it then bumps the
-- version by one. IAmAlive heartbeats and clean-up of dead rows deliberately leave the version alone.
-- Times are timestamptz: the provider passes UTC DateTimes, which Npgsql sends as timestamptz (and refuses to send
-- as plain timestamp), and it reads them back as UTC.

-- Query key -> SQL text, shared by every Orleans ADO.NET provider (003 adds the grain storage rows). Table and column
-- names are fixed by the provider's unquoted query; PostgreSQL folds them to lower case.
CREATE TABLE OrleansQuery (
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per cluster (Orleans calls the ClusterId "DeploymentId" here): the membership table version.
CREATE TABLE orleans_membership_version (
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation). Removing a cluster's version row removes its silos.
CREATE TABLE orleans_membership_silo (
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL, -- the provider casts it to string without a null check
    host_name       text        NOT NULL,
    status          integer     NOT NULL, -- Orleans SiloStatus: 3 = Active, 6 = Dead
    proxy_port      integer     NOT NULL, -- gateway port, 0 when the silo is no gateway
    suspect_times   text,                 -- Orleans' own encoding: "silo,yyyy-MM-dd HH:mm:ss.fff GMT|..."
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Adds a silo row if the caller's table version is still current, then bumps the version. Returns false (and
-- changes nothing) on a stale version or when the silo row already exists.
CREATE FUNCTION orleans_membership_insert_silo(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_silo_name       text,
    p_host_name       text,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $body$
BEGIN
    -- Locking the version row serialises all membership writers of this cluster; a writer that waited here sees the
    -- version its predecessor wrote, so its stale expectation fails instead of overwriting.
    PERFORM 1 FROM orleans_membership_version
     WHERE deployment_id = p_deployment_id AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_membership_silo (deployment_id, address, port, generation, silo_name, host_name, status,
                                         proxy_port, start_time, i_am_alive_time)
    VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
            p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment_id;
    RETURN true;
END
$body$;

-- Changes a silo's status and suspicion votes if the caller's table version is still current, then bumps the
-- version. Returns false (and changes nothing) on a stale version or an unknown silo.
CREATE FUNCTION orleans_membership_update_silo(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_status          integer,
    p_suspect_times   text,
    p_i_am_alive_time timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $body$
BEGIN
    PERFORM 1 FROM orleans_membership_version
     WHERE deployment_id = p_deployment_id AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_silo
       SET status = p_status,
           suspect_times = p_suspect_times,
           -- a status change carries the writer's copy of the heartbeat, which may be older than the silo's own
           i_am_alive_time = GREATEST(i_am_alive_time, p_i_am_alive_time)
     WHERE deployment_id = p_deployment_id
       AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment_id;
    RETURN true;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Silo start: make sure the cluster has its version row. One boolean column: true when this call created it.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created"
$sql$),

-- The whole membership table. Always at least one row (the version); a null StartTime tells the provider "no silo".
('MembershipReadAllKey', $sql$
SELECT v.version         AS "Version",
       s.address         AS "Address",
       s.port            AS "Port",
       s.generation      AS "Generation",
       s.silo_name       AS "SiloName",
       s.host_name       AS "HostName",
       s.status          AS "Status",
       s.proxy_port      AS "ProxyPort",
       s.suspect_times   AS "SuspectTimes",
       s.start_time      AS "StartTime",
       s.i_am_alive_time AS "IAmAliveTime"
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership_silo s ON s.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId
$sql$),

-- One silo plus the table version, same shape as MembershipReadAllKey.
('MembershipReadRowKey', $sql$
SELECT v.version         AS "Version",
       s.address         AS "Address",
       s.port            AS "Port",
       s.generation      AS "Generation",
       s.silo_name       AS "SiloName",
       s.host_name       AS "HostName",
       s.status          AS "Status",
       s.proxy_port      AS "ProxyPort",
       s.suspect_times   AS "SuspectTimes",
       s.start_time      AS "StartTime",
       s.i_am_alive_time AS "IAmAliveTime"
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership_silo s
         ON s.deployment_id = v.deployment_id
        AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
 WHERE v.deployment_id = @DeploymentId
$sql$),

('InsertMembershipKey', $sql$
SELECT orleans_membership_insert_silo(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                      @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Inserted"
$sql$),

('UpdateMembershipKey', $sql$
SELECT orleans_membership_update_silo(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                      @IAmAliveTime, @Version) AS "Updated"
$sql$),

-- Heartbeat. Not a membership change, so no version bump; never moves the time backwards.
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership_silo
   SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
 WHERE deployment_id = @DeploymentId
   AND address = @Address AND port = @Port AND generation = @Generation
$sql$),

-- Clients: gateways of Active silos (the provider passes @Status = 3).
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
  FROM orleans_membership_silo
 WHERE deployment_id = @DeploymentId
   AND status = @Status
   AND proxy_port > 0
$sql$),

-- Forget a whole cluster: the version row, and with it (cascade) every silo row.
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_membership_version
 WHERE deployment_id = @DeploymentId
$sql$),

-- Bulk clean-up, required by the provider but used only when CleanupDefunctSiloEntryKey is absent. Removes Dead
-- rows that started, last heartbeated and were last suspected before the cut-off @IAmAliveTime: the same rule the
-- provider applies itself before it uses the per-row query below.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership_silo s
 WHERE s.deployment_id = @DeploymentId
   AND s.status = 6
   AND s.start_time < @IAmAliveTime
   AND s.i_am_alive_time < @IAmAliveTime
   AND NOT EXISTS (
       SELECT 1
         FROM unnest(string_to_array(NULLIF(s.suspect_times, ''), '|')) AS vote
        WHERE split_part(vote, ',', 2)::timestamptz >= @IAmAliveTime)
$sql$),

-- Per-row clean-up (optional key; 10.4.2 prefers it). The provider has already chosen this Dead row from a read and
-- passes back the values it saw; the row goes only if none of them changed since, so a concurrent status change,
-- heartbeat or vote keeps it. COALESCE because the provider sends "" or null for "no votes".
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership_silo
 WHERE deployment_id = @DeploymentId
   AND address = @Address AND port = @Port AND generation = @Generation
   AND status = 6
   AND start_time = @StartTime
   AND i_am_alive_time = @IAmAliveTime
   AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
$sql$);
