namespace Collaboration.Analytics;

/// <summary>Users active on one UTC day, by the highest tier they reached that day.</summary>
[GenerateSerializer, Immutable]
public sealed record DayTierCounts(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] long Creators,
    [property: Id(2)] long Editors,
    [property: Id(3)] long Audience);
