namespace Collaboration.Journal;

/// <summary>
/// One page of <see cref="IEventJournal.ReadFeedAsync"/>: the events, in feed order, and the cursor to read the next
/// page from. A page may be empty while <see cref="Next"/> still advances.
/// </summary>
public sealed record FeedPage(IReadOnlyList<FeedEvent> Events, FeedCursor Next);
