namespace Collaboration.Analytics;

/// <summary>
/// An idea's contributors other than its owner in a window (as <see cref="IdeaReach.Contributors"/> counts them) by
/// their group of one dimension: the groups after the privacy floor (see PrivacyFloor), most contributors first;
/// <see cref="Contributors"/> and <see cref="Users"/> (everyone) are totals.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IdeaContributors(
    [property: Id(0)] long Contributors,
    [property: Id(1)] long Users,
    [property: Id(2)] IReadOnlyList<GroupContributors> Groups);

/// <summary>A group's users now and how many of them contributed to the idea in the window.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupContributors([property: Id(0)] string Key, [property: Id(1)] long Users, [property: Id(2)] long Contributors);
