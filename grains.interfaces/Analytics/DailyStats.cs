namespace Collaboration.Analytics;

/// <summary>Users active on one UTC day, by the highest tier they reached that day.</summary>
[GenerateSerializer, Immutable]
public sealed record DayTierCounts(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] long Creators,
    [property: Id(2)] long Editors,
    [property: Id(3)] long Audience)
{
    /// <summary>Users active that day: the tiers are disjoint, each user counted at the highest reached.</summary>
    public long Active => Creators + Editors + Audience;
}
