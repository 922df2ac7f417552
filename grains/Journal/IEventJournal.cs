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

    /// <summary>
    /// The events of every stream whose id starts with <paramref name="streamPrefix"/> (ordinal), in commit order, from
    /// feed position <paramref name="from"/>: 0 for the start, then the <see cref="FeedPage.Next"/> of the previous page.
    /// Reading page after page returns every committed event exactly once, never skipping one that commits later, and
    /// each stream's events in version order. A page holds at most <paramref name="maxEvents"/> events, except that
    /// PostgreSQL never splits one append, so an append larger than that comes as one page. Positions are opaque:
    /// compare them only with each other and with <see cref="FeedHeadAsync"/>.
    /// </summary>
    Task<FeedPage> ReadFeedAsync(string streamPrefix, long from, int maxEvents, CancellationToken ct = default);

    /// <summary>
    /// A feed position such that reading until <see cref="FeedPage.Next"/> &gt;= it returns every event committed before
    /// this call. A target, not a place to start: an append still in flight may later commit below it.
    /// </summary>
    Task<long> FeedHeadAsync(CancellationToken ct = default);
}
