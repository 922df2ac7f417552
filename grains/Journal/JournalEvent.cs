namespace Collaboration.Journal;

/// <summary>One stored event: its id (unique per stream), a stable type name and the serialized payload.</summary>
public sealed record JournalEvent(string EventId, string Type, byte[] Data);
