namespace Collaboration.Analytics;

/// <summary>
/// A user's breadth in a window, per dimension: how many distinct groups other than the user's own own ideas the
/// user has a contribution tie to.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserBreadth(
    [property: Id(0)] int Country,
    [property: Id(1)] int Site,
    [property: Id(2)] int Department,
    [property: Id(3)] int Function)
{
    /// <param name="perDimension">Indexed by <see cref="Dimension"/>.</param>
    public static UserBreadth From(IReadOnlyList<int> perDimension) =>
        new(perDimension[(int)Dimension.Country], perDimension[(int)Dimension.Site], perDimension[(int)Dimension.Department],
            perDimension[(int)Dimension.Function]);
}
