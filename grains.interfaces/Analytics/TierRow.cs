namespace Collaboration.Analytics;

/// <summary>The users of one tier in the previous window, by their tier in this one.</summary>
[GenerateSerializer, Immutable]
public sealed record TierRow(
    [property: Id(0)] long Inactive,
    [property: Id(1)] long Audience,
    [property: Id(2)] long Editor,
    [property: Id(3)] long Creator)
{
    /// <param name="counts">Indexed by <see cref="Events.ParticipationLevel"/>.</param>
    public static TierRow From(IReadOnlyList<long> counts) => new(counts[0], counts[1], counts[2], counts[3]);
}
