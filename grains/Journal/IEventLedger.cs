namespace Collaboration.Journal;

/// <summary>
/// The one owner of every event id in the system: it records the content hash the first time an id is seen, so that
/// a reused id with other content is refused before any grain stores it.
/// </summary>
public interface IEventLedger
{
    /// <summary>Durably records the new ids and returns one outcome per claim. Ids must be distinct within a call.</summary>
    Task<ClaimOutcome[]> ClaimAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default);

    /// <summary>
    /// Forgets claims whose event was refused after it was claimed (and so stored nowhere), so the id can be used
    /// again; a claim is only forgotten when its content hash matches.
    /// </summary>
    Task ReleaseAsync(IReadOnlyList<EventClaim> claims, CancellationToken ct = default);
}
