namespace Collaboration.LoadGen;

/// <summary>
/// What <c>GET /v1/ideas/{id}</c> must answer: counts by <see cref="EventType"/> and participants as
/// [creators, editors, audience], both all time and including the idea's threads.
/// </summary>
public sealed record IdeaAnswer(string IdeaId, string? OwnerId, int Threads, int Followers, long[] Counts, int[] Participants);
