namespace Collaboration.Journal;

/// <summary>
/// Append-only event streams, one per grain, with optional snapshots. Versions grow with every stored event. Every
/// method throws <see cref="Errors.StorageUnavailableException"/> when the store cannot be reached.
/// </summary>
public interface IEventJournal
{
    /// <summary>The events of <paramref name="streamId"/> with a version above <paramref name="afterVersion"/>, in order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion, CancellationToken ct = default);

    /// <summary>
    /// Appends atomically if the stream is still at <paramref name="expectedVersion"/>. Events whose id the stream
    /// already holds (or that repeat an id earlier in the same call) are skipped, which makes a retried append harmless.
    /// </summary>
    Task<AppendResult> TryAppendAsync(string streamId, long expectedVersion, IReadOnlyList<JournalEvent> events, CancellationToken ct = default);

    /// <summary>What an activation needs in one round trip: the latest snapshot, if any, and the events after it.</summary>
    Task<StreamHistory> LoadAsync(string streamId, CancellationToken ct = default);


    /// <summary>Replaces the stream's snapshot unless a newer one is stored.</summary>
    Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default);

}
