namespace Collaboration.Analytics;

/// <summary>
/// Who contributed to an idea in a window, other than its owner, and from how many groups. The cross-border share is
/// null without contributors or without a known owner. The silo sets <see cref="CriticalMass"/> by its
/// AnalyticsOptions (at least 10 contributors from at least 2 countries by default).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IdeaReach(
    [property: Id(0)] int Contributors,
    [property: Id(1)] int Countries,
    [property: Id(2)] int Departments,
    [property: Id(3)] int Functions,
    [property: Id(4)] double? CrossBorderShare,
    [property: Id(5)] bool CriticalMass = false);

/// <summary>An idea in a ranking, with its view events and reach in the window.</summary>
[GenerateSerializer, Immutable]
public sealed record RankedIdea(
    [property: Id(0)] string IdeaId,
    [property: Id(1)] string? OwnerId,
    [property: Id(2)] string? Title,
    [property: Id(3)] long Views,
    [property: Id(4)] IdeaReach Reach);

/// <summary>How top ideas are ordered.</summary>
public enum IdeaRanking : byte
{
    /// <summary>Most contributor countries, then most contributors.</summary>
    Reach = 0,
    Contributors = 1,
    Views = 2,
}
