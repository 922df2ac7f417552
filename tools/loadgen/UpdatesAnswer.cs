namespace Collaboration.LoadGen;

/// <summary>
/// What <c>GET /v1/users/{id}/updates</c> must list for one user, in its order (newest activity first, then idea id).
/// </summary>
public sealed record UpdatesAnswer(string UserId, IReadOnlyList<UpdateItem> Items);

/// <summary>One followed idea with news: its latest event, the user's latest own event there, and the counts by type (<see cref="EventType"/>) of what came after it among the idea's 90 days up to its latest.</summary>
public sealed record UpdateItem(string IdeaId, long LastActivityTicks, long LastSeenTicks, long[] Counts);
