namespace Collaboration.Analytics;

/// <summary>
/// The promotion funnel: every user by their tier in the previous window of the same length (the row) and in this one
/// (the column of <see cref="TierRow"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TierMoves(
    [property: Id(0)] TierRow Inactive,
    [property: Id(1)] TierRow Audience,
    [property: Id(2)] TierRow Editor,
    [property: Id(3)] TierRow Creator)
{
    /// <param name="moves">[from][to], both indexed by <see cref="Events.ParticipationLevel"/>.</param>
    public static TierMoves From(IReadOnlyList<long[]> moves) =>
        new(TierRow.From(moves[0]), TierRow.From(moves[1]), TierRow.From(moves[2]), TierRow.From(moves[3]));
}
