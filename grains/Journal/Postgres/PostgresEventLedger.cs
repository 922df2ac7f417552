using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>
/// The event-id ledger on PostgreSQL. The insert skips ids already present; a concurrent claim of the same id waits
/// for the first to commit and then sees its hash, so exactly one claim is ever new.
/// </summary>
public sealed class PostgresEventLedger(NpgsqlDataSource dataSource) : IEventLedger
{
    public Task<ClaimOutcome[]> ClaimAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            var outcomes = new ClaimOutcome[claims.Count];
            var pending = Enumerable.Range(0, claims.Count).ToList();
            // An id can vanish between the insert and the read when a refused attempt releases it meanwhile; such
            // ids are simply claimed again.
            while (pending.Count > 0)
            {
                pending = await ClaimOnceAsync(claims, pending, outcomes, ct);
            }
            return outcomes;
        });

    /// <summary>Settles the claims at <paramref name="indexes"/>; returns those whose row disappeared meanwhile.</summary>
    private async Task<List<int>> ClaimOnceAsync(IReadOnlyList<EventClaim> claims, List<int> indexes, ClaimOutcome[] outcomes, CancellationToken ct)
    {
        var ids = indexes.Select(i => claims[i].EventId).ToArray();
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO event_ledger (event_id, content_hash, posted_by)
            SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[]) ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """))
        {
            insert.Parameters.AddWithValue(ids);
            insert.Parameters.AddWithValue(indexes.Select(i => claims[i].ContentHash).ToArray());
            insert.Parameters.AddWithValue(indexes.Select(i => claims[i].PostedBy).ToArray());
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                inserted.Add(reader.GetString(0));
            }
        }
        var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (inserted.Count < ids.Length)
        {
            await using var select = dataSource.CreateCommand("SELECT event_id, content_hash FROM event_ledger WHERE event_id = ANY($1)");
            select.Parameters.AddWithValue(ids.Where(id => !inserted.Contains(id)).ToArray());
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored[reader.GetString(0)] = (byte[])reader[1];
            }
        }
        var vanished = new List<int>();
        foreach (var i in indexes)
        {
            if (inserted.Contains(claims[i].EventId))
            {
                outcomes[i] = ClaimOutcome.New;
            }
            else if (stored.TryGetValue(claims[i].EventId, out var hash))
            {
                outcomes[i] = hash.AsSpan().SequenceEqual(claims[i].ContentHash) ? ClaimOutcome.Duplicate : ClaimOutcome.Conflict;
            }
            else
            {
                vanished.Add(i);
            }
        }
        return vanished;
    }

    public Task ReleaseAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default) =>
        PostgresErrors.Guard("written", async () =>
        {
            await using var delete = dataSource.CreateCommand("""
                DELETE FROM event_ledger l USING unnest($1::text[], $2::bytea[]) AS r(id, hash)
                WHERE l.event_id = r.id AND l.content_hash = r.hash
                """);
            delete.Parameters.AddWithValue(claims.Select(c => c.EventId).ToArray());
            delete.Parameters.AddWithValue(claims.Select(c => c.ContentHash).ToArray());
            return await delete.ExecuteNonQueryAsync(ct);
        });
}
