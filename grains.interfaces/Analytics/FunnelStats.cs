using Collaboration.Reads;

namespace Collaboration.Analytics;

/// <summary>
/// <see cref="Moves"/>[from][to] counts the users whose tier was <c>from</c> in the previous window of the same length
/// and is <c>to</c> in this one; both indexes follow <see cref="Events.ParticipationLevel"/> (inactive = 0 .. creator = 3).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FunnelStats(
    [property: Id(0)] ReadWindow Window,
    [property: Id(1)] DateTimeOffset AsOf,
    [property: Id(2)] long[][] Moves);
