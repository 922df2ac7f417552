namespace Collaboration.Analytics;

/// <summary>
/// Contribution ties in a window from each group of one dimension (the contributor's) to each group (the idea owner's):
/// who picks up whose ideas. The groups after the privacy floor (see PrivacyFloor), every ordered pair of them a cell,
/// zeros included; <see cref="Ties"/> is the total over everyone.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TieMatrix(
    [property: Id(0)] long Ties,
    [property: Id(1)] IReadOnlyList<GroupSize> Groups,
    [property: Id(2)] IReadOnlyList<TieCell> Cells);

/// <summary>A group shown in a grouped answer and how many users it has now.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupSize([property: Id(0)] string Key, [property: Id(1)] long Users);

/// <summary>The ties whose contributor is in <see cref="From"/> and whose idea owner is in <see cref="To"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record TieCell([property: Id(0)] string From, [property: Id(1)] string To, [property: Id(2)] long Ties);
