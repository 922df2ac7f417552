namespace Collaboration.LoadGen;

/// <summary>
/// What <c>GET /v1/ideas/{id}</c> must answer: counts by <see cref="EventType"/> and participants as
/// [creators, editors, audience], both all time and including the idea's threads; <see cref="Reach"/> per window of
/// <see cref="Windows.Names"/> (null when read from an expected.json written before reach was checked).
/// <see cref="NearEdge"/>: the windows (see <see cref="Windows.NearEdges"/>) where a contribution lies near an edge.
/// </summary>
public sealed record IdeaAnswer(
    string IdeaId, string? OwnerId, int Threads, int Followers, long[] Counts, int[] Participants, ReachAnswer[]? Reach = null, byte NearEdge = 0);
