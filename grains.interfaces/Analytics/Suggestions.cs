namespace Collaboration.Analytics;

/// <summary>
/// Colleagues outside an idea owner's group who are likely to help with it (issue 15's matchmaking), best first; see
/// the interest and score rules in <c>InterestRules</c>. Null <see cref="OwnerId"/> when no create of the idea is
/// stored yet (then nobody is suggested).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PeopleSuggestions(
    [property: Id(0)] string? OwnerId,
    [property: Id(1)] string? OwnerGroup,
    [property: Id(2)] string[] Tags,
    [property: Id(3)] SuggestedPerson[] People);

/// <summary>
/// One suggested colleague: <see cref="Score"/> is their interest summed over the idea's tags; why: the tags they share
/// with it (most interest first), their country and function, and their contributions (idea and UTC day pairs) in
/// the 90 days.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SuggestedPerson(
    [property: Id(0)] string UserId,
    [property: Id(1)] int Score,
    [property: Id(2)] string[] SharedTags,
    [property: Id(3)] string? Country,
    [property: Id(4)] string? Function,
    [property: Id(5)] int RecentContributions);

/// <summary>
/// An idea owned in another country or function that matches a user's interests and still lacks critical mass: how
/// many contributors and countries it has in the 90 days and how many more it needs.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SuggestedIdea(
    [property: Id(0)] string IdeaId,
    [property: Id(1)] string? Title,
    [property: Id(2)] string OwnerId,
    [property: Id(3)] string? OwnerCountry,
    [property: Id(4)] string? OwnerFunction,
    [property: Id(5)] int Score,
    [property: Id(6)] string[] SharedTags,
    [property: Id(7)] int Contributors,
    [property: Id(8)] int Countries,
    [property: Id(9)] int LacksContributors,
    [property: Id(10)] int LacksCountries);
