namespace Collaboration.Journal;

/// <summary>
/// Snapshots of a read model (a fold of the journal's feed, not of one stream), kept beside the journal in the same
/// store. A snapshot is stored as numbered parts so that writing a large one never holds the store's writer for long:
/// parts 1..n first, each in its own commit, then part 0 (the header), which publishes it. A snapshot without its
/// header is incomplete and invisible. Every method throws <see cref="Errors.StorageUnavailableException"/> when the
/// store cannot be reached.
/// </summary>
public interface IReadModelSnapshotStore
{
    /// <summary>The feed positions of the published snapshots of <paramref name="model"/>, newest first.</summary>
    Task<IReadOnlyList<long>> ListAsync(string model, CancellationToken ct = default);

    /// <summary>The parts of one snapshot in order, header (part 0) first; empty when it is gone.</summary>
    Task<IReadOnlyList<byte[]>> ReadAsync(string model, long position, CancellationToken ct = default);

    /// <summary>
    /// Stores one part; part 0 publishes the snapshot, so write it last. Part 1 starts the snapshot afresh: whatever was
    /// stored at that position before (say a damaged snapshot with more parts) is deleted with it.
    /// </summary>
    Task WritePartAsync(string model, long position, int part, ReadOnlyMemory<byte> data, CancellationToken ct = default);

    /// <summary>Deletes every snapshot of <paramref name="model"/> (published or not) below <paramref name="position"/>.</summary>
    Task DeleteBelowAsync(string model, long position, CancellationToken ct = default);
}
