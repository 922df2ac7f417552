using System.Collections.Concurrent;
using Collaboration.Journal;

namespace Collaboration.Bench;

/// <summary>The event-id ledger without durability, for benchmark 3: first claim wins, later ones compare hashes.</summary>
public sealed class MemoryEventLedger : IEventLedger
{
    private readonly ConcurrentDictionary<string, byte[]> hashes = new(StringComparer.Ordinal);

    public Task<ClaimOutcome[]> ClaimAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default) =>
        Task.FromResult(claims.Select(claim =>
            hashes.TryAdd(claim.EventId, claim.ContentHash) ? ClaimOutcome.New
            : hashes[claim.EventId].AsSpan().SequenceEqual(claim.ContentHash) ? ClaimOutcome.Duplicate
            : ClaimOutcome.Conflict).ToArray());

    public Task ReleaseAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default)
    {
        foreach (var claim in claims)
        {
            if (hashes.TryGetValue(claim.EventId, out var stored) && stored.AsSpan().SequenceEqual(claim.ContentHash))
            {
                hashes.TryRemove(new KeyValuePair<string, byte[]>(claim.EventId, stored));
            }
        }
        return Task.CompletedTask;
    }
}
