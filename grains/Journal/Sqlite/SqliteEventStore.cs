using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Privacy;
using Collaboration.Users;
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

    // The pseudonym key and the erased pseudonyms, used on the writer thread only: this process is the file's one writer,
    // so they change only through it. Loaded by the first write, and again after an erasure whose commit failed.
    private Pseudonyms? pseudonyms;
    private HashSet<string> erased = [];
    private volatile bool reloadErasures = true;

    /// <summary>A store over the database's events (schema 6, created or migrated when the database opens).</summary>
    public SqliteEventStore(SqliteDatabase database, TimeProvider clock)
    {
        this.database = database;
        this.clock = clock;
    }

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
            // One writer commits in position order, so a record's position is its commit mark too.
            static StoreResult Stored(StoreOutcome outcome, long position) => new(outcome, position, position);
            var storedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var results = new StoreResult[events.Count];
            var (names, erasedUsers) = Erasures(context);
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (erasedUsers.Count > 0 && erasedUsers.Contains(names.Of(e.UserId)))
                {
                    results[i] = new StoreResult(StoreOutcome.UserErased);
                    continue;
                }
                existing.Parameters[0].Value = e.Event.EventId;
                using (var reader = existing.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        // An id seen before is settled by its content alone, before the thread: a retry of a stored
                        // event is a duplicate even if its thread was bound to its idea by that very event.
                        results[i] = ((byte[])reader[1]).AsSpan().SequenceEqual(e.ContentHash)
                            ? Stored(StoreOutcome.Duplicate, reader.GetInt64(0))
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
                results[i] = Stored(StoreOutcome.Stored, (long)insert.ExecuteScalar()!);
            }
            return results;
        });
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadByPositionAsync(long afterPosition, int maxEvents, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<RecordedEvent>>(connection =>
        {
            using var command = new SqliteCommand($"SELECT {Columns} FROM events WHERE position > $after ORDER BY position LIMIT $max", connection);
            command.Parameters.AddWithValue("$after", afterPosition);
            command.Parameters.AddWithValue("$max", maxEvents);
            return ReadEvents(command);
        });

    public Task<int> DeleteAsync(IReadOnlyCollection<long> positions, IReadOnlyCollection<EventKey> foldedBy, CancellationToken ct = default) =>
        positions.Count == 0 ? Task.FromResult(0) : database.WriteAsync("expire", context =>
        {
            var delete = context.Command("DELETE FROM events WHERE position = $position", "$position");
            var deleted = 0;
            foreach (var position in positions)
            {
                delete.Parameters[0].Value = position;
                deleted += delete.ExecuteNonQuery();
            }
            var forget = context.Command("DELETE FROM grain_snapshots WHERE stream_id = $stream", "$stream");
            foreach (var key in foldedBy)
            {
                forget.Parameters[0].Value = key.Name;
                forget.ExecuteNonQuery();
            }
            return deleted;
        });

    public Task<Pseudonyms> GetPseudonymsAsync(CancellationToken ct = default) =>
        database.ReadAsync(connection =>
        {
            using var command = new SqliteCommand("SELECT key FROM erasure_key WHERE id = 1", connection);
            return new Pseudonyms((byte[])command.ExecuteScalar()!);
        });

    public async Task<Erasure> EraseUserAsync(string userId, string? erasedBy, CancellationToken ct = default)
    {
        try
        {
            return await database.WriteAsync("erase", context => Erase(context, userId, erasedBy), truncateLog: true);
        }
        catch (StorageUnavailableException)
        {
            // The commit may have failed after the pseudonym joined the erased set: read the set again from the file.
            reloadErasures = true;
            throw;
        }
    }

    private Erasure Erase(SqliteWriteContext context, string userId, string? erasedBy)
    {
        var (names, erasedUsers) = Erasures(context);
        var pseudonym = names.Of(userId);
        var wasErased = erasedUsers.Contains(pseudonym);
        var rows = context.Command("SELECT position, event_type, data, idea_id, thread_id FROM events WHERE user_id = $user", "$user");
        var found = new ErasedRows();
        foreach (var user in wasErased ? new[] { userId, pseudonym } : [userId])
        {
            rows.Parameters[0].Value = user;
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                found.Add(reader, persons: user == userId);
            }
        }
        if (found.Count == 0 && !wasErased)
        {
            return new Erasure(ErasureOutcome.Unknown, pseudonym, 0, 0, [], []);
        }
        var (rewritten, deleted) = found.Plan(pseudonym);
        var rewrite = context.Command("UPDATE events SET user_id = $user, data = $data, content_hash = $hash WHERE position = $position",
            "$user", "$data", "$hash", "$position");
        foreach (var (position, data, hash) in rewritten)
        {
            Set(rewrite, pseudonym, data, hash, position);
            rewrite.ExecuteNonQuery();
        }
        var delete = context.Command("DELETE FROM events WHERE position = $position", "$position");
        foreach (var position in deleted)
        {
            delete.Parameters[0].Value = position;
            delete.ExecuteNonQuery();
        }
        if (found.Count > 0 || !wasErased)
        {
            var at = clock.GetUtcNow();
            var erasureId = Guid.NewGuid().ToString("N");
            var record = StoredEventFormat.Encode(new UserErased("erasure:" + erasureId, pseudonym, at, deleted.Count));
            var insert = context.Command("""
                INSERT INTO events (event_id, content_hash, event_type, data, user_id, stored_at) VALUES ($id, X'', $type, $data, $user, $at)
                """, "$id", "$type", "$data", "$user", "$at");
            Set(insert, record.EventId, record.Type, record.Data, pseudonym, at.ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            var audit = context.Command("""
                INSERT INTO erasures (erasure_id, erased_at, erased_by, events_anonymised, profile_changes_deleted) VALUES ($id, $at, $by, $events, $profiles)
                """, "$id", "$at", "$by", "$events", "$profiles");
            Set(audit, erasureId, at.ToUnixTimeMilliseconds(), erasedBy, rewritten.Count, deleted.Count);
            audit.ExecuteNonQuery();
            var mark = context.Command("INSERT INTO erased_users (pseudonym) VALUES ($pseudonym) ON CONFLICT DO NOTHING", "$pseudonym");
            mark.Parameters[0].Value = pseudonym;
            mark.ExecuteNonQuery();
            erasedUsers.Add(pseudonym);
        }
        // Every snapshot that may hold the id: the user's, their ideas' and threads', and the read model's (all of them).
        var forget = context.Command("DELETE FROM grain_snapshots WHERE stream_id = $stream", "$stream");
        foreach (var stream in found.Ideas.Select(EventKey.Idea).Concat(found.Threads.Select(EventKey.Thread)).Append(EventKey.User(userId)))
        {
            forget.Parameters[0].Value = stream.Name;
            forget.ExecuteNonQuery();
        }
        context.Command("DELETE FROM read_model_snapshots").ExecuteNonQuery();
        return new Erasure(wasErased ? ErasureOutcome.AlreadyErased : ErasureOutcome.Erased, pseudonym, rewritten.Count, deleted.Count,
            [.. found.Ideas], [.. found.Threads]);
    }

    /// <summary>The pseudonym key and the erased pseudonyms, read from the file by the first write (writer thread only).</summary>
    private (Pseudonyms Names, HashSet<string> Erased) Erasures(SqliteWriteContext context)
    {
        if (reloadErasures || pseudonyms is null)
        {
            reloadErasures = false;
            pseudonyms = new Pseudonyms((byte[])context.Command("SELECT key FROM erasure_key WHERE id = 1").ExecuteScalar()!);
            var pseudonymsRead = new HashSet<string>(StringComparer.Ordinal);
            using var reader = context.Command("SELECT pseudonym FROM erased_users").ExecuteReader();
            while (reader.Read())
            {
                pseudonymsRead.Add(reader.GetString(0));
            }
            erased = pseudonymsRead;
        }
        return (pseudonyms, erased);
    }

    public Task<EventPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        var column = key.Column;
        return database.ReadAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = new SqliteCommand($"""
                SELECT {Columns} FROM events WHERE {column} = $key AND position >= $from ORDER BY position
                """, connection, transaction);
            command.Parameters.AddWithValue("$key", key.Id);
            command.Parameters.AddWithValue("$from", from.Position);
            var events = ReadEvents(command);
            return new EventPage(events, new FeedCursor(Math.Max(from.Position, Head(connection, transaction)), []));
        });
    }

    public Task<EventPage> ReadFeedAsync(FeedCursor from, int maxEvents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        return database.ReadAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = new SqliteCommand($"""
                SELECT {Columns} FROM events WHERE position >= $from ORDER BY position LIMIT $max
                """, connection, transaction);
            command.Parameters.AddWithValue("$from", from.Position);
            command.Parameters.AddWithValue("$max", maxEvents);
            var events = ReadEvents(command);
            // A full page may stop short of further events; a shorter one saw every event up to the head.
            var next = events.Count == maxEvents ? events[^1].Position + 1 : Math.Max(from.Position, Head(connection, transaction));
            return new EventPage(events, new FeedCursor(next, []));
        });
    }

    public Task<long> FeedHeadAsync(CancellationToken ct = default) =>
        database.ReadAsync(connection => Head(connection, null));

    public Task NextCommit() => database.Commits.Next;

    private const string Columns = "position, user_id, event_id, event_type, data, stored_at";

    private static List<RecordedEvent> ReadEvents(SqliteCommand command)
    {
        var events = new List<RecordedEvent>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            events.Add(new RecordedEvent(reader.GetInt64(0), reader.GetString(1),
                new JournalEvent(reader.GetString(2), reader.GetString(3), (byte[])reader[4]),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }
        return events;
    }

    /// <summary>
    /// One past the highest position handed out: where the next commit starts. That is the AUTOINCREMENT counter, which
    /// after a migration from the old journal stands above every stored row (a read-model snapshot may cover a position
    /// past the last event). Read in the same transaction as the rows, so both come from one snapshot; a reader sees
    /// whole commits, and every later commit takes positions above it.
    /// </summary>
    private static long Head(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = new SqliteCommand("SELECT seq FROM sqlite_sequence WHERE name = 'events'", connection, transaction);
        return command.ExecuteScalar() is long last ? last + 1 : 1;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
