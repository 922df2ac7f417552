namespace Collaboration.Journal;

/// <summary>
/// Where a reader of <see cref="IEventJournal.ReadFeedAsync"/> stands: the feed is read below <see cref="Position"/>,
/// except for the transactions in <see cref="Pending"/>, which were still running at the last read and are read once
/// they finish. Start from <see cref="Start"/>, then pass the <see cref="FeedPage.Next"/> of the previous page. Both
/// values are opaque: compare <see cref="Position"/> only with other positions and with
/// <see cref="IEventJournal.FeedHeadAsync"/>. SQLite never has pending transactions.
/// </summary>
public sealed record FeedCursor(long Position, long[] Pending)
{
    /// <summary>The beginning of the feed.</summary>
    public static readonly FeedCursor Start = new(0, []);
}
