namespace Collaboration.Journal;

/// <summary>An event read back from a stream, with the version it was stored at.</summary>
public sealed record StoredEvent(long Version, JournalEvent Event);
