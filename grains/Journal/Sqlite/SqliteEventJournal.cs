using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary>The event journal on the embedded SQLite database.</summary>
public sealed class SqliteEventJournal(SqliteDatabase database, TimeProvider clock) : IEventJournal
{
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken ct = default) =>
        database.ReadAsync(connection => ReadEvents(connection, streamId, afterVersion));

    public Task<StreamHistory> LoadAsync(string streamId, CancellationToken ct = default) =>
        database.ReadAsync(connection =>
        {
            var snapshot = ReadSnapshot(connection, streamId);
            return new StreamHistory(snapshot, ReadEvents(connection, streamId, snapshot?.Version ?? 0));
        });

    private static IReadOnlyList<StoredEvent> ReadEvents(SqliteConnection connection, string streamId, long afterVersion)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT version, event_id, event_type, data FROM journal_events
            WHERE stream_id = $stream AND version > $after ORDER BY version
            """;
        command.Parameters.AddWithValue("$stream", streamId);
        command.Parameters.AddWithValue("$after", afterVersion);
        using var reader = command.ExecuteReader();
        var events = new List<StoredEvent>();
        while (reader.Read())
        {
            events.Add(new StoredEvent(reader.GetInt64(0), new JournalEvent(reader.GetString(1), reader.GetString(2), (byte[])reader[3])));
        }
        return events;
    }

    private static StreamSnapshot? ReadSnapshot(SqliteConnection connection, string streamId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, data FROM journal_snapshots WHERE stream_id = $stream";
        command.Parameters.AddWithValue("$stream", streamId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StreamSnapshot(reader.GetInt64(0), (byte[])reader[1]) : null;
    }

    public Task<AppendResult> TryAppendAsync(string streamId, long expectedVersion, IReadOnlyList<JournalEvent> events, CancellationToken ct = default) =>
        database.WriteAsync(context =>
        {
            var current = context.Command(
                "SELECT version FROM journal_events WHERE stream_id = $stream ORDER BY version DESC LIMIT 1", "$stream");
            current.Parameters[0].Value = streamId;
            var version = current.ExecuteScalar() is long head ? head : 0;
            if (version != expectedVersion)
            {
                return AppendResult.Conflict(version);
            }
            var insert = context.Command("""
                INSERT INTO journal_events (stream_id, version, event_id, event_type, data, stored_at)
                VALUES ($stream, $version, $id, $type, $data, $at)
                ON CONFLICT (stream_id, event_id) DO NOTHING
                """, "$stream", "$version", "$id", "$type", "$data", "$at");
            var storedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var stored = new bool[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                insert.Parameters[0].Value = streamId;
                insert.Parameters[1].Value = version + 1;
                insert.Parameters[2].Value = events[i].EventId;
                insert.Parameters[3].Value = events[i].Type;
                insert.Parameters[4].Value = events[i].Data;
                insert.Parameters[5].Value = storedAt;
                stored[i] = insert.ExecuteNonQuery() == 1;
                if (stored[i])
                {
                    version++;
                }
            }
            return new AppendResult(false, version, stored);
        });

    public Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default) =>
        database.WriteAsync(context =>
        {
            var upsert = context.Command("""
                INSERT INTO journal_snapshots (stream_id, version, data) VALUES ($stream, $version, $data)
                ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, data = excluded.data
                WHERE excluded.version > journal_snapshots.version
                """, "$stream", "$version", "$data");
            upsert.Parameters[0].Value = streamId;
            upsert.Parameters[1].Value = snapshot.Version;
            upsert.Parameters[2].Value = snapshot.Data;
            return upsert.ExecuteNonQuery();
        });
}
