namespace Collaboration.Analytics;

/// <summary>
/// The follows in force and the stale ones (not seen by their follower within the window), with the followers who hold
/// them: company-wide, and per group of the follower after the privacy floor (null without a dimension).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FollowStats(
    [property: Id(0)] GroupFollowCounts Total,
    [property: Id(1)] IReadOnlyList<GroupFollowCounts>? Groups);

/// <summary>One group's users, its followers (users with a follow in force), their follows and the stale ones.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupFollowCounts(
    [property: Id(0)] string Key,
    [property: Id(1)] long Users,
    [property: Id(2)] long Followers,
    [property: Id(3)] long Follows,
    [property: Id(4)] long Stale)
{
    /// <summary>Stale follows over follows; null without follows. Computed in the silo and carried with the counts.</summary>
    [Id(5)]
    public double? StaleShare { get; init; } = Follows == 0 ? null : (double)Stale / Follows;

    public static GroupFollowCounts operator +(GroupFollowCounts a, GroupFollowCounts b) =>
        new(a.Key, a.Users + b.Users, a.Followers + b.Followers, a.Follows + b.Follows, a.Stale + b.Stale);
}
