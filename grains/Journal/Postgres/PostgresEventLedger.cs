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
            var ids = claims.Select(c => c.EventId).ToArray();
            var inserted = new HashSet<string>(StringComparer.Ordinal);
            await using (var insert = dataSource.CreateCommand("""
                INSERT INTO event_ledger (event_id, content_hash)
                SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id
                """))
            {
                insert.Parameters.AddWithValue(ids);
                insert.Parameters.AddWithValue(claims.Select(c => c.ContentHash).ToArray());
                await using var reader = await insert.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    inserted.Add(reader.GetString(0));
                }
            }
            var outcomes = new ClaimOutcome[claims.Count];
            if (inserted.Count == claims.Count)
            {
                return outcomes;
            }
            var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            await using (var select = dataSource.CreateCommand("SELECT event_id, content_hash FROM event_ledger WHERE event_id = ANY($1)"))
            {
                select.Parameters.AddWithValue(ids.Where(id => !inserted.Contains(id)).ToArray());
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    stored[reader.GetString(0)] = (byte[])reader[1];
                }
            }
            for (var i = 0; i < claims.Count; i++)
            {
                outcomes[i] = inserted.Contains(claims[i].EventId) ? ClaimOutcome.New
                    : stored[claims[i].EventId].AsSpan().SequenceEqual(claims[i].ContentHash) ? ClaimOutcome.Duplicate
                    : ClaimOutcome.Conflict;
            }
            return outcomes;
        });

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
