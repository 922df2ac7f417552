namespace Collaboration.Analytics;

/// <summary>Each tier's share of the users; null when there are no users.</summary>
[GenerateSerializer, Immutable]
public sealed record TierShares(
    [property: Id(0)] double? Creators,
    [property: Id(1)] double? Editors,
    [property: Id(2)] double? Audience,
    [property: Id(3)] double? Inactive)
{
    public static TierShares Of(TierCounts counts) =>
        new(Share(counts.Creators, counts.Users), Share(counts.Editors, counts.Users), Share(counts.Audience, counts.Users),
            Share(counts.Inactive, counts.Users));

    private static double? Share(long part, long whole) => whole == 0 ? null : (double)part / whole;
}
