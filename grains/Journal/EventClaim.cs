namespace Collaboration.Journal;

/// <summary>An event id with the hash of the event's content.</summary>
public readonly record struct EventClaim(string EventId, byte[] ContentHash);
