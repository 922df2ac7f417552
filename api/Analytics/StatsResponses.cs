using System.Text.Json.Serialization;

namespace Collaboration.Api.Analytics;

public sealed record TierShares(double? Creators, double? Editors, double? Audience, double? Inactive);

public sealed record GroupTiers(string Key, long Users, long Creators, long Editors, long Audience, long Inactive);

public sealed record ParticipationResponse(
    string Window, DateTimeOffset AsOf, long Users, long Creators, long Editors, long Audience, long Inactive, TierShares Shares,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GroupTiers>? Groups);

public sealed record GroupTies(string Key, long External, long Internal, double? EiIndex);

public sealed record TiesResponse(
    string Window, DateTimeOffset AsOf, string By, long Ties, long External, long Internal, double? EiIndex,
    IReadOnlyList<GroupTies> Groups, double? MeanBreadth);

public sealed record ReachView(int Contributors, int Countries, int Departments, int Functions, double? CrossBorderShare, bool CriticalMass);

public sealed record TopIdea(string IdeaId, string? Title, string? OwnerId, long Views, ReachView Reach);

public sealed record TopIdeasResponse(string Window, DateTimeOffset AsOf, string Sort, IReadOnlyList<TopIdea> Ideas);

public sealed record DayTiers(DateOnly Day, long Active, long Creators, long Editors, long Audience);

public sealed record DailyResponse(DateTimeOffset AsOf, IReadOnlyList<DayTiers> Days);

/// <summary>A window (Start, End].</summary>
public sealed record WindowSpan(DateTimeOffset Start, DateTimeOffset End);

/// <summary><see cref="Moves"/>[previous tier][current tier] = users.</summary>
public sealed record FunnelResponse(
    string Window, DateTimeOffset AsOf, WindowSpan Previous, WindowSpan Current, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Moves);

public sealed record BreadthView(int Country, int Site, int Department, int Function);
