using Npgsql;
using NpgsqlTypes;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// The event journal on PostgreSQL. An append is one transaction: it checks the stream head, skips ids the stream
/// already holds, and inserts the rest at the following versions. Two writers racing on one stream collide on the
/// primary key (stream_id, version); the loser gets a version conflict and nothing of it is written.
/// </summary>
public sealed class PostgresEventJournal(NpgsqlDataSource dataSource) : IEventJournal
{
    private const string UniqueViolation = "23505";

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken ct = default) =>
        PostgresErrors.Guard<IReadOnlyList<StoredEvent>>("read", async () =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT version, event_id, event_type, data FROM journal_events
                WHERE stream_id = $1 AND version > $2 ORDER BY version
                """);
            command.Parameters.AddWithValue(streamId);
            command.Parameters.AddWithValue(afterVersion);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var events = new List<StoredEvent>();
            while (await reader.ReadAsync(ct))
            {
                events.Add(new StoredEvent(reader.GetInt64(0), new JournalEvent(reader.GetString(1), reader.GetString(2), (byte[])reader[3])));
            }
            return events;
        });

    public Task<StreamHistory> LoadAsync(string streamId, CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            // One statement, so the snapshot and the tail come from the same database snapshot.
            await using var command = dataSource.CreateCommand("""
                WITH snapshot AS (SELECT version, data FROM journal_snapshots WHERE stream_id = $1)
                SELECT 0 AS part, version, NULL AS event_id, NULL AS event_type, data FROM snapshot
                UNION ALL
                SELECT 1, version, event_id, event_type, data FROM journal_events
                WHERE stream_id = $1 AND version > coalesce((SELECT version FROM snapshot), 0)
                ORDER BY part, version
                """);
            command.Parameters.AddWithValue(streamId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            StreamSnapshot? snapshot = null;
            var tail = new List<StoredEvent>();
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetInt32(0) == 0)
                {
                    snapshot = new StreamSnapshot(reader.GetInt64(1), (byte[])reader[4]);
                }
                else
                {
                    tail.Add(new StoredEvent(reader.GetInt64(1), new JournalEvent(reader.GetString(2), reader.GetString(3), (byte[])reader[4])));
                }
            }
            return new StreamHistory(snapshot, tail);
        });

    public Task<AppendResult> TryAppendAsync(string streamId, long expectedVersion, IReadOnlyList<JournalEvent> events, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var head = await HeadAsync(connection, transaction, streamId, ct);
            if (head != expectedVersion)
            {
                return AppendResult.Conflict(head);
            }
            var existing = new HashSet<string>(StringComparer.Ordinal);
            await using (var known = new NpgsqlCommand(
                "SELECT event_id FROM journal_events WHERE stream_id = $1 AND event_id = ANY($2)", connection, transaction))
            {
                known.Parameters.AddWithValue(streamId);
                known.Parameters.AddWithValue(events.Select(e => e.EventId).ToArray());
                await using var reader = await known.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    existing.Add(reader.GetString(0));
                }
            }
            var stored = new bool[events.Count];
            var rows = new List<(long Version, JournalEvent Event)>();
            var version = head;
            for (var i = 0; i < events.Count; i++)
            {
                // existing.Add also catches an id repeated within this append.
                if (existing.Add(events[i].EventId))
                {
                    stored[i] = true;
                    rows.Add((++version, events[i]));
                }
            }
            if (rows.Count == 0)
            {
                return new AppendResult(false, head, stored);
            }
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO journal_events (stream_id, version, event_id, event_type, data)
                SELECT $1, v, i, t, d FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bytea[]) AS r(v, i, t, d)
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue(streamId);
                insert.Parameters.AddWithValue(rows.Select(r => r.Version).ToArray());
                insert.Parameters.AddWithValue(rows.Select(r => r.Event.EventId).ToArray());
                insert.Parameters.AddWithValue(rows.Select(r => r.Event.Type).ToArray());
                insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.Data).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                try
                {
                    await insert.ExecuteNonQueryAsync(ct);
                }
                catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
                {
                    // Another writer appended to this stream since we read its head.
                    await transaction.RollbackAsync(ct);
                    return AppendResult.Conflict(await HeadAsync(connection, null, streamId, ct));
                }
            }
            await transaction.CommitAsync(ct);
            return new AppendResult(false, version, stored);
        });

    public Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO journal_snapshots (stream_id, version, data) VALUES ($1, $2, $3)
                ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, data = excluded.data
                WHERE journal_snapshots.version < excluded.version
                """);
            command.Parameters.AddWithValue(streamId);
            command.Parameters.AddWithValue(snapshot.Version);
            command.Parameters.AddWithValue(snapshot.Data);
            return await command.ExecuteNonQueryAsync(ct);
        });

    private static async Task<long> HeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT version FROM journal_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1", connection, transaction);
        command.Parameters.AddWithValue(streamId);
        return await command.ExecuteScalarAsync(ct) is long head ? head : 0;
    }
}
