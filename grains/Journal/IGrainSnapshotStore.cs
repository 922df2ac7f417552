namespace Collaboration.Journal;

/// <summary>
/// The latest snapshot of each event-sourced grain, keyed by its stream id ("user/u-1001"): a cache that spares an
/// activation from folding its whole stream. Each snapshot is whole in itself (its state and the cursor it covers, see
/// <see cref="EventSourcing.GrainSnapshotFormat"/>), so whichever save comes last is a right one to keep. Both methods
/// throw <see cref="Errors.StorageUnavailableException"/> when the store cannot be reached.
/// </summary>
public interface IGrainSnapshotStore
{
    /// <summary>The stored snapshot of <paramref name="streamId"/>, or null.</summary>
    Task<byte[]?> LoadAsync(string streamId, CancellationToken ct = default);

    /// <summary>Replaces the snapshot of <paramref name="streamId"/>.</summary>
    Task SaveAsync(string streamId, byte[] data, CancellationToken ct = default);
}
