namespace Collaboration.Journal.Sqlite;

/// <summary>The event-id ledger on the embedded SQLite database; the single writer makes each claim atomic.</summary>
public sealed class SqliteEventLedger(SqliteDatabase database, TimeProvider clock) : IEventLedger
{
    public Task<ClaimOutcome[]> ClaimAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default) =>
        database.WriteAsync("claim", context =>
        {
            var insert = context.Command("""
                INSERT INTO event_ledger (event_id, content_hash, recorded_at, posted_by) VALUES ($id, $hash, $at, $by)
                ON CONFLICT (event_id) DO NOTHING
                """, "$id", "$hash", "$at", "$by");
            var existing = context.Command("SELECT content_hash FROM event_ledger WHERE event_id = $id", "$id");
            var recordedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var outcomes = new ClaimOutcome[claims.Count];
            for (var i = 0; i < claims.Count; i++)
            {
                insert.Parameters[0].Value = claims[i].EventId;
                insert.Parameters[1].Value = claims[i].ContentHash;
                insert.Parameters[2].Value = recordedAt;
                insert.Parameters[3].Value = (object?)claims[i].PostedBy ?? DBNull.Value;
                if (insert.ExecuteNonQuery() == 1)
                {
                    outcomes[i] = ClaimOutcome.New;
                    continue;
                }
                existing.Parameters[0].Value = claims[i].EventId;
                var storedHash = (byte[])existing.ExecuteScalar()!;
                outcomes[i] = storedHash.AsSpan().SequenceEqual(claims[i].ContentHash) ? ClaimOutcome.Duplicate : ClaimOutcome.Conflict;
            }
            return outcomes;
        });

    public Task ReleaseAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default) =>
        database.WriteAsync("release", context =>
        {
            var delete = context.Command("DELETE FROM event_ledger WHERE event_id = $id AND content_hash = $hash", "$id", "$hash");
            foreach (var claim in claims)
            {
                delete.Parameters[0].Value = claim.EventId;
                delete.Parameters[1].Value = claim.ContentHash;
                delete.ExecuteNonQuery();
            }
            return claims.Count;
        });
}
