namespace Collaboration.Analytics;

/// <summary>How many users are in each tier of a window. Inactive users are the rest.</summary>
[GenerateSerializer, Immutable]
public sealed record TierCounts(
    [property: Id(0)] long Users,
    [property: Id(1)] long Creators,
    [property: Id(2)] long Editors,
    [property: Id(3)] long Audience)
{
    public long Inactive => Users - Creators - Editors - Audience;

    /// <summary>Each tier's share of the users, computed when the counts are made (in the silo) and carried with them.</summary>
    [Id(4)]
    public TierShares Shares { get; init; } = TierShares.Of(Users, Creators, Editors, Audience);

    public static TierCounts operator +(TierCounts a, TierCounts b) =>
        new(a.Users + b.Users, a.Creators + b.Creators, a.Editors + b.Editors, a.Audience + b.Audience);
}

/// <summary>The tiers of one group's users.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupTierCounts([property: Id(0)] string Key, [property: Id(1)] TierCounts Counts);

/// <summary>Tiers over all users and, when asked, per group of one dimension after the privacy floor (see PrivacyFloor).</summary>
[GenerateSerializer, Immutable]
public sealed record ParticipationStats(
    [property: Id(0)] TierCounts Total,
    [property: Id(1)] IReadOnlyList<GroupTierCounts>? Groups);
