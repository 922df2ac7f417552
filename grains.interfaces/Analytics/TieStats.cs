namespace Collaboration.Analytics;

/// <summary>Contribution ties whose contributor is in one group, split by whether the owner is in the same group.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupTieCounts(
    [property: Id(0)] string Key,
    [property: Id(1)] long Users,
    [property: Id(2)] long External,
    [property: Id(3)] long Internal)
{
    public long Ties => External + Internal;

    /// <summary>Computed when the counts are made (in the silo) and carried with them.</summary>
    [Id(4)]
    public double? EiIndex { get; init; } = Analytics.EiIndex.Of(External, Internal);
}

/// <summary>
/// Distinct (contributor, idea owner) pairs with a contribution in the window, for one dimension; the groups after the
/// privacy floor (see PrivacyFloor), the totals over everyone. <see cref="BreadthSum"/> / <see cref="TiedUsers"/> is the mean breadth.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TieStats(
    [property: Id(0)] long Ties,
    [property: Id(1)] IReadOnlyList<GroupTieCounts> Groups,
    [property: Id(2)] long BreadthSum,
    [property: Id(3)] long TiedUsers,
    [property: Id(4)] long External,
    [property: Id(5)] long Internal)
{
    /// <summary>Computed when the counts are made (in the silo) and carried with them.</summary>
    [Id(6)]
    public double? EiIndex { get; init; } = Analytics.EiIndex.Of(External, Internal);

    /// <summary>The mean breadth over the users with at least one tie; null when none has. Computed in the silo.</summary>
    [Id(7)]
    public double? MeanBreadth { get; init; } = TiedUsers > 0 ? (double)BreadthSum / TiedUsers : null;
}
