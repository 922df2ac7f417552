using System.Text.Json.Serialization;
using Collaboration.Analytics;

namespace Collaboration.Api.Analytics;

public sealed record GroupTiers(string Key, long Users, long Creators, long Editors, long Audience, long Inactive);

/// <summary><see cref="By"/> and <see cref="Groups"/> are left out without <c>by</c> (optional, not required, in the document).</summary>
public sealed record ParticipationResponse(
    string Window, DateTimeOffset AsOf, long Users, long Creators, long Editors, long Audience, long Inactive, TierShares Shares,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? By = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GroupTiers>? Groups = null);

public sealed record GroupFollows(string Key, long Users, long Followers, long Follows, long Stale, double? StaleShare);

/// <summary>GET /v1/stats/follows: follows in force now and the stale ones; <see cref="Groups"/> is left out without <c>by</c>.</summary>
public sealed record FollowsResponse(
    string Window, DateTimeOffset AsOf, DateTimeOffset SeenBy, long Users, long Followers, long Follows, long Stale, double? StaleShare,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? By = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GroupFollows>? Groups = null);

public sealed record GroupTies(string Key, long External, long Internal, double? EiIndex);

public sealed record TiesResponse(
    string Window, DateTimeOffset AsOf, string By, long Ties, long External, long Internal, double? EiIndex,
    IReadOnlyList<GroupTies> Groups, double? MeanBreadth);

/// <summary>GET /v1/stats/ties/matrix: <see cref="Cells"/> holds every ordered pair of <see cref="Groups"/>, rows (<c>from</c>) in their order.</summary>
public sealed record TieMatrixResponse(
    string Window, DateTimeOffset AsOf, string By, long Ties, IReadOnlyList<GroupSize> Groups, IReadOnlyList<TieCell> Cells);

/// <summary>GET /v1/stats/ideas/{ideaId}/contributors: the idea's contributors in the window by group, most first.</summary>
public sealed record IdeaContributorsResponse(
    string IdeaId, string Window, DateTimeOffset AsOf, string By, long Contributors, long Users, IReadOnlyList<GroupContributors> Groups);

public sealed record TopIdea(string IdeaId, string? Title, string? OwnerId, long Views, IdeaReach Reach);

public sealed record TopIdeasResponse(string Window, DateTimeOffset AsOf, string Sort, IReadOnlyList<TopIdea> Ideas);

public sealed record DayTiers(DateOnly Day, long Active, long Creators, long Editors, long Audience);

public sealed record DailyResponse(DateTimeOffset AsOf, IReadOnlyList<DayTiers> Days);

/// <summary>A window (Start, End].</summary>
public sealed record WindowSpan(DateTimeOffset Start, DateTimeOffset End);

/// <summary><see cref="Moves"/>.previous tier.current tier = users.</summary>
public sealed record FunnelResponse(string Window, DateTimeOffset AsOf, WindowSpan Previous, WindowSpan Current, TierMoves Moves);
