namespace Collaboration.Bench;

/// <summary>
/// The rows a service run left in its store (journal events, ledger, snapshots), held in memory so that writing them
/// into another store can be timed on its own. Read in primary-key order, the cheapest order to insert.
/// </summary>
public sealed partial class StoredRows
{
    public sealed record Event(string StreamId, long Version, string EventId, string Type, byte[] Data, DateTimeOffset StoredAt, long Position);

    public sealed record Claim(string EventId, byte[] ContentHash, DateTimeOffset RecordedAt);

    public sealed record Snapshot(string StreamId, long Version, byte[] Data);

    public List<Event> Events { get; } = [];

    public List<Claim> Ledger { get; } = [];

    public List<Snapshot> Snapshots { get; } = [];

    public long Count => Events.Count + Ledger.Count + Snapshots.Count;

    public string Describe() => $"{Events.Count:N0} journal events, {Ledger.Count:N0} ledger claims, {Snapshots.Count:N0} snapshots";
}
