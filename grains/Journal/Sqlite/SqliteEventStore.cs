using Microsoft.Data.Sqlite;

namespace Collaboration.Journal.Sqlite;

/// <summary>
/// <see cref="IEventStore"/> on the embedded SQLite database: one row per event, keyed by its position, which the
/// single writer hands out in commit order (a rowid past every stored one), so a reader that saw a position has seen
/// every lower one. Each call is one operation of the writer's group commit: it shares the commit's single fsync with
/// the other calls queued beside it, and a failed commit rolls all of them back. The tables and why their indexes are
/// as they are: <see cref="SqliteDatabase"/> (schema 6).
/// </summary>
public sealed class SqliteEventStore : IEventStore
{
    private readonly SqliteDatabase database;
    private readonly TimeProvider clock;

    private SqliteEventStore(SqliteDatabase database, TimeProvider clock)
    {
        this.database = database;
        this.clock = clock;
    }

    /// <summary>A store over the database's events (schema 6, created or migrated when the database opens).</summary>
    public static Task<SqliteEventStore> OpenAsync(SqliteDatabase database, TimeProvider clock) =>
        Task.FromResult(new SqliteEventStore(database, clock));

    public Task<StoreResult[]> StoreAsync(IReadOnlyList<EventToStore> events, CancellationToken ct = default)
    {
        // Checked before queueing: an exception on the writer would roll back the other calls sharing the commit.
        if (events.FirstOrDefault(e => e.ThreadId is not null && e.IdeaId is null) is { } threadWithoutIdea)
        {
            throw new ArgumentException($"event {threadWithoutIdea.Event.EventId} names a thread but no idea", nameof(events));
        }
        return database.WriteAsync("store", context =>
        {
            var bind = context.Command("INSERT INTO thread_ideas (thread_id, idea_id) VALUES ($thread, $idea) ON CONFLICT DO NOTHING",
                "$thread", "$idea");
            var boundIdea = context.Command("SELECT idea_id FROM thread_ideas WHERE thread_id = $thread", "$thread");
            var insert = context.Command("""
                INSERT INTO events (event_id, content_hash, event_type, data, user_id, idea_id, thread_id, stored_at, posted_by)
                VALUES ($id, $hash, $type, $data, $user, $idea, $thread, $at, $by)
                RETURNING position
                """, "$id", "$hash", "$type", "$data", "$user", "$idea", "$thread", "$at", "$by");
            var existing = context.Command("SELECT position, content_hash FROM events WHERE event_id = $id", "$id");
            var storedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var results = new StoreResult[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                existing.Parameters[0].Value = e.Event.EventId;
                using (var reader = existing.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        // An id seen before is settled by its content alone, before the thread: a retry of a stored
                        // event is a duplicate even if its thread was bound to its idea by that very event.
                        results[i] = ((byte[])reader[1]).AsSpan().SequenceEqual(e.ContentHash)
                            ? new StoreResult(StoreOutcome.Duplicate, reader.GetInt64(0))
                            : new StoreResult(StoreOutcome.ReusedId);
                        continue;
                    }
                }
                if (e.ThreadId is { } thread)
                {
                    bind.Parameters[0].Value = thread;
                    bind.Parameters[1].Value = e.IdeaId;
                    if (bind.ExecuteNonQuery() == 0)
                    {
                        boundIdea.Parameters[0].Value = thread;
                        var idea = (string)boundIdea.ExecuteScalar()!;
                        if (idea != e.IdeaId)
                        {
                            results[i] = new StoreResult(StoreOutcome.ThreadOfOtherIdea, BoundIdea: idea);
                            continue;
                        }
                    }
                }
                Set(insert, e.Event.EventId, e.ContentHash, e.Event.Type, e.Event.Data, e.UserId, e.IdeaId, e.ThreadId, storedAt, e.PostedBy);
                results[i] = new StoreResult(StoreOutcome.Stored, (long)insert.ExecuteScalar()!);
            }
            return results;
        });
    }

    public Task<KeyPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        var column = key.Column;
        return database.ReadAsync(connection =>
        {
            // One read transaction, so the rows and the head come from the same snapshot: a reader sees whole commits,
            // and every later commit takes positions above the head, so reading on from it skips nothing.
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = new SqliteCommand($"""
                SELECT position, event_id, event_type, data, stored_at FROM events
                WHERE {column} = $key AND position >= $from ORDER BY position
                """, connection, transaction);
            command.Parameters.AddWithValue("$key", key.Id);
            command.Parameters.AddWithValue("$from", from.Position);
            var events = new List<RecordedEvent>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    events.Add(new RecordedEvent(reader.GetInt64(0), new JournalEvent(reader.GetString(1), reader.GetString(2), (byte[])reader[3]),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
                }
            }
            using var head = new SqliteCommand("SELECT max(position) FROM events", connection, transaction);
            var next = head.ExecuteScalar() is long last ? last + 1 : 1;
            return new KeyPage(events, new FeedCursor(Math.Max(from.Position, next), []));
        });
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
