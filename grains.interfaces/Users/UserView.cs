using Collaboration.Reads;

namespace Collaboration.Users;

/// <summary>A user's participation as dashboards read it.</summary>
[GenerateSerializer, Immutable]
public sealed record UserView(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? DisplayName,
    [property: Id(2)] string? Country,
    [property: Id(3)] string? Site,
    [property: Id(4)] string? Department,
    [property: Id(5)] string? Function,
    [property: Id(6)] bool Registered,
    [property: Id(7)] string Window,
    [property: Id(8)] string Tier,
    [property: Id(9)] TypeCounts Counts,
    [property: Id(10)] TypeCounts Totals,
    [property: Id(11)] DateTimeOffset? FirstActiveAt,
    [property: Id(12)] DateTimeOffset? LastActiveAt,
    [property: Id(13)] int Following,
    [property: Id(14)] bool Suggestions);
