namespace Collaboration.Journal;

/// <summary>An event read from the feed, with the stream it belongs to and its version there.</summary>
public sealed record FeedEvent(string StreamId, long Version, JournalEvent Event);
