using Collaboration.Reads;

namespace Collaboration.Ideas;

/// <summary>An idea as dashboards read it; counts and participants are all-time and include its threads.</summary>
[GenerateSerializer, Immutable]
public sealed record IdeaView(
    [property: Id(0)] string IdeaId,
    [property: Id(1)] string? OwnerId,
    [property: Id(2)] string? Title,
    [property: Id(3)] string[] Tags,
    [property: Id(4)] DateTimeOffset? CreatedAt,
    [property: Id(5)] int Followers,
    [property: Id(6)] TypeCounts Counts,
    [property: Id(7)] int Threads,
    [property: Id(8)] Participants Participants);
