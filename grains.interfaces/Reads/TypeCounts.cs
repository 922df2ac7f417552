using Collaboration.Events;

namespace Collaboration.Reads;

/// <summary>Number of events per interaction type.</summary>
[GenerateSerializer, Immutable]
public sealed record TypeCounts(
    [property: Id(0)] long Create,
    [property: Id(1)] long Comment,
    [property: Id(2)] long Like,
    [property: Id(3)] long Edit,
    [property: Id(4)] long Share,
    [property: Id(5)] long View,
    [property: Id(6)] long Follow,
    [property: Id(7)] long Unfollow)
{
    /// <param name="counts">Indexed by <see cref="InteractionType"/>.</param>
    public static TypeCounts From(ReadOnlySpan<long> counts) =>
        new(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7]);
}
