using Collaboration.Errors;
using Collaboration.Telemetry;
using Npgsql;
using NpgsqlTypes;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// Group commit for <see cref="PostgresEventJournal.TryAppendAsync"/> (<see cref="PostgresGroupCommit{TWork, TResult}"/>
/// with one writer, so two batches of this silo never race on a stream). A batch is written with two statements: one
/// reads the heads of its streams and the ids they already hold, one inserts every new row. Each committed batch
/// pulses <paramref name="commits"/> and notifies the other processes as <paramref name="sender"/> (see
/// <see cref="PostgresCommitListener"/>).
/// </summary>
internal sealed class PostgresAppendBatcher(NpgsqlDataSource dataSource, CommitSignal commits, string sender, CollaborationMetrics? metrics = null)
{
    private const int MaxBatchEvents = 2000;
    private const int MaxAttempts = 10;
    private const string UniqueViolation = "23505";

    // One writer: two batches of this silo never race on a stream (more writers made batches smaller and slower).
    private readonly PostgresGroupCommit<Append, AppendResult> batches = new(1, MaxBatchEvents,
        batch => WriteAsync(dataSource, sender, batch), metrics, commits.Committed);

    public Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<JournalEvent> events, CancellationToken ct) =>
        batches.WriteAsync("append", new Append(streamId, expectedVersion, events), events.Count, ct);

    private static async Task<AppendResult[]> WriteAsync(NpgsqlDataSource dataSource, string sender, List<Append> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            var (heads, known) = await ReadStreamsAsync(connection, batch);
            var (results, rows) = Plan(batch, heads, known);
            if (rows.Count == 0)
            {
                return results;
            }
            try
            {
                await InsertAsync(connection, rows, sender);
                return results;
            }
            catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
            {
                // A writer elsewhere (another silo taking over a grain) committed to one of our streams after we read
                // its head. The insert was one statement, so nothing of the batch was written: read the heads again
                // and plan anew, which answers the appends to the moved streams as conflicts and writes all the rest.
                if (attempt == MaxAttempts)
                {
                    throw new StorageUnavailableException($"The journal could not be written: its streams kept moving ({ex.Message}).");
                }
            }
        }
    }

    /// <summary>
    /// The batch's answers and the rows to insert, applying its appends in arrival order: a second append to a stream
    /// is checked against the head the first one left.
    /// </summary>
    private static (AppendResult[] Results, List<Row> Rows) Plan(List<Append> batch, Dictionary<string, long> heads, HashSet<(string, string)> known)
    {
        var results = new AppendResult[batch.Count];
        var rows = new List<Row>();
        for (var i = 0; i < batch.Count; i++)
        {
            var (streamId, expectedVersion, events) = batch[i];
            var head = heads[streamId];
            if (head != expectedVersion)
            {
                results[i] = AppendResult.Conflict(head);
                continue;
            }
            var stored = new bool[events.Count];
            for (var e = 0; e < events.Count; e++)
            {
                // known.Add also catches an id repeated within this append or in an earlier one of the batch.
                if (known.Add((streamId, events[e].EventId)))
                {
                    stored[e] = true;
                    rows.Add(new Row(streamId, ++head, events[e]));
                }
            }
            heads[streamId] = head;
            results[i] = new AppendResult(false, head, stored);
        }
        return (results, rows);
    }

    /// <summary>The head of every stream of the batch (0 when empty) and which of the batch's ids each already holds.</summary>
    private static async Task<(Dictionary<string, long> Heads, HashSet<(string, string)> Known)> ReadStreamsAsync(NpgsqlConnection connection, List<Append> batch)
    {
        var pairs = batch.SelectMany(a => a.Events.Select(e => (a.StreamId, e.EventId))).Distinct().ToArray();
        await using var command = new NpgsqlCommand("""
            SELECT 0 AS part, s.stream_id,
                   coalesce((SELECT max(version) FROM journal_events j WHERE j.stream_id = s.stream_id), 0) AS head,
                   NULL AS event_id
            FROM unnest($1::text[]) AS s(stream_id)
            UNION ALL
            SELECT 1, j.stream_id, NULL, j.event_id
            FROM journal_events j JOIN unnest($2::text[], $3::text[]) AS r(stream_id, event_id)
                ON j.stream_id = r.stream_id AND j.event_id = r.event_id
            """, connection);
        command.Parameters.AddWithValue(batch.Select(a => a.StreamId).Distinct().ToArray());
        command.Parameters.AddWithValue(pairs.Select(p => p.StreamId).ToArray());
        command.Parameters.AddWithValue(pairs.Select(p => p.EventId).ToArray());
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        var known = new HashSet<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetInt32(0) == 0)
            {
                heads[reader.GetString(1)] = reader.GetInt64(2);
            }
            else
            {
                known.Add((reader.GetString(1), reader.GetString(3)));
            }
        }
        return (heads, known);
    }

    private static async Task InsertAsync(NpgsqlConnection connection, List<Row> rows, string sender)
    {
        // One batch, so one implicit transaction without a BEGIN or COMMIT round trip, which the server ends on its own
        // even if this silo freezes mid-batch; the notification goes out when it commits. Every writer inserts in
        // (stream, version) order, so two batches racing on several streams meet at their first shared stream: the
        // later one waits there for the first to end (then fails on the key if it committed) instead of deadlocking.
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO journal_events (stream_id, version, event_id, event_type, data)
            SELECT s, v, i, t, d FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[]) AS r(s, v, i, t, d)
            ORDER BY s, v
            """);
        insert.Parameters.AddWithValue(rows.Select(r => r.StreamId).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.Version).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.Event.EventId).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.Event.Type).ToArray());
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Event.Data).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        notify.Parameters.AddWithValue(PostgresCommitListener.Channel);
        notify.Parameters.AddWithValue(sender);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(notify);
        await batch.ExecuteNonQueryAsync();
    }

    private sealed record Append(string StreamId, long ExpectedVersion, IReadOnlyList<JournalEvent> Events);

    private sealed record Row(string StreamId, long Version, JournalEvent Event);
}
