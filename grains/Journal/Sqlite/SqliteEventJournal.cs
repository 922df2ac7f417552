using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary>
/// The event journal on the embedded SQLite database. Feed positions are the <c>position</c> column, which the single
/// writer fills in commit order (see <see cref="SqliteWriteContext.NextPosition"/>).
/// </summary>
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
        database.WriteAsync("append", context =>
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
                INSERT INTO journal_events (stream_id, version, event_id, event_type, data, stored_at, position)
                VALUES ($stream, $version, $id, $type, $data, $at, $position)
                ON CONFLICT (event_id, stream_id) DO NOTHING
                """, "$stream", "$version", "$id", "$type", "$data", "$at", "$position");
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
                // A skipped duplicate leaves a gap in the positions, which the feed does not mind.
                insert.Parameters[6].Value = context.NextPosition();
                stored[i] = insert.ExecuteNonQuery() == 1;
                if (stored[i])
                {
                    version++;
                }
            }
            return new AppendResult(false, version, stored);
        });

    public Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default) =>
        database.WriteAsync("snapshot", context =>
        {
            var upsert = context.Command("""
                INSERT INTO journal_snapshots (stream_id, version, data) VALUES ($stream, $version, $data)
                ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, data = excluded.data
                WHERE excluded.version >= journal_snapshots.version
                """, "$stream", "$version", "$data");
            upsert.Parameters[0].Value = streamId;
            upsert.Parameters[1].Value = snapshot.Version;
            upsert.Parameters[2].Value = snapshot.Data;
            return upsert.ExecuteNonQuery();
        });

    public Task NextCommit() => database.Commits.Next;

    public Task<FeedPage> ReadFeedAsync(string streamPrefix, FeedCursor from, int maxEvents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(streamPrefix);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        return database.ReadAsync(connection =>
        {
            // One read transaction, so the rows and the head come from the same snapshot. A reader sees whole commits,
            // and every later commit takes positions above all committed ones: a position below the snapshot's head
            // that is not in it will never appear.
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = new SqliteCommand("""
                SELECT position, stream_id, version, event_id, event_type, data, stored_at FROM journal_events
                WHERE position >= $from AND substr(stream_id, 1, length($prefix)) = $prefix
                ORDER BY position LIMIT $max
                """, connection, transaction);
            command.Parameters.AddWithValue("$from", from.Position);
            command.Parameters.AddWithValue("$prefix", streamPrefix);
            command.Parameters.AddWithValue("$max", maxEvents);
            var events = new List<FeedEvent>();
            var last = 0L;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    last = reader.GetInt64(0);
                    events.Add(new FeedEvent(reader.GetString(1), reader.GetInt64(2),
                        new JournalEvent(reader.GetString(3), reader.GetString(4), (byte[])reader[5]),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
                }
            }
            // A full page may stop short of further matches; a shorter one saw every match up to the head, so the next
            // read can skip the other streams' rows up to there. A read sees whole commits, so nothing is ever pending.
            var next = events.Count == maxEvents ? last + 1 : Math.Max(from.Position, Head(connection, transaction));
            return new FeedPage(events, new FeedCursor(next, []));
        });
    }

    public Task<long> FeedHeadAsync(CancellationToken ct = default) =>
        database.ReadAsync(connection => Head(connection, null));

    /// <summary>One past the highest stored position: where the next commit starts.</summary>
    private static long Head(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = new SqliteCommand("SELECT max(position) FROM journal_events", connection, transaction);
        return command.ExecuteScalar() is long last ? last + 1 : 1;
    }
}
