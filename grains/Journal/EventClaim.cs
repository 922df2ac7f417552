namespace Collaboration.Journal;

/// <summary>
/// An event id with the hash of the event's content, and the API key that posted it. The key is stored with a new id
/// only: it is metadata about the first delivery, not content, so it takes no part in the duplicate check.
/// </summary>
public readonly record struct EventClaim(string EventId, byte[] ContentHash, string? PostedBy = null);
