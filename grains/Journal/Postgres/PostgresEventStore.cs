using Collaboration.Errors;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Ingestion;
using Collaboration.Privacy;
using Collaboration.Users;
using Collaboration.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// <see cref="IEventStore"/> on PostgreSQL: one row per event. Calls that arrive while batches are being written wait
/// in a queue; up to <see cref="Writers"/> writers each take what is queued (up to <see cref="MaxBatchEvents"/>
/// events) and write it in one transaction of two round trips: one reads which ids are stored and which threads are
/// bound, one inserts the bindings and the events that the plan made from them and commits (a NOTIFY follows the
/// commit). Several writers keep the server busy while one waits for its commit to be flushed.
/// Positions cannot order readers: with several writers, a transaction holding a lower position can commit after one
/// holding a higher one, and a reader tailing by position would skip its rows. So a row records the id of the
/// transaction that wrote it (column tx): readers order by it, read up to their snapshot's xmax and remember the
/// transactions still running then (a cursor's pending ones). Followers hear every process's commits through
/// <see cref="PostgresCommitListener"/>: each batch sends a NOTIFY once it has committed.
/// </summary>
public sealed class PostgresEventStore : IEventStore, IAsyncDisposable
{
    private const int MaxBatchEvents = 2000;
    private const int Writers = 4;
    private const int MaxAttempts = 10;

    /// <summary>
    /// Writers hold it shared for their whole transaction, an erasure exclusively: an erasure waits for the writes under
    /// way and holds new ones back until it commits, so no write planned before it stores an event it should refuse.
    /// </summary>
    private const long ErasureLockKey = 0x436f6c6c6145; // "CollaE"

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresGroupCommit<IReadOnlyList<EventToStore>, StoreResult[]> batches;
    private readonly CommitSignal commits = new();
    private readonly PostgresCommitListener listener;
    private readonly Lazy<Task<Pseudonyms>> pseudonyms;

    /// <summary>A store over the database's events: the tables are 007_events.sql's (see <see cref="PostgresSchema"/>).</summary>
    public PostgresEventStore(NpgsqlDataSource dataSource, CollaborationMetrics? metrics = null, ILogger<PostgresEventStore>? logger = null)
    {
        this.dataSource = dataSource;
        listener = new PostgresCommitListener(dataSource, commits, logger);
        pseudonyms = new(() => PostgresErrors.Guard("read", async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT key FROM erasure_key WHERE id = 1");
            return new Pseudonyms((byte[])(await command.ExecuteScalarAsync())!);
        }));
        batches = new(Writers, MaxBatchEvents, batch => PostgresErrors.Guard("written", () => WriteAsync(batch)), metrics);
    }

    public async Task<StoreResult[]> StoreAsync(IReadOnlyList<EventToStore> events, CancellationToken ct = default)
    {
        if (events.FirstOrDefault(e => e.ThreadId is not null && e.IdeaId is null) is { } threadWithoutIdea)
        {
            throw new ArgumentException($"event {threadWithoutIdea.Event.EventId} names a thread but no idea", nameof(events));
        }
        if (events.Count == 0)
        {
            return [];
        }
        return await batches.WriteAsync("store", events, events.Count, ct);
    }

    private async Task<StoreResult[][]> WriteAsync(List<IReadOnlyList<EventToStore>> batch)
    {
        var events = batch.SelectMany(call => call).ToList();
        var names = await pseudonyms.Value;
        var userPseudonyms = events.Select(e => e.UserId).Distinct(StringComparer.Ordinal).ToDictionary(user => user, names.Of, StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var (stored, bound, erased) = await ReadKnownAsync(connection, transaction, events, userPseudonyms.Values);
            var plan = Plan(events, stored, bound, e => erased.Contains(userPseudonyms[e.UserId]));
            if (await InsertAsync(connection, transaction, plan))
            {
                await transaction.CommitAsync();
                commits.Committed();
                await NotifyAsync(connection);
                var results = new StoreResult[batch.Count][];
                var next = 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    results[i] = plan.Results[next..(next += batch[i].Count)];
                }
                return results;
            }
            // Another writer stored one of the ids or bound one of the threads after our read: the plan may be wrong.
            // Its insert waited for that commit, so a new read sees it.
            await transaction.RollbackAsync();
            if (attempt == MaxAttempts)
            {
                throw new StorageUnavailableException("The journal could not be written: its events kept being written elsewhere.");
            }
        }
    }

    /// <summary>
    /// Takes the erasure lock (shared), then reads the stored rows (position, tx, content hash) of the batch's ids, the
    /// ideas its threads are bound to and which of its users' pseudonyms are erased, in a statement of its own that
    /// starts after the lock is held.
    /// </summary>
    private static async Task<(Dictionary<string, (long Position, long Tx, byte[] Hash)>, Dictionary<string, string>, HashSet<string>)> ReadKnownAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<EventToStore> events, IEnumerable<string> userPseudonyms)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock_shared({ErasureLockKey})"));
        var known = new NpgsqlBatchCommand("""
            SELECT 0 AS part, event_id, position, tx, content_hash, NULL AS idea_id FROM events WHERE event_id = ANY($1)
            UNION ALL
            SELECT 1, thread_id, NULL, NULL, NULL, idea_id FROM thread_ideas WHERE thread_id = ANY($2)
            UNION ALL
            SELECT 2, pseudonym, NULL, NULL, NULL, NULL FROM erased_users WHERE pseudonym = ANY($3)
            """);
        known.Parameters.AddWithValue(events.Select(e => e.Event.EventId).Distinct().ToArray());
        known.Parameters.AddWithValue(events.Where(e => e.ThreadId is not null).Select(e => e.ThreadId!).Distinct().ToArray());
        known.Parameters.AddWithValue(userPseudonyms.ToArray());
        batch.BatchCommands.Add(known);
        var stored = new Dictionary<string, (long, long, byte[])>(StringComparer.Ordinal);
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        var erased = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            switch (reader.GetInt32(0))
            {
                case 0:
                    stored[reader.GetString(1)] = (reader.GetInt64(2), reader.GetInt64(3), (byte[])reader[4]);
                    break;
                case 1:
                    bound[reader.GetString(1)] = reader.GetString(5);
                    break;
                default:
                    erased.Add(reader.GetString(1));
                    break;
            }
        }
        return (stored, bound, erased);
    }

    /// <summary>
    /// Settles the events in order, as the SQLite store does one by one: an id seen before (stored, or earlier in the
    /// batch) is a duplicate or a reused id; a thread is bound by its first new event. The positions of the events
    /// to insert are filled in after the insert.
    /// </summary>
    private static BatchPlan Plan(List<EventToStore> events, Dictionary<string, (long Position, long Tx, byte[] Hash)> stored, Dictionary<string, string> bound,
        Func<EventToStore, bool> isErased)
    {
        var results = new StoreResult[events.Count];
        var inserts = new List<int>();
        var bindings = new List<(string Thread, string Idea)>();
        var copies = new List<(int Copy, int First)>();
        var firstInBatch = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (isErased(e))
            {
                results[i] = new StoreResult(StoreOutcome.UserErased);
                continue;
            }
            if (stored.TryGetValue(e.Event.EventId, out var row))
            {
                results[i] = row.Hash.AsSpan().SequenceEqual(e.ContentHash)
                    ? new StoreResult(StoreOutcome.Duplicate, row.Position, row.Tx)
                    : new StoreResult(StoreOutcome.ReusedId);
                continue;
            }
            if (firstInBatch.TryGetValue(e.Event.EventId, out var first))
            {
                // A duplicate's position is its first copy's, known once that is inserted.
                if (events[first].ContentHash.AsSpan().SequenceEqual(e.ContentHash))
                {
                    copies.Add((i, first));
                }
                else
                {
                    results[i] = new StoreResult(StoreOutcome.ReusedId);
                }
                continue;
            }
            if (e.ThreadId is { } thread)
            {
                if (!bound.TryGetValue(thread, out var idea))
                {
                    bound.Add(thread, idea = e.IdeaId!);
                    bindings.Add((thread, idea));
                }
                if (idea != e.IdeaId)
                {
                    results[i] = new StoreResult(StoreOutcome.ThreadOfOtherIdea, BoundIdea: idea);
                    continue;
                }
            }
            firstInBatch.Add(e.Event.EventId, i);
            inserts.Add(i);
        }
        return new BatchPlan(events, results, inserts, copies, bindings);
    }

    /// <summary>
    /// Inserts the plan's bindings and events; false when another writer got to one of them first (nothing of ours is
    /// kept: the caller rolls back). Both inserts go in key order, so two writers meet at their first shared key and
    /// the later one waits there instead of deadlocking.
    /// </summary>
    private static async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BatchPlan plan)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var bind = new NpgsqlBatchCommand("""
            INSERT INTO thread_ideas (thread_id, idea_id)
            SELECT t, i FROM unnest($1::text[], $2::text[]) AS r(t, i) ORDER BY t
            ON CONFLICT DO NOTHING
            RETURNING thread_id
            """);
        bind.Parameters.AddWithValue(plan.Bindings.Select(b => b.Thread).ToArray());
        bind.Parameters.AddWithValue(plan.Bindings.Select(b => b.Idea).ToArray());
        var rows = plan.Inserts.Select(i => plan.Events[i]).ToArray();
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO events (event_id, content_hash, event_type, data, user_id, idea_id, thread_id, posted_by)
            SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::text[], $8::text[])
                AS r(event_id, content_hash, event_type, data, user_id, idea_id, thread_id, posted_by)
            ORDER BY event_id
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id, position, tx
            """);
        insert.Parameters.AddWithValue(rows.Select(r => r.Event.EventId).ToArray());
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.ContentHash).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.AddWithValue(rows.Select(r => r.Event.Type).ToArray());
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.Data).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.AddWithValue(rows.Select(r => r.UserId).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.IdeaId).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.ThreadId).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.PostedBy).ToArray());
        batch.BatchCommands.Add(bind);
        batch.BatchCommands.Add(insert);
        var bindings = 0;
        var positions = new Dictionary<string, (long Position, long Tx)>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                bindings++;
            }
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                positions.Add(reader.GetString(0), (reader.GetInt64(1), reader.GetInt64(2)));
            }
        }
        if (bindings < plan.Bindings.Count || positions.Count < rows.Length)
        {
            return false;
        }
        foreach (var i in plan.Inserts)
        {
            var (position, tx) = positions[plan.Events[i].Event.EventId];
            plan.Results[i] = new StoreResult(StoreOutcome.Stored, position, tx);
        }
        foreach (var (copy, first) in plan.Copies)
        {
            plan.Results[copy] = plan.Results[first] with { Outcome = StoreOutcome.Duplicate };
        }
        return true;
    }

    /// <summary>
    /// The first rows of a read (part 0): the statement's snapshot, its xmax and the transactions still running in it
    /// (xip), one row with no event. A row of the events table is visible in that snapshot exactly when its transaction
    /// is below xmax and not in xip.
    /// </summary>
    private static readonly string Horizon = $"""
        WITH horizon AS (
            SELECT pg_snapshot_xmax(s)::text::bigint AS xmax,
                   ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) AS xip
            FROM pg_current_snapshot() AS s
        )
        SELECT 0 AS part, xmax AS tx, xip, {NoEvent}
        FROM horizon
        """;

    /// <summary>
    /// Where a read that started at <paramref name="from"/> and read every finished transaction below
    /// <paramref name="next"/> leaves off: those still <paramref name="running"/> in its snapshot are remembered.
    /// </summary>
    private static FeedCursor Cursor(FeedCursor from, long next, long[] running) =>
        new(next, from.Pending.Intersect(running).Union(running.Where(tx => tx >= from.Position && tx < next)).Order().ToArray());

    public Task<Pseudonyms> GetPseudonymsAsync(CancellationToken ct = default) => pseudonyms.Value;

    public Task<IReadOnlyList<RecordedEvent>> ReadByPositionAsync(long afterPosition, int maxEvents, CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM events WHERE position > $1 ORDER BY position LIMIT $2");
            command.Parameters.AddWithValue(afterPosition);
            command.Parameters.AddWithValue(maxEvents);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var events = new List<RecordedEvent>();
            while (await reader.ReadAsync(ct))
            {
                events.Add(ReadEvent(reader, 0));
            }
            return (IReadOnlyList<RecordedEvent>)events;
        });

    public Task<int> DeleteAsync(IReadOnlyCollection<long> positions, IReadOnlyCollection<EventKey> foldedBy, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var batch = dataSource.CreateBatch();
            var delete = new NpgsqlBatchCommand("DELETE FROM events WHERE position = ANY($1)");
            delete.Parameters.AddWithValue(positions.ToArray());
            var forget = new NpgsqlBatchCommand("DELETE FROM grain_snapshots WHERE stream_id = ANY($1)");
            forget.Parameters.AddWithValue(foldedBy.Select(key => key.Name).ToArray());
            batch.BatchCommands.Add(delete);
            batch.BatchCommands.Add(forget);
            // A batch without an explicit transaction runs as one implicit transaction.
            await batch.ExecuteNonQueryAsync(ct);
            return delete.RecordsAffected;
        });

    public async Task<Erasure> EraseUserAsync(string userId, string? erasedBy, CancellationToken ct = default)
    {
        var names = await pseudonyms.Value;
        var erasure = await PostgresErrors.Guard("erased", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var result = await EraseAsync(connection, transaction, names.Of(userId), userId, erasedBy, ct);
            await transaction.CommitAsync(ct);
            if (result.Outcome != ErasureOutcome.Unknown)
            {
                commits.Committed();
                await NotifyAsync(connection);
                // Removes the old row versions (the id, the profile, the snapshots) from the tables and their indexes.
                await using var vacuum = new NpgsqlCommand("VACUUM events, grain_snapshots, read_model_snapshots", connection);
                await vacuum.ExecuteNonQueryAsync(ct);
            }
            return result;
        });
        return erasure;
    }

    private static async Task<Erasure> EraseAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string pseudonym, string userId, string? erasedBy, CancellationToken ct)
    {
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({ErasureLockKey})", ct);
        bool wasErased;
        await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM erased_users WHERE pseudonym = $1)", connection, transaction))
        {
            check.Parameters.AddWithValue(pseudonym);
            wasErased = (bool)(await check.ExecuteScalarAsync(ct))!;
        }
        var found = new ErasedRows();
        await using (var rows = new NpgsqlCommand(
            "SELECT position, event_type, data, idea_id, thread_id, user_id = $1 FROM events WHERE user_id = $1 OR user_id = $2 FOR UPDATE",
            connection, transaction))
        {
            rows.Parameters.AddWithValue(userId);
            rows.Parameters.AddWithValue(pseudonym);
            await using var reader = await rows.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add(reader, persons: reader.GetBoolean(5));
            }
        }
        if (found.Count == 0 && !wasErased)
        {
            return new Erasure(ErasureOutcome.Unknown, pseudonym, 0, 0, [], []);
        }
        var (rewritten, deleted) = found.Plan(pseudonym);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var rewrite = new NpgsqlBatchCommand("""
            UPDATE events AS e SET user_id = $1, data = r.data, content_hash = r.hash
            FROM unnest($2::bigint[], $3::bytea[], $4::bytea[]) AS r(position, data, hash)
            WHERE e.position = r.position
            """);
        rewrite.Parameters.AddWithValue(pseudonym);
        rewrite.Parameters.AddWithValue(rewritten.Select(r => r.Position).ToArray());
        rewrite.Parameters.Add(new NpgsqlParameter { Value = rewritten.Select(r => r.Data).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        rewrite.Parameters.Add(new NpgsqlParameter { Value = rewritten.Select(r => r.Hash).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        batch.BatchCommands.Add(rewrite);
        var delete = new NpgsqlBatchCommand("DELETE FROM events WHERE position = ANY($1)");
        delete.Parameters.AddWithValue(deleted.ToArray());
        batch.BatchCommands.Add(delete);
        if (found.Count > 0 || !wasErased)
        {
            var erasureId = Guid.NewGuid().ToString("N");
            var stored = StoredEventFormat.Encode(new UserErased("erasure:" + erasureId, pseudonym, DateTimeOffset.UtcNow, deleted.Count));
            var record = new NpgsqlBatchCommand("INSERT INTO events (event_id, content_hash, event_type, data, user_id) VALUES ($1, $2, $3, $4, $5)");
            record.Parameters.AddWithValue(stored.EventId);
            record.Parameters.AddWithValue(Array.Empty<byte>());
            record.Parameters.AddWithValue(stored.Type);
            record.Parameters.AddWithValue(stored.Data);
            record.Parameters.AddWithValue(pseudonym);
            batch.BatchCommands.Add(record);
            var audit = new NpgsqlBatchCommand("""
                INSERT INTO erasures (erasure_id, erased_at, erased_by, events_anonymised, profile_changes_deleted) VALUES ($1, now(), $2, $3, $4)
                """);
            audit.Parameters.AddWithValue(erasureId);
            audit.Parameters.AddWithValue((object?)erasedBy ?? DBNull.Value);
            audit.Parameters.AddWithValue(rewritten.Count);
            audit.Parameters.AddWithValue(deleted.Count);
            batch.BatchCommands.Add(audit);
            var mark = new NpgsqlBatchCommand("INSERT INTO erased_users (pseudonym) VALUES ($1) ON CONFLICT DO NOTHING");
            mark.Parameters.AddWithValue(pseudonym);
            batch.BatchCommands.Add(mark);
        }
        // Every snapshot that may hold the id: the user's, their ideas' and threads', and the read model's (all of them).
        var forget = new NpgsqlBatchCommand("DELETE FROM grain_snapshots WHERE stream_id = ANY($1)");
        forget.Parameters.AddWithValue(found.Ideas.Select(EventKey.Idea).Concat(found.Threads.Select(EventKey.Thread)).Append(EventKey.User(userId))
            .Select(key => key.Name).ToArray());
        batch.BatchCommands.Add(forget);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM read_model_snapshots"));
        await batch.ExecuteNonQueryAsync(ct);
        return new Erasure(wasErased ? ErasureOutcome.AlreadyErased : ErasureOutcome.Erased, pseudonym, rewritten.Count, deleted.Count, [.. found.Ideas], [.. found.Threads]);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task<EventPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        var column = key.Column;
        return PostgresErrors.Guard("read", async () =>
        {
            // One statement, so the snapshot's bounds and the rows agree: a row is visible exactly when its transaction
            // is below xmax and not in xip. Rows of transactions pending at the last read come first (they finished or
            // are still pending), then those from the cursor's position to xmax.
            await using var command = dataSource.CreateCommand($"""
                {Horizon}
                UNION ALL
                SELECT 1, tx, NULL, {Columns} FROM events
                WHERE {column} = $1 AND (tx = ANY($3) OR (tx >= $2 AND tx < (SELECT xmax FROM horizon)))
                ORDER BY part, tx, position
                """);
            command.Parameters.AddWithValue(key.Id);
            command.Parameters.AddWithValue(from.Position);
            command.Parameters.AddWithValue(from.Pending);
            var xmax = from.Position;
            long[] running = [];
            var events = new List<RecordedEvent>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    if (reader.GetInt32(0) == 0)
                    {
                        xmax = reader.GetInt64(1);
                        running = reader.GetFieldValue<long[]>(2);
                        continue;
                    }
                    events.Add(ReadEvent(reader, 3));
                }
            }
            var next = Math.Max(from.Position, xmax);
            return new EventPage(events, Cursor(from, next, running));
        });
    }

    public Task<EventPage> ReadFeedAsync(FeedCursor from, int maxEvents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        return PostgresErrors.Guard("read", async () =>
        {
            // One statement, so the snapshot's bounds and the rows come from the same snapshot: a row is visible exactly
            // when its transaction is below xmax and not in xip (still running, in any database of the server). Part 0
            // is the snapshot, part 1 the rows of the pending transactions (all of them: those that finished since the
            // last page are whole now), part 2 the finished transactions from the position on, with one row past the
            // page to tell whether the page's last transaction is complete.
            await using var command = dataSource.CreateCommand($"""
                {Horizon}
                UNION ALL
                SELECT 1, tx, NULL, {Columns} FROM events WHERE tx = ANY($3)
                UNION ALL
                (SELECT 2, tx, NULL, {Columns} FROM events
                 WHERE tx >= $1 AND tx < (SELECT xmax FROM horizon)
                 ORDER BY tx, position LIMIT $2)
                ORDER BY part, tx, position
                """);
            command.Parameters.AddWithValue(from.Position);
            command.Parameters.AddWithValue(maxEvents + 1L);
            command.Parameters.AddWithValue(from.Pending);
            var xmax = from.Position;
            long[] running = [];
            var finished = new List<RecordedEvent>();
            var rows = new List<(long Tx, RecordedEvent Event)>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    switch (reader.GetInt32(0))
                    {
                        case 0:
                            xmax = reader.GetInt64(1);
                            running = reader.GetFieldValue<long[]>(2);
                            break;
                        case 1:
                            finished.Add(ReadEvent(reader, 3));
                            break;
                        default:
                            rows.Add((reader.GetInt64(1), ReadEvent(reader, 3)));
                            break;
                    }
                }
            }
            List<RecordedEvent> page;
            long next;
            if (rows.Count <= maxEvents)
            {
                page = rows.Select(r => r.Event).ToList();
                next = Math.Max(from.Position, xmax);
            }
            else
            {
                // The row past the page may share its transaction with the page's last rows: end the page before it.
                next = rows[maxEvents].Tx;
                page = rows.TakeWhile(r => r.Tx < next).Select(r => r.Event).ToList();
                if (page.Count == 0)
                {
                    // One transaction (one batch) holds more than a page. It has finished, so read all of it at once.
                    page = await ReadTransactionAsync(next, ct);
                    next++;
                }
            }
            return new EventPage([.. finished, .. page], Cursor(from, next, running));
        });
    }

    public Task<long> FeedHeadAsync(CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            // Every transaction that committed before this call has a lower id than xmax.
            await using var command = dataSource.CreateCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
            return (long)(await command.ExecuteScalarAsync(ct))!;
        });

    public Task NextCommit()
    {
        // Taken before the listener starts, so its first pulse (once it listens) completes it.
        var next = commits.Next;
        listener.EnsureStarted();
        return next;
    }

    public ValueTask DisposeAsync() => listener.DisposeAsync();

    private async Task<List<RecordedEvent>> ReadTransactionAsync(long tx, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM events WHERE tx = $1 ORDER BY position");
        command.Parameters.AddWithValue(tx);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(ct))
        {
            events.Add(ReadEvent(reader, 0));
        }
        return events;
    }

    private const string Columns = "position, user_id, event_id, event_type, data, stored_at";

    /// <summary>The columns of <see cref="Columns"/> left empty, for the row of a union that carries no event.</summary>
    private const string NoEvent =
        "NULL::bigint AS position, NULL AS user_id, NULL AS event_id, NULL AS event_type, NULL::bytea AS data, NULL::timestamptz AS stored_at";

    private static RecordedEvent ReadEvent(NpgsqlDataReader reader, int first) =>
        new(reader.GetInt64(first), reader.GetString(first + 1),
            new JournalEvent(reader.GetString(first + 2), reader.GetString(first + 3), (byte[])reader[first + 4]),
            reader.GetFieldValue<DateTimeOffset>(first + 5));

    /// <summary>
    /// Tells the other processes' read models that a batch committed. Sent after the commit, in a statement of its own:
    /// a transaction that notifies holds a database-wide lock from before its commit until after it, so NOTIFY inside
    /// the writers' transactions would make their WAL flushes take turns. A notification lost (the process dies in
    /// between) is a hint lost: followers also read the head every second.
    /// </summary>
    private async Task NotifyAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
            notify.Parameters.AddWithValue(PostgresCommitListener.Channel);
            notify.Parameters.AddWithValue(listener.Sender);
            await notify.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            // The batch is committed: its callers are answered, whatever became of the hint.
        }
    }

    /// <summary>
    /// One batch's plan: the answers known before the insert, the events to insert, the later copies of an id the
    /// batch inserts (duplicates of it), and the thread bindings the inserts make.
    /// </summary>
    private sealed record BatchPlan(List<EventToStore> Events, StoreResult[] Results, List<int> Inserts, List<(int Copy, int First)> Copies,
        List<(string Thread, string Idea)> Bindings);
}
