namespace Collaboration.Journal;

/// <summary>A stream as an activation loads it: the latest snapshot (null if none) and the events stored after it.</summary>
public sealed record StreamHistory(StreamSnapshot? Snapshot, IReadOnlyList<StoredEvent> Tail);
