namespace Collaboration.Journal;

/// <summary>
/// An event read from the feed, with the stream it belongs to, its version there, and when the journal stored it (the
/// store's clock: the silo's on SQLite, the database server's transaction start on PostgreSQL).
/// </summary>
public sealed record FeedEvent(string StreamId, long Version, JournalEvent Event, DateTimeOffset StoredAt);
