using Collaboration.Analytics;
using Collaboration.Ideas;
using Collaboration.Reads;

namespace Collaboration.Api.Responses;

/// <summary>GET /v1/ideas/{ideaId}: the idea's view and, while analytics is on, its reach in the window (null otherwise).</summary>
public sealed record IdeaResponse(
    string IdeaId, string? OwnerId, string? Title, string[] Tags, DateTimeOffset? CreatedAt, int Followers, TypeCounts Counts,
    int Threads, Participants Participants, IdeaReach? Reach)
{
    public static IdeaResponse Of(IdeaView v, IdeaReach? reach) =>
        new(v.IdeaId, v.OwnerId, v.Title, v.Tags, v.CreatedAt, v.Followers, v.Counts, v.Threads, v.Participants, reach);
}
