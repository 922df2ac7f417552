namespace Collaboration.Analytics;

/// <summary>Each tier's share of the users; null when there are no users.</summary>
[GenerateSerializer, Immutable]
public sealed record TierShares(
    [property: Id(0)] double? Creators,
    [property: Id(1)] double? Editors,
    [property: Id(2)] double? Audience,
    [property: Id(3)] double? Inactive)
{
    public static TierShares Of(long users, long creators, long editors, long audience) =>
        new(Share(creators, users), Share(editors, users), Share(audience, users), Share(users - creators - editors - audience, users));

    private static double? Share(long part, long whole) => whole == 0 ? null : (double)part / whole;
}
