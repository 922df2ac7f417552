using Collaboration.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// The event journal on PostgreSQL. Appends are written in batches (<see cref="PostgresAppendBatcher"/>): a batch checks
/// its streams' heads, skips ids a stream already holds, and inserts the rest at the following versions in one
/// transaction. Two writers racing on one stream collide on the primary key (stream_id, version); the loser's append
/// gets a version conflict and nothing of it is written. Each row records the id of the transaction that wrote it
/// (column tx, see 004_journal_feed.sql): feed positions are transaction ids, and a cursor's pending ones are
/// transactions that were still running when it was read. Followers of the feed hear every process's commits
/// (<see cref="PostgresCommitListener"/>).
/// </summary>
public sealed class PostgresEventJournal : IEventJournal, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly CommitSignal commits = new();
    private readonly PostgresCommitListener listener;
    private readonly PostgresAppendBatcher appends;

    public PostgresEventJournal(NpgsqlDataSource dataSource, CollaborationMetrics? metrics = null, ILogger<PostgresEventJournal>? logger = null)
    {
        this.dataSource = dataSource;
        listener = new PostgresCommitListener(dataSource, commits, logger);
        appends = new PostgresAppendBatcher(dataSource, commits, listener.Sender, metrics);
    }

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
        PostgresErrors.Guard("written", () => appends.AppendAsync(streamId, expectedVersion, events, ct));

    public Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO journal_snapshots (stream_id, version, data) VALUES ($1, $2, $3)
                ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, data = excluded.data
                WHERE journal_snapshots.version <= excluded.version
                """);
            command.Parameters.AddWithValue(streamId);
            command.Parameters.AddWithValue(snapshot.Version);
            command.Parameters.AddWithValue(snapshot.Data);
            return await command.ExecuteNonQueryAsync(ct);
        });

    public Task<FeedPage> ReadFeedAsync(string streamPrefix, FeedCursor from, int maxEvents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(streamPrefix);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        return PostgresErrors.Guard("read", async () =>
        {
            // One statement, so the snapshot's bounds and the rows come from the same snapshot: a row is visible exactly
            // when its transaction is below xmax and not in xip (still running, in any database of the server). Part 0
            // is the snapshot, part 1 the rows of the pending transactions (all of them: those that finished since the
            // last page are whole now), part 2 the finished transactions from the position on, with one row past the
            // page to tell whether the page's last transaction is complete.
            //
            // A pending transaction's rows come after rows of higher ids read on earlier pages, yet each stream still
            // reads in version order. An append (a batch of them) takes its id at its insert, after reading the stream's
            // head, so after the stream's previous append committed; a writer racing on the same stream blocks on the key
            // until the earlier one ends, and fails if that one committed. So no later append to a stream can have been
            // read while an earlier one is pending, and both in one page come in id order.
            await using var command = dataSource.CreateCommand("""
                WITH horizon AS (
                    SELECT pg_snapshot_xmax(s)::text::bigint AS xmax,
                           ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) AS xip
                    FROM pg_current_snapshot() AS s
                )
                SELECT 0 AS part, xmax AS tx, xip, NULL AS stream_id, NULL::bigint AS version, NULL AS event_id,
                       NULL AS event_type, NULL::bytea AS data, NULL::timestamptz AS stored_at
                FROM horizon
                UNION ALL
                SELECT 1, tx, NULL, stream_id, version, event_id, event_type, data, stored_at FROM journal_events
                WHERE tx = ANY($4) AND left(stream_id, length($1)) = $1
                UNION ALL
                (SELECT 2, tx, NULL, stream_id, version, event_id, event_type, data, stored_at FROM journal_events
                 WHERE tx >= $2 AND tx < (SELECT xmax FROM horizon) AND left(stream_id, length($1)) = $1
                 ORDER BY tx, stream_id, version LIMIT $3)
                ORDER BY part, tx, stream_id, version
                """);
            command.Parameters.AddWithValue(streamPrefix);
            command.Parameters.AddWithValue(from.Position);
            command.Parameters.AddWithValue(maxEvents + 1L);
            command.Parameters.AddWithValue(from.Pending);
            var xmax = from.Position;
            long[] running = [];
            var finished = new List<FeedEvent>();
            var rows = new List<(long Tx, FeedEvent Event)>();
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
                            finished.Add(ReadFeedEvent(reader, 3));
                            break;
                        default:
                            rows.Add((reader.GetInt64(1), ReadFeedEvent(reader, 3)));
                            break;
                    }
                }
            }
            List<FeedEvent> page;
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
                    // One transaction (one append) holds more than a page. It has finished, so read all of it at once.
                    page = await ReadTransactionAsync(streamPrefix, next, ct);
                    next++;
                }
            }
            // Every transaction below next was read, except those still running in the snapshot: remember them.
            var pending = from.Pending.Intersect(running)
                .Union(running.Where(tx => tx >= from.Position && tx < next)).Order().ToArray();
            return new FeedPage([.. finished, .. page], new FeedCursor(next, pending));
        });
    }

    public Task NextCommit()
    {
        // Taken before the listener starts, so its first pulse (once it listens) completes it.
        var next = commits.Next;
        listener.EnsureStarted();
        return next;
    }

    public ValueTask DisposeAsync() => listener.DisposeAsync();

    public Task<long> FeedHeadAsync(CancellationToken ct = default) =>
        PostgresErrors.Guard("read", async () =>
        {
            // Every transaction that committed before this call has a lower id than xmax.
            await using var command = dataSource.CreateCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
            return (long)(await command.ExecuteScalarAsync(ct))!;
        });

    private async Task<List<FeedEvent>> ReadTransactionAsync(string streamPrefix, long tx, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT stream_id, version, event_id, event_type, data, stored_at FROM journal_events
            WHERE tx = $2 AND left(stream_id, length($1)) = $1 ORDER BY stream_id, version
            """);
        command.Parameters.AddWithValue(streamPrefix);
        command.Parameters.AddWithValue(tx);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var events = new List<FeedEvent>();
        while (await reader.ReadAsync(ct))
        {
            events.Add(ReadFeedEvent(reader, 0));
        }
        return events;
    }

    private static FeedEvent ReadFeedEvent(NpgsqlDataReader reader, int first) =>
        new(reader.GetString(first), reader.GetInt64(first + 1),
            new JournalEvent(reader.GetString(first + 2), reader.GetString(first + 3), (byte[])reader[first + 4]),
            reader.GetFieldValue<DateTimeOffset>(first + 5));
}
