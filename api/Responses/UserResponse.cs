using Collaboration.Analytics;
using Collaboration.Reads;
using Collaboration.Users;

namespace Collaboration.Api.Responses;

/// <summary>GET /v1/users/{userId} (and PUT's answer): the user's view and, while analytics is on, their breadth (null otherwise).</summary>
public sealed record UserResponse(
    string UserId, string? DisplayName, string? Country, string? Site, string? Department, string? Function, bool Suggestions, bool Registered,
    string Window, string Tier, TypeCounts Counts, TypeCounts Totals, DateTimeOffset? FirstActiveAt, DateTimeOffset? LastActiveAt,
    int Following, UserBreadth? Breadth)
{
    public static UserResponse Of(UserView v, UserBreadth? breadth) => new(
        v.UserId, v.DisplayName, v.Country, v.Site, v.Department, v.Function, v.Suggestions, v.Registered, v.Window, v.Tier, v.Counts, v.Totals,
        v.FirstActiveAt, v.LastActiveAt, v.Following, breadth);
}
