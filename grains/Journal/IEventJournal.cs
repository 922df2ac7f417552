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


    /// <summary>
    /// Replaces the stream's snapshot unless a newer one is stored. One at the same version is replaced: the same events
    /// fold to the same state, and a rebuild must be able to overwrite a damaged snapshot.
    /// </summary>
    Task SaveSnapshotAsync(string streamId, StreamSnapshot snapshot, CancellationToken ct = default);

    /// <summary>
    /// The events of every stream whose id starts with <paramref name="streamPrefix"/> (ordinal), in commit order, from
    /// <paramref name="from"/>: <see cref="FeedCursor.Start"/> for the start, then the <see cref="FeedPage.Next"/> of the
    /// previous page. Reading page after page returns every committed event exactly once, never skipping one that
    /// commits later, and each stream's events in version order. A transaction still running does not hold later ones
    /// back: the cursor remembers it, and its events come on the first page read after it commits. A page holds at most
    /// <paramref name="maxEvents"/> events, except that PostgreSQL never splits one transaction (a batch of appends, up
    /// to a few thousand events), so a larger one comes as one page, and adds the whole of every remembered transaction
    /// that has committed since.
    /// </summary>
    Task<FeedPage> ReadFeedAsync(string streamPrefix, FeedCursor from, int maxEvents, CancellationToken ct = default);

    /// <summary>
    /// A feed position to read up to: every event committed before this call has been returned once a cursor has a
    /// <see cref="FeedCursor.Position"/> &gt;= it and either no <see cref="FeedCursor.Pending"/> transactions or came
    /// from a page read after this call. Such a page saw its pending transactions still running, so they did not commit
    /// before this call; an older cursor may name one that has committed since, without the head moving. The head is
    /// a target, not a place to start: an append still in flight may later commit below it.
    /// </summary>
    Task<long> FeedHeadAsync(CancellationToken ct = default);

    /// <summary>
    /// Completes at the next commit of an append made through this process (take it before reading the feed, await it
    /// after) and, on PostgreSQL, of any other process writing the journal (a notification: a hint that can be lost
    /// while the listening connection is re-established, so a follower still reads the feed head now and then).
    /// </summary>
    Task NextCommit();
}
