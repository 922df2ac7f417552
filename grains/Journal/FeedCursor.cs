namespace Collaboration.Journal;

/// <summary>
/// Where a reader of <see cref="IEventStore"/> stands: the events are read below <see cref="Position"/>, except for the
/// transactions in <see cref="Pending"/> (sorted), which were still running at the last read and are read once they
/// finish. Start from <see cref="Start"/>, then pass the <see cref="EventPage.Next"/> of the previous page. Both values
/// are opaque: compare <see cref="Position"/> only with other positions and with <see cref="IEventStore.FeedHeadAsync"/>.
/// SQLite never has pending transactions.
/// </summary>
public sealed record FeedCursor(long Position, long[] Pending)
{
    /// <summary>The beginning of the feed.</summary>
    public static readonly FeedCursor Start = new(0, []);

    /// <summary>
    /// Whether the reads that led to this cursor returned a record of <paramref name="commit"/> (a
    /// <see cref="StoreResult.Commit"/>), provided they read a key or feed that holds it.
    /// </summary>
    public bool Covers(long commit) => commit < Position && Array.BinarySearch(Pending, commit) < 0;
}
